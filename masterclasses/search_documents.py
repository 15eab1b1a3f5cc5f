"""How master-classes read for the site search."""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def masterclass_document(masterclass) -> SearchDocument | None:
    """Found by those it is for: everyone, members of Kollegi, or its
    community's members (``community.audience``)."""
    from community.audience import Audience
    from masterclasses.models import MasterClass

    shown = (MasterClass.Status.PUBLISHED, MasterClass.Status.FINISHED)
    if masterclass.status not in shown or masterclass.is_hidden:
        return None
    if masterclass.audience == Audience.GROUP and masterclass.group_id is None:
        return None  # a group's without its group: nobody's to find
    return SearchDocument(
        title=masterclass.title,
        url=masterclass.get_absolute_url(),
        date=masterclass.starts_at,
        body=plain_text(masterclass.description_html),
        tags=[tag.name for tag in masterclass.tags.all()],
        subject_ids=[masterclass.subject_id],
        grade_slugs=[grade.slug for grade in masterclass.grades.all()],
        author_id=masterclass.host_id,
        members_only=masterclass.audience == Audience.MEMBERS,
        group_id=(
            masterclass.group_id if masterclass.audience == Audience.GROUP else None
        ),
    )


def register() -> None:
    from masterclasses.models import MasterClass

    searchable_register(
        SearchKind(
            key="masterclasses",
            label=_("Master-classes"),
            model=MasterClass,
            document=masterclass_document,
            queryset=lambda: MasterClass.objects.prefetch_related("tags", "grades"),
            order=40,
        )
    )
