"""What follows a write in contests, polls and network projects: the one
place that says it.

The services call these after they write, inside their transaction, and
never the caches, the index or the feed directly
(``contests/tests/test_changes.py``). What they feed:

- **the search index**: a contest while everyone may read it (announced or
  finished, not hidden), a network project past its draft and not hidden
  (``search_documents``), with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the contests' and
  projects' lists and pages, the home page, a topic page with its poll (the
  results a visitor may see), the portfolios that show diplomas;
- **the activity feed**: a contest announced and its results, a project
  announced and completed — never a vote;
- **members' evidence of growth** (``community.attainments``): the
  diplomas a member holds, the projects she completed.

Scores and judges show only on the organisers' and the jury's signed-in
pages (never cached) until the results are frozen; public votes' counts
only with the results. Notifications move their own unread counts.
"""

from collections.abc import Iterable

from community import services as community
from community.attainments import attainments_changed
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index
from contests import kinds
from contests.models import Contest, Poll, Project


def _contest_public(contest: Contest) -> bool:
    return (
        contest.status in (Contest.Status.PUBLISHED, Contest.Status.FINISHED)
        and not contest.is_hidden
    )


def _project_public(project: Project) -> bool:
    return project.status != Project.Status.DRAFT and not project.is_hidden


# --- Polls -----------------------------------------------------------------------


def poll_changed(poll: Poll) -> None:
    """A poll was added to a topic, edited, closed, or a vote was cast,
    changed or taken back: the topic's page on visitors' pages (the poll
    block, its results when visitors may see them)."""
    moved(PUBLIC_PAGES)


# --- Contests --------------------------------------------------------------------


def contest_changed(contest: Contest) -> None:
    """A contest was written or edited (its rules, nominations, dates):
    its search entry (gone while nobody but its organisers may read it), the
    search counts and visitors' pages."""
    search_index(contest)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def contest_visibility_changed(contest: Contest) -> None:
    """A contest was announced, cancelled, hidden or shown again: its feed
    entry follows it (there while everyone may read it), then
    ``contest_changed``."""
    if _contest_public(contest):
        community.activity_record(
            actor=contest.organiser,
            kind=kinds.CONTEST_ACTIVITY,
            target=contest,
            title=contest.title,
            url=contest.get_absolute_url(),
            subjects=[contest.subject] if contest.subject_id else [],
            at=contest.published_at,
        )
    else:
        community.activity_remove(kind=kinds.CONTEST_ACTIVITY, target=contest)
        community.activity_remove(kind=kinds.RESULTS_ACTIVITY, target=contest)
    contest_changed(contest)


def entries_changed(contest: Contest) -> None:
    """An entry was submitted, edited, withdrawn, disqualified, hidden or
    shown again: the contest's page and its entries on visitors' pages (the
    count, the list). Entries have no search entry of their own."""
    moved(PUBLIC_PAGES)


def judging_changed(contest: Contest) -> None:
    """A judge joined or was assigned, left, or scored an entry: shown only
    to the organisers and the jury (never cached) — nothing to move. Called
    all the same, so that a page made public later is moved from here."""


def public_vote_changed(contest: Contest) -> None:
    """A member voted in the public vote: the counts show only with the
    results, which ``results_frozen`` moves — nothing to move now."""


def results_frozen(contest: Contest, *, holders: Iterable[int] = ()) -> None:
    """The results were frozen (or a diploma issued later to ``holders``):
    the results' feed entry while everyone may read the contest, the
    contest's pages, and the evidence of growth of every author placed or
    given a diploma."""
    if _contest_public(contest) and contest.status == Contest.Status.FINISHED:
        community.activity_record(
            actor=contest.organiser,
            kind=kinds.RESULTS_ACTIVITY,
            target=contest,
            title=contest.title,
            url=contest.get_absolute_url(),
            subjects=[contest.subject] if contest.subject_id else [],
            at=contest.finished_at,
        )
    moved(PUBLIC_PAGES)
    attainments_changed(holders)


def diplomas_issued(contest: Contest, *, holders: Iterable[int]) -> None:
    """Diplomas were issued to ``holders``: their portfolios on visitors'
    pages and their evidence of growth."""
    moved(PUBLIC_PAGES)
    attainments_changed(holders)


def diplomas_revoked(contest: Contest, *, holders: Iterable[int]) -> None:
    """An entry of a finished contest was disqualified (its diplomas verify
    as revoked) or reinstated (they verify again): its holders' portfolios
    on visitors' pages and their evidence of growth."""
    moved(PUBLIC_PAGES)
    attainments_changed(holders)


# --- Network projects ------------------------------------------------------------


def project_changed(project: Project) -> None:
    """A project was written or edited (its goal, stages, dates): its search
    entry, the search counts and visitors' pages."""
    search_index(project)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)


def project_visibility_changed(project: Project) -> None:
    """A project was announced, hidden or shown again: its feed entry
    follows it, then ``project_changed``."""
    if _project_public(project):
        community.activity_record(
            actor=project.coordinator,
            kind=kinds.PROJECT_ACTIVITY,
            target=project,
            title=project.title,
            url=project.get_absolute_url(),
            subjects=[project.subject] if project.subject_id else [],
            at=project.published_at,
        )
    else:
        community.activity_remove(kind=kinds.PROJECT_ACTIVITY, target=project)
        community.activity_remove(kind=kinds.PROJECT_DONE_ACTIVITY, target=project)
    project_changed(project)


def teams_changed(project: Project) -> None:
    """A team was made, joined or left: the project's teams and counts on
    visitors' pages."""
    moved(PUBLIC_PAGES)


def stage_results_changed(project: Project) -> None:
    """A stage's result was submitted, accepted or returned: which teams
    passed each stage shows on the project's page."""
    moved(PUBLIC_PAGES)


def project_completed(project: Project, *, members: Iterable[int]) -> None:
    """A project was completed with its product: the feed entry of its
    completion, then ``project_changed``; the evidence of growth of every
    participant (``members``)."""
    if _project_public(project):
        community.activity_record(
            actor=project.coordinator,
            kind=kinds.PROJECT_DONE_ACTIVITY,
            target=project,
            title=project.title,
            url=project.get_absolute_url(),
            subjects=[project.subject] if project.subject_id else [],
            at=project.completed_at,
        )
    project_changed(project)
    attainments_changed(members)
