"""How contests and network projects read for the site search.

A contest is found while everyone may read it (announced or finished, not
hidden); a network project while it is past its draft and not hidden.
Entries, scores and polls have no entry of their own (a poll is read with
its topic).
"""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register
from contests import kinds


def contest_document(contest) -> SearchDocument | None:
    from contests.models import Contest

    if contest.is_hidden or contest.status not in (
        Contest.Status.PUBLISHED,
        Contest.Status.FINISHED,
    ):
        return None
    nominations = " ".join(item.title for item in contest.nominations.all())
    return SearchDocument(
        title=contest.title,
        url=contest.get_absolute_url(),
        date=contest.published_at or contest.created_at,
        body=f"{contest.summary} {plain_text(contest.rules_html)} {nominations}",
        subject_ids=[contest.subject_id] if contest.subject_id else [],
        author_id=contest.organiser_id,
    )


def project_document(project) -> SearchDocument | None:
    from contests.models import Project

    if project.is_hidden or project.status == Project.Status.DRAFT:
        return None
    stages = " ".join(stage.title for stage in project.stages.all())
    return SearchDocument(
        title=project.title,
        url=project.get_absolute_url(),
        date=project.published_at or project.created_at,
        body=f"{project.summary} {plain_text(project.goal_html)} {stages}",
        subject_ids=[project.subject_id] if project.subject_id else [],
        author_id=project.coordinator_id,
    )


def register() -> None:
    from contests.models import Contest, Project

    searchable_register(
        SearchKind(
            key=kinds.SEARCH_CONTESTS,
            label=_("Contests"),
            model=Contest,
            document=contest_document,
            queryset=lambda: Contest.objects.prefetch_related("nominations"),
            order=47,
        )
    )
    searchable_register(
        SearchKind(
            key=kinds.SEARCH_PROJECTS,
            label=_("Network projects"),
            model=Project,
            document=project_document,
            queryset=lambda: Project.objects.prefetch_related("stages"),
            order=48,
        )
    )
