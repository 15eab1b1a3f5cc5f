"""Entries and the public vote: submitting, editing and withdrawing an
entry; its disqualification (with the reason its authors see) and
reinstatement by the organiser or a moderator; moderators' hiding; a
member's vote in a nomination.

An entry is a text or a published material of the library of one of its
authors, by one or several authors (the one who submits among them). The
contest's ``entry_count`` counts its entries in the running (submitted:
not withdrawn, not disqualified), kept here under the contest's row lock.
A public vote is one per member and nomination (a constraint); an entry's
``vote_count`` is kept with ``F()``.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import limits
from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.standing import participation_check
from contests import kinds
from contests.changes import diplomas_revoked, entries_changed, public_vote_changed
from contests.models import Contest, Diploma, Entry, Judge, Nomination, PublicVote
from contests.permissions import (
    can_disqualify,
    can_hide_entry,
    can_reinstate,
    entries_open,
    is_author,
    is_organiser,
    judging_open,
    voter_old_enough,
)

__all__ = [
    "MAX_AUTHORS",
    "entry_coauthor_leave",
    "entry_deadlines_run",
    "entry_disqualify",
    "entry_hide",
    "entry_hide_by_reports",
    "entry_reinstate",
    "entry_submit",
    "entry_update",
    "entry_withdraw",
    "public_vote_cast",
]

MAX_AUTHORS = 10


def _contest_locked(contest_id: int) -> Contest:
    return Contest.objects.select_for_update(of=("self",)).get(pk=contest_id)


def _entry_locked(entry: Entry) -> Entry:
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("contest", "nomination")
        .get(pk=entry.pk)
    )


def _taking_entries(contest: Contest) -> None:
    """Raise ValidationError(code="closed") unless the contest takes entries."""
    if (
        contest.status != Contest.Status.PUBLISHED
        or contest.is_hidden
        or not entries_open(contest)
    ):
        raise ValidationError(
            _("The contest does not take entries now."), code="closed"
        )


def _authors_check(contest: Contest, submitter, coauthors: Iterable) -> list:
    """Every author, the submitter first, each once: at most ``MAX_AUTHORS``
    active members, the organiser not among them (codes "too_many",
    "inactive", "organiser")."""
    authors = [submitter]
    for user in coauthors:
        if all(user.pk != other.pk for other in authors):
            authors.append(user)
    if any(user.pk == contest.organiser_id for user in authors):
        raise ValidationError(
            _("The contest's organiser cannot be an author of an entry."),
            code="organiser",
        )
    if len(authors) > MAX_AUTHORS:
        raise ValidationError(
            ngettext(
                "An entry has at most %(count)d author.",
                "An entry has at most %(count)d authors.",
                MAX_AUTHORS,
            )
            % {"count": MAX_AUTHORS},
            code="too_many",
        )
    if any(not user.is_active for user in authors):
        raise ValidationError(
            _("Every author must be an active member of Kollegi."), code="inactive"
        )
    _jury_check(contest, authors)
    return authors


def _jury_check(contest: Contest, authors: list) -> None:
    """No judge of the contest among the authors (code "judge"): a judge
    would score her rivals knowing which entry is hers."""
    if Judge.objects.filter(
        contest_id=contest.pk, user_id__in=[user.pk for user in authors]
    ).exists():
        raise ValidationError(
            _(
                "A member of the contest's jury cannot be an author or a co-author "
                "of its entries."
            ),
            code="judge",
        )


def _version_of(material) -> int | None:
    """The material's current version now (read again: the form's copy may
    be older than the last upload)."""
    if material is None:
        return None
    return (
        type(material)
        .objects.filter(pk=material.pk)
        .values_list("current_version_id", flat=True)
        .first()
    )


def _coauthors_tell(entry: Entry, actor, coauthors: Iterable) -> None:
    """Each member named as a co-author is told (``kinds.ENTRY_COAUTHOR``):
    nobody is an author of an entry without knowing it, and she may leave
    it from its page."""
    recipients = [user for user in coauthors if user.pk != actor.pk]
    if not recipients:
        return
    community.notify_many(
        recipients=recipients,
        kind=kinds.ENTRY_COAUTHOR,
        actor=actor,
        target=entry,
        target_title=entry.title,
        url=entry.get_absolute_url(),
    )


def _material_check(contest: Contest, material, authors: list, entry=None) -> None:
    """A published material not hidden, by one of the authors (its author or
    a co-author), not entered in the contest already (code "material")."""
    if material is None:
        return
    ids = {user.pk for user in authors}
    credited = {material.author_id, *material.coauthors.values_list("pk", flat=True)}
    if not material.is_published or material.is_hidden:
        raise ValidationError(
            {"material": _("Only a published material of the library can be entered.")}
        )
    if not ids & credited:
        raise ValidationError(
            {"material": _("The material must be by one of the entry's authors.")}
        )
    others = Entry.objects.filter(
        contest_id=contest.pk, material=material, status=Entry.Status.SUBMITTED
    )
    if entry is not None:
        others = others.exclude(pk=entry.pk)
    if others.exists():
        raise ValidationError(
            {"material": _("This material is entered in the contest already.")}
        )


def _content_check(entry: Entry) -> None:
    entry.title = " ".join(entry.title.split())
    errors = {}
    if not entry.title:
        errors["title"] = _("Give the entry a title.")
    if not entry.text.strip() and entry.material_id is None:
        errors["text"] = _("Write the entry's text or choose a material.")
    if errors:
        raise ValidationError(errors)
    entry.full_clean(
        exclude=[
            "contest",
            "nomination",
            "submitted_by",
            "material",
            "material_version",
            "disqualified_by",
        ]
    )


def _nomination_of(contest: Contest, nomination) -> Nomination:
    if nomination is None or nomination.contest_id != contest.pk:
        raise ValidationError({"nomination": _("Choose one of the nominations.")})
    return nomination


@transaction.atomic
def entry_submit(
    *,
    contest: Contest,
    nomination: Nomination,
    submitter,
    title: str,
    text: str = "",
    material=None,
    coauthors: Iterable = (),
) -> Entry:
    """Submit an entry to a nomination while the contest takes entries: a
    text (Markdown), or a material of the library (with an optional text
    beside it; its current version is kept with the entry), by
    ``submitter`` and ``coauthors``. The organiser is told
    (``kinds.ENTRY_SUBMITTED``), each co-author too
    (``kinds.ENTRY_COAUTHOR``).

    Raises PermissionDenied for visitors, restricted members and the
    contest's organiser; ValidationError: code "closed" (the window),
    "rate" (a new member's hourly limit), "too_many", "inactive", "judge"
    (a judge of the contest among the authors), or a dict by field (title,
    text, nomination, material).
    """
    participation_check(submitter)
    if not submitter.is_authenticated:
        raise PermissionDenied
    contest = _contest_locked(contest.pk)
    if is_organiser(submitter, contest):
        raise PermissionDenied
    _taking_entries(contest)
    nomination = _nomination_of(contest, nomination)
    limits.write_limit_check(
        submitter,
        limits.CONTEST_ENTRIES,
        Entry.objects.filter(submitted_by=submitter),
    )
    authors = _authors_check(contest, submitter, coauthors)
    entry = Entry(
        contest=contest,
        nomination=nomination,
        submitted_by=submitter,
        title=title,
        text=text,
        material=material,
        material_version_id=_version_of(material),
        status=Entry.Status.SUBMITTED,
    )
    _content_check(entry)
    _material_check(contest, material, authors)
    entry.text_html = render_markdown(entry.text) if entry.text.strip() else ""
    entry.save()
    entry.authors.set(authors)
    _coauthors_tell(entry, submitter, authors)
    Contest.objects.filter(pk=contest.pk).update(entry_count=F("entry_count") + 1)
    community.notify(
        recipient=contest.organiser,
        kind=kinds.ENTRY_SUBMITTED,
        actor=submitter,
        target=contest,
        target_title=contest.title,
        url=entry.get_absolute_url(),
    )
    entries_changed(contest)
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    editor,
    title: str | None = None,
    text: str | None = None,
    material=...,
    nomination: Nomination | None = None,
    coauthors: Iterable | None = None,
) -> Entry:
    """Change an entry while the contest takes entries: its authors; the
    co-authors only by the one who submitted it (those newly named are
    told). Arguments left out stay (``material=None`` takes the material
    off: a text then); a material given (the same one again too) is kept
    with its current version.

    Raises PermissionDenied, or ValidationError as ``entry_submit`` (code
    "closed" once entries close).
    """
    participation_check(editor)
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    if not is_author(editor, entry):
        raise PermissionDenied
    if entry.status != Entry.Status.SUBMITTED or entry.is_hidden:
        raise PermissionDenied
    _taking_entries(contest)
    if coauthors is not None and editor.pk != entry.submitted_by_id:
        raise PermissionDenied
    if title is not None:
        entry.title = title
    if text is not None:
        entry.text = text
    if material is not ...:
        entry.material = material
        entry.material_version_id = _version_of(material)
    if nomination is not None:
        entry.nomination = _nomination_of(contest, nomination)
    before = {user.pk for user in entry.authors.all()}
    if coauthors is not None:
        authors = _authors_check(contest, entry.submitted_by, coauthors)
    else:
        authors = list(entry.authors.all())
        _jury_check(contest, authors)
    _content_check(entry)
    _material_check(contest, entry.material, authors, entry=entry)
    entry.text_html = render_markdown(entry.text) if entry.text.strip() else ""
    entry.save()
    if coauthors is not None:
        entry.authors.set(authors)
        _coauthors_tell(
            entry, editor, [user for user in authors if user.pk not in before]
        )
    entries_changed(contest)
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, actor) -> Entry:
    """An author takes the entry out of the contest while it takes entries.

    Raises PermissionDenied for anyone else, ValidationError(code="closed")
    once entries close, or (code "status") for an entry not in the running.
    """
    participation_check(actor)
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    if not is_author(actor, entry):
        raise PermissionDenied
    if entry.status != Entry.Status.SUBMITTED:
        raise ValidationError(
            _("The entry is not in the contest any more."), code="status"
        )
    _taking_entries(contest)
    entry.status = Entry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    Contest.objects.filter(pk=contest.pk).update(entry_count=F("entry_count") - 1)
    entries_changed(contest)
    return entry


@transaction.atomic
def entry_disqualify(*, entry: Entry, actor, reason: str) -> Entry:
    """The organiser or a moderator disqualifies an entry, with a reason its
    authors are told (``kinds.DISQUALIFIED``) and see on its page; put on
    record (``entry_disqualified``).

    Before the results the public votes it had are taken back: its voters
    may vote again in the nomination. After them (plagiarism found later)
    the results stay frozen — no entry's place, result or votes change —
    and the entry's diplomas verify as revoked.

    Raises PermissionDenied, or ValidationError (``reason``) without a
    reason.
    """
    participation_check(actor)
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    if not can_disqualify(actor, entry):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Tell the authors why the entry is disqualified.")}
        )
    frozen = contest.status == Contest.Status.FINISHED
    entry.status = Entry.Status.DISQUALIFIED
    entry.disqualified_reason = reason[:2000]
    entry.disqualified_by = actor
    fields = ["status", "disqualified_reason", "disqualified_by", "updated_at"]
    if not frozen:
        entry.vote_count = 0
        fields.append("vote_count")
    entry.save(update_fields=fields)
    if not frozen:
        PublicVote.objects.filter(entry_id=entry.pk).delete()
    Contest.objects.filter(pk=contest.pk).update(entry_count=F("entry_count") - 1)
    community.audit(
        actor=actor, action="entry_disqualified", target=entry, reason=reason
    )
    community.notify_many(
        recipients=entry.authors.only("pk", "is_active"),
        kind=kinds.DISQUALIFIED,
        actor=actor,
        target=entry,
        target_title=entry.title,
        url=entry.get_absolute_url(),
        group=False,
    )
    entries_changed(contest)
    if frozen:
        diplomas_revoked(contest, holders=_diploma_holders(entry))
    else:
        public_vote_changed(contest)
    return entry


def _diploma_holders(entry: Entry) -> list[int]:
    return sorted(
        Diploma.objects.filter(entry_id=entry.pk).values_list("holder_id", flat=True)
    )


@transaction.atomic
def entry_reinstate(*, entry: Entry, actor) -> Entry:
    """Take a disqualification back; put on record (``entry_reinstated``).
    After the results only of an entry they ranked: it is back in its frozen
    place, which nothing here changes. Raises PermissionDenied."""
    participation_check(actor)
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    if not can_reinstate(actor, entry):
        raise PermissionDenied
    entry.status = Entry.Status.SUBMITTED
    entry.disqualified_reason = ""
    entry.disqualified_by = None
    entry.save(
        update_fields=[
            "status",
            "disqualified_reason",
            "disqualified_by",
            "updated_at",
        ]
    )
    Contest.objects.filter(pk=contest.pk).update(entry_count=F("entry_count") + 1)
    community.audit(actor=actor, action="entry_reinstated", target=entry)
    entries_changed(contest)
    if contest.status == Contest.Status.FINISHED:
        # Its diplomas verify again.
        diplomas_revoked(contest, holders=_diploma_holders(entry))
    return entry


@transaction.atomic
def entry_coauthor_leave(*, entry: Entry, user) -> Entry:
    """A co-author takes her name off an entry (she may have been named
    without asking): she is no longer among its authors. The one who
    submitted it cannot leave it (she withdraws it); nobody leaves once a
    diploma of the entry is hers. When the entry's material is hers and
    none of the remaining authors', the entry goes with her: it is
    withdrawn (before the results its public votes are taken back).

    Raises PermissionDenied for anyone not a co-author, ValidationError
    (code "diploma") once she holds its diploma.
    """
    participation_check(user)
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    if not is_author(user, entry) or user.pk == entry.submitted_by_id:
        raise PermissionDenied
    if Diploma.objects.filter(entry_id=entry.pk, holder_id=user.pk).exists():
        raise ValidationError(
            _("Your diploma for this entry is issued: your name stays on it."),
            code="diploma",
        )
    entry.authors.remove(user)
    remaining = {author.pk for author in entry.authors.all()}
    material = entry.material
    if (
        material is not None
        and entry.status == Entry.Status.SUBMITTED
        and not remaining
        & {material.author_id, *material.coauthors.values_list("pk", flat=True)}
    ):
        frozen = contest.status == Contest.Status.FINISHED
        entry.status = Entry.Status.WITHDRAWN
        fields = ["status", "updated_at"]
        if not frozen:
            entry.vote_count = 0
            fields.append("vote_count")
            PublicVote.objects.filter(entry_id=entry.pk).delete()
        entry.save(update_fields=fields)
        Contest.objects.filter(pk=contest.pk).update(entry_count=F("entry_count") - 1)
        if not frozen:
            public_vote_changed(contest)
    entries_changed(contest)
    return entry


# --- Moderators ------------------------------------------------------------------

# Put on the audit log as entry_hide and entry_restore.
_record = audited("entry")


def _entry_visibility_changed(entry: Entry) -> None:
    entries_changed(entry.contest)


@transaction.atomic
def entry_hide(
    *, entry: Entry, moderator, hidden: bool = True, reason: str = ""
) -> Entry:
    """A moderator hides an entry (or shows it again): only its authors, the
    organiser and moderators see it then, and the jury does not score it.
    Raises PermissionDenied for anyone but a moderator."""
    if not can_hide_entry(moderator):
        raise PermissionDenied
    hidden_set(
        entry,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=_entry_visibility_changed,
        record=_record,
    )
    return entry


@transaction.atomic
def entry_hide_by_reports(*, entry: Entry, hidden: bool = True) -> Entry:
    """Reports of established members hide an entry until a moderator looks."""
    hidden_set(
        entry,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=_entry_visibility_changed,
        record=_record,
    )
    return entry


def entry_deadlines_run(now=None) -> int:
    """Reminders before entries close: none. An entry is final when it is
    submitted (there is no draft to finish), and reminding everyone who
    teaches the subject would be noise; the announcement
    (``kinds.CONTEST_NEW``) names the deadline. Returns 0."""
    return 0


# --- The public vote -------------------------------------------------------------


def _vote_check(entry: Entry, voter) -> None:
    contest = entry.contest
    if not contest.public_vote:
        raise ValidationError(_("The contest has no public vote."), code="off")
    if (
        contest.status != Contest.Status.PUBLISHED
        or contest.is_hidden
        or not judging_open(contest)
    ):
        raise ValidationError(_("The public vote is not on now."), code="closed")
    if entry.status != Entry.Status.SUBMITTED or entry.is_hidden:
        raise ValidationError(
            _("The entry is not in the contest any more."), code="status"
        )
    if not voter_old_enough(voter):
        from django.conf import settings

        days = settings.CONTESTS_VOTER_MIN_DAYS
        raise ValidationError(
            ngettext(
                "Members vote once they have been on Kollegi for %(days)d day.",
                "Members vote once they have been on Kollegi for %(days)d days.",
                days,
            )
            % {"days": days},
            code="new_member",
        )
    if voter.pk == contest.organiser_id:
        raise ValidationError(
            _("The organiser does not vote in her own contest."), code="organiser"
        )
    if entry.authors.filter(pk=voter.pk).exists():
        raise ValidationError(_("You cannot vote for your own entry."), code="own")


@transaction.atomic
def public_vote_cast(*, entry: Entry, voter) -> PublicVote:
    """``voter``'s public vote for ``entry`` in its nomination.

    One vote per member and nomination: a second one for the same entry (a
    double submit, however many at once) answers the first; for another
    entry of the nomination it raises ValidationError(code="voted"). Other
    refusals: PermissionDenied for visitors and restricted members;
    ValidationError codes "off" (no public vote), "closed" (outside the
    judging window, or the results frozen), "status" (an entry not in the
    running), "new_member" (joined less than ``CONTESTS_VOTER_MIN_DAYS``
    ago), "organiser", "own".

    The contest's row is locked, then the entry's — the order of
    ``results.contest_finish`` and ``entry_disqualify`` — and the vote
    checked under them: no vote lands after the results are frozen or after
    a disqualification took the entry's votes back.
    """
    participation_check(voter)
    if not (voter.is_authenticated and voter.is_active):
        raise PermissionDenied
    contest = _contest_locked(entry.contest_id)
    entry = _entry_locked(entry)
    entry.contest = contest
    _vote_check(entry, voter)
    vote = PublicVote.objects.filter(
        nomination_id=entry.nomination_id, voter=voter
    ).first()
    if vote is None:
        try:
            with transaction.atomic():
                vote = PublicVote.objects.create(
                    nomination_id=entry.nomination_id, entry=entry, voter=voter
                )
        except IntegrityError:
            vote = PublicVote.objects.filter(
                nomination_id=entry.nomination_id, voter=voter
            ).first()
            if vote is None:
                raise
        else:
            Entry.objects.filter(pk=entry.pk).update(vote_count=F("vote_count") + 1)
            public_vote_changed(contest)
    if vote.entry_id != entry.pk:
        raise ValidationError(
            _("You have voted in this nomination already: one vote per nomination."),
            code="voted",
        )
    return vote
