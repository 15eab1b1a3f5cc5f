"""Watching topics, sections and tags."""

from forums.models import Section, SectionWatch, TagWatch, Topic, TopicWatch

__all__ = [
    "section_watch_set",
    "tag_watch_set",
    "tag_watches_merge",
    "topic_watch_set",
]


def topic_watch_set(*, user, topic: Topic, watching: bool) -> None:
    if watching:
        TopicWatch.objects.get_or_create(user=user, topic=topic)
    else:
        TopicWatch.objects.filter(user=user, topic=topic).delete()


def section_watch_set(*, user, section: Section, watching: bool) -> None:
    """Hear (or stop hearing) about every new topic in the section."""
    if watching:
        SectionWatch.objects.get_or_create(user=user, section=section)
    else:
        SectionWatch.objects.filter(user=user, section=section).delete()


def tag_watch_set(*, user, tag, watching: bool) -> None:
    """Hear (or stop hearing) about new topics carrying the tag."""
    if watching:
        TagWatch.objects.get_or_create(user=user, tag=tag)
    else:
        TagWatch.objects.filter(user=user, tag=tag).delete()


def tag_watches_merge(*, sources, target) -> int:
    """Tags merged into ``target``: their watchers watch ``target`` now, once
    each (community.tags.tag_merge runs this before deleting ``sources``, and
    checks the moderator). Returns how many watches moved."""
    watching = set(
        TagWatch.objects.filter(tag=target).values_list("user_id", flat=True)
    )
    moving = []
    for pk, user_id in (
        TagWatch.objects.filter(tag__in=[tag.pk for tag in sources])
        .order_by("pk")
        .values_list("pk", "user_id")
    ):
        if user_id not in watching:
            watching.add(user_id)
            moving.append(pk)
    # The others (already watching the target) go with their tags.
    return TagWatch.objects.filter(pk__in=moving).update(tag=target)
