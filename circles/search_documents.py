"""How communities read for the site search.

Search finds a community only while colleagues may find it on the site: open,
dormant or archived, not hidden, and public (anyone) or members-only (members
of Kollegi: the entry's audience is members, so visitors' searches skip it).
A private community is never in the index: outsiders must not learn it exists;
a proposal is not either, until it opens.
"""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def community_document(community) -> SearchDocument | None:
    from circles.models import Community

    Status, Visibility = Community.Status, Community.Visibility
    shown = (Status.OPEN, Status.DORMANT, Status.ARCHIVED)
    if (
        community.status not in shown
        or community.is_hidden
        or community.visibility not in (Visibility.PUBLIC, Visibility.MEMBERS)
    ):
        return None
    return SearchDocument(
        title=community.name,
        url=community.get_absolute_url(),
        date=community.opened_at or community.created_at,
        body=f"{community.purpose} {plain_text(community.description_html)}",
        tags=[tag.name for tag in community.tags.all()],
        subject_ids=[community.subject_id] if community.subject_id else [],
        grade_slugs=[grade.slug for grade in community.grades.all()],
        author_id=community.founder_id,
        members_only=community.visibility == Visibility.MEMBERS,
    )


def register() -> None:
    from circles.models import Community

    searchable_register(
        SearchKind(
            key="communities",
            label=_("Communities"),
            model=Community,
            document=community_document,
            queryset=lambda: Community.objects.prefetch_related("tags", "grades"),
            order=45,
        )
    )
