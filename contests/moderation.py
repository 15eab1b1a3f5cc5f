"""What contests and network projects tell the moderators' side and the
account's: reports, a judge's comment hidden, the audit log's names, the
member's data.

- a contest, an entry and a network project are reportable. A contest is
  hidden through ``services.contests.contest_hide``, an entry through
  ``services.entries.entry_hide``, a project through
  ``services.projects.project_hide`` (and by reports until a moderator
  looks, through their ``*_by_reports``). The services are imported inside
  the callables, so that nothing here depends on the order the modules
  load in;
- a jury's comment to the authors is hidden by a moderator in the admin
  (``score_hide`` here); the mark it gave stands (the results are frozen
  and audited: hiding one judge's words does not change a place). A score
  has no page of its own, so it is not reported;
- the audit log names the decisions the services put on record;
- the member's entries, diplomas, scores, votes, ballots, contests and
  projects go into the data export (``account_data``).

With secret voters no page, list or export of anyone else names who voted
in a poll: ballots have no admin, no report and no feed event.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.hiding import audited, hidden_set
from contests import changes
from contests.models import Contest, Entry, Project, Score

# Put on the audit log as contest_score_hide and contest_score_restore; an
# automatic call has no actor.
_record = audited("contest_score")


def can_moderate_contests(user) -> bool:
    # Site moderators (their group's permission) and superusers.
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("contests.change_contest"))
    )


# --- A jury's score hidden ------------------------------------------------------------


def _score_changed(score: Score) -> None:
    # The comment shows on the entry's page to its authors once the results
    # are out, with the entry's other rows.
    changes.entries_changed(score.entry.contest)


def _score_set_hidden(score: Score, *, hidden: bool, moderator, reason: str) -> Score:
    hidden_set(
        score,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=_score_changed,
        record=_record,
    )
    return score


@transaction.atomic
def score_hide(*, score: Score, moderator, reason: str, hidden: bool = True) -> Score:
    """A moderator hides a jury's score (or shows it again): its comment
    leaves the entry's page; the mark stands; the call is put on record.

    Raises PermissionDenied for anyone but a moderator of contests.
    """
    if not can_moderate_contests(moderator):
        raise PermissionDenied
    return _score_set_hidden(score, hidden=hidden, moderator=moderator, reason=reason)


# --- Who may see what can be reported ------------------------------------------------


def contests_visible_to(user) -> QuerySet[Contest]:
    """Contests everyone may read: announced or finished, not hidden. Drafts
    are their organisers' and are not reported."""
    return Contest.objects.public()


def entries_visible_to(user) -> QuerySet[Entry]:
    """Entries as a contest's page lists them: submitted, not hidden, of a
    contest everyone may read — but for their authors, who do not report
    their own (``entry_owner_id`` names nobody before the results)."""
    entries = Entry.objects.filter(
        status=Entry.Status.SUBMITTED,
        is_hidden=False,
        contest__in=Contest.objects.public().values("pk"),
    ).select_related("contest")
    if user.is_authenticated:
        entries = entries.exclude(authors=user)
    return entries


def entry_owner_id(entry: Entry) -> int | None:
    """Who the reports' page names as a reported entry's author: nobody
    before the contest's results, when a moderator reading it may sit on
    its jury (judging is blind); the member who submitted it after."""
    if entry.contest.status != Contest.Status.FINISHED:
        return None
    return entry.submitted_by_id


def projects_visible_to(user) -> QuerySet[Project]:
    """Network projects everyone may read: past their draft, not hidden."""
    return Project.objects.public()


def register() -> None:
    register_reports()
    register_audit_actions()
    register_account_data()


# --- Reports ------------------------------------------------------------------------


def register_reports() -> None:
    from community.reports import reportable_register

    def contests_service():
        from contests.services import contests

        return contests

    def entries_service():
        from contests.services import entries

        return entries

    def projects_service():
        from contests.services import projects

        return projects

    reportable_register(
        Contest,
        key="contest",
        label=_("Contest"),
        visible_to=contests_visible_to,
        owner_id=lambda contest: contest.organiser_id,
        hide=lambda contest, moderator, reason: contests_service().contest_hide(
            contest=contest, moderator=moderator, reason=reason
        ),
        auto_hide=lambda contest, hidden: contests_service().contest_hide_by_reports(
            contest=contest, hidden=hidden
        ),
    )
    reportable_register(
        Entry,
        key="contest_entry",
        label=_("Contest entry"),
        visible_to=entries_visible_to,
        owner_id=entry_owner_id,
        hide=lambda entry, moderator, reason: entries_service().entry_hide(
            entry=entry, moderator=moderator, reason=reason
        ),
        auto_hide=lambda entry, hidden: entries_service().entry_hide_by_reports(
            entry=entry, hidden=hidden
        ),
    )
    reportable_register(
        Project,
        key="project",
        label=_("Network project"),
        visible_to=projects_visible_to,
        owner_id=lambda project: project.coordinator_id,
        hide=lambda project, moderator, reason: projects_service().project_hide(
            project=project, moderator=moderator, reason=reason
        ),
        auto_hide=lambda project, hidden: projects_service().project_hide_by_reports(
            project=project, hidden=hidden
        ),
    )


# --- The audit log ------------------------------------------------------------------


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "contest_results": _("contest results frozen"),
            "contest_cancelled": _("contest cancelled"),
            "entry_disqualified": _("contest entry disqualified"),
            "entry_reinstated": _("contest entry reinstated"),
            "judge_assigned": _("judge assigned to a contest"),
            "contest_judge_assigned": _("judge assigned to a contest"),
            "contest_judge_removed": _("judge taken off a contest's jury"),
            "contest_hide": _("contest hidden"),
            "contest_restore": _("contest shown again"),
            "entry_hide": _("contest entry hidden"),
            "entry_restore": _("contest entry shown again"),
            "project_hide": _("network project hidden"),
            "project_restore": _("network project shown again"),
            "project_hide_automatic": _("network project hidden by reports"),
            "project_restore_automatic": _("network project shown again after reports"),
            "contest_score_hide": _("jury comment hidden"),
            "contest_score_restore": _("jury comment shown again"),
        }
    )


# --- The member's data ---------------------------------------------------------------


def register_account_data() -> None:
    from accounts.account_data import account_data_register
    from contests import account_data

    account_data_register(
        key="contests",
        export=account_data.member_export,
        erase=account_data.member_erase,
    )
