"""Sections that belong to a group of colleagues (a community's forum).

The app that keeps groups (``circles``) makes one section per community when
it opens and keeps it in step: who may read it (``community.audience``,
following the community's visibility) and who moderates it (the community's
owner and moderators, who have a section moderator's powers there and
nowhere else). A group's section is not listed among the site's sections;
its topics are read on the community's page and their own pages.
"""

from django.db import transaction

from community.audience import Audience
from community.slugs import free_slug, readable_slug
from forums import changes
from forums.models import Section, Topic

__all__ = ["group_section_create", "group_section_set", "section_feed_record"]


@transaction.atomic
def group_section_create(*, title: str, group_id: int, audience: str) -> Section:
    """The section of group ``group_id`` (one per group: asking again
    returns the one made before)."""
    section = Section.objects.filter(group_id=group_id).first()
    if section is not None:
        return section
    base = readable_slug(title, fallback="community")
    taken = set(
        Section.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    section = Section.objects.create(
        title=title[:120],
        slug=free_slug(base, taken),
        audience=audience,
        group_id=group_id,
        position=0,
    )
    changes.section_changed()
    return section


@transaction.atomic
def group_section_set(
    *,
    section: Section,
    audience: str | None = None,
    title: str | None = None,
    moderator_ids=None,
    read_only: bool | None = None,
) -> Section:
    """Keep a group's section in step with its group: who may read it (its
    topics' search entries and feed entries follow, after commit), its
    title, whether it is read-only (an archived group), and its moderators
    (exactly ``moderator_ids``)."""
    if audience is not None and audience not in Audience.values:
        raise ValueError(audience)
    fields = []
    if title is not None and title[:120] != section.title:
        section.title = title[:120]
        fields.append("title")
    if read_only is not None and read_only != section.is_read_only:
        section.is_read_only = read_only
        fields.append("is_read_only")
    audience_moved = audience is not None and audience != section.audience
    if audience_moved:
        section.audience = audience
        fields.append("audience")
    if fields:
        section.save(update_fields=fields)
    if moderator_ids is not None:
        section.moderators.set(list(moderator_ids))
        section.__dict__.pop("_moderator_answers", None)
    if audience_moved:
        if changes.section_audience_changed(section):
            feed_record_later(section_id=section.pk)
    elif fields or moderator_ids is not None:
        changes.section_changed()
    return section


def feed_record_later(
    *, section_id: int | None = None, topic_id: int | None = None
) -> None:
    """After commit, the task that puts a section's topics (or one topic)
    back in the feed (``section_feed_record``)."""
    from forums.tasks import feed_record_task

    transaction.on_commit(lambda: feed_record_task.delay(section_id, topic_id))


@transaction.atomic
def section_feed_record(
    *, section_id: int | None = None, topic_id: int | None = None
) -> int:
    """A section became everyone's to read (or a topic moved into such a
    section): its topics (or that one) go back into the activity feed with
    their replies and answers (``changes.topics_feed_record``), by a task
    after commit. The section's row is held meanwhile, so a change of its
    readers waits for this or is seen by it; running twice records nothing
    more. Returns how many entries were recorded."""
    if topic_id is not None:
        section_id = (
            Topic.objects.filter(pk=topic_id)
            .values_list("section_id", flat=True)
            .first()
        )
    if section_id is None:
        return 0
    section = Section.objects.select_for_update().filter(pk=section_id).first()
    if section is None:
        return 0
    topics = Topic.objects.filter(section=section)
    if topic_id is not None:
        topics = topics.filter(pk=topic_id)
    return changes.topics_feed_record(topics)
