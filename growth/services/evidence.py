"""A member's evidence: her own (a link or a file, confirmed by her mentor)
and the computed (``community.attainments``, gathered into ``Evidence``)."""

import datetime
import logging
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.sanctions import participation_check
from growth import changes
from growth.models import Evidence, EvidenceRefresh, OwnEvidence, Plan, PlanEvent
from growth.permissions import active_mentorship, active_mentorship_forget
from growth.services._common import (
    _current_competency_codes,
    _event,
    _plan_locked,
    _refuse,
    _text,
    _today,
)
from materials.uploads import file_check

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
LINK_MAX_LENGTH = 500
HOURS_MAX = 10_000
# The fields of a computed row that a refresh writes.
EVIDENCE_FIELDS = ("title", "url", "code", "verify_url", "hours", "occurred_at")


# --- Her own evidence ---------------------------------------------------------


def _link_check(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if len(link) > LINK_MAX_LENGTH:
        raise ValidationError(
            _("The link is at most %(limit)d characters.") % {"limit": LINK_MAX_LENGTH},
            code="link",
        )
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise ValidationError(
            _("Give an address starting with http:// or https://."), code="link"
        ) from None
    return link


def _fields_clean(
    *,
    kind: str,
    title: str,
    happened_on,
    description: str,
    link: str,
    competency_code: str,
    hours,
) -> dict:
    if kind not in OwnEvidence.Kind.values:
        raise ValidationError(_("Choose the kind of evidence."), code="kind")
    if not isinstance(happened_on, datetime.date):
        raise ValidationError(_("Give the date."), code="date")
    if happened_on > _today():
        raise ValidationError(_("The date is in the future."), code="date")
    # Tied to a competency, or it would count nowhere: not in the plan's
    # criteria, not in the portfolio.
    competency_code = (competency_code or "").strip()
    if not competency_code:
        raise ValidationError(
            _("Choose the competency this evidence shows."), code="competency"
        )
    if competency_code not in _current_competency_codes():
        raise ValidationError(
            _("Choose a competency of the framework."), code="competency"
        )
    if hours is not None and not (isinstance(hours, int) and 0 < hours <= HOURS_MAX):
        raise ValidationError(
            _("Academic hours are a whole number from 1 to %(max)d.")
            % {"max": HOURS_MAX},
            code="hours",
        )
    return {
        "kind": kind,
        "title": _text(title, limit=TITLE_MAX_LENGTH, field=_("Title"), required=True),
        "happened_on": happened_on,
        "description": _text(
            description, limit=DESCRIPTION_MAX_LENGTH, field=_("Description")
        ),
        "link": _link_check(link),
        "competency_code": competency_code,
        "hours": hours,
    }


def _need_link_or_file(link: str, has_file: bool) -> None:
    if not link and not has_file:
        raise ValidationError(
            _("Give a link or attach a file: what shows it."), code="empty"
        )


def _file_delete_later(evidence_file) -> None:
    """Remove a replaced or removed file once the transaction commits."""
    name, storage = evidence_file.name, evidence_file.storage

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:  # already gone, or the disk said no: log and go on
            logger.warning("could not delete %s", name)

    if name:
        transaction.on_commit(delete)


def _file_store(evidence: OwnEvidence, upload) -> None:
    """Check ``upload`` by its content and size (as the library's files are)
    and keep it in the private storage; not saved to the row yet."""
    checked = file_check(upload)
    checked.upload.seek(0)
    evidence.file.save(f"file.{checked.kind}", checked.upload, save=False)
    evidence.file_name = checked.name


@transaction.atomic
def own_evidence_add(
    *,
    owner,
    kind: str,
    title: str,
    happened_on: datetime.date,
    description: str = "",
    link: str = "",
    upload=None,
    competency_code: str,
    hours: int | None = None,
) -> OwnEvidence:
    """Her own evidence: a link or a file (checked by its content and size,
    kept private), tied to a competency of the current framework (or it
    would count nowhere), not confirmed until her mentor confirms it. Raises
    ParticipationRestricted for a suspended or banned member,
    ValidationError."""
    participation_check(owner)
    fields = _fields_clean(
        kind=kind,
        title=title,
        happened_on=happened_on,
        description=description,
        link=link,
        competency_code=competency_code,
        hours=hours,
    )
    _need_link_or_file(fields["link"], upload is not None)
    evidence = OwnEvidence(owner=owner, **fields)
    if upload is not None:
        _file_store(evidence, upload)
    evidence.save()
    changes.own_evidence_changed(evidence)
    return evidence


def _own_check(evidence: OwnEvidence, actor) -> None:
    """Its owner, who may write (ParticipationRestricted for a suspended or
    banned member)."""
    if actor is None or actor.pk != evidence.owner_id:
        raise _refuse(_("Only its owner may change this evidence."))
    participation_check(actor)


@transaction.atomic
def own_evidence_update(
    evidence: OwnEvidence,
    *,
    actor,
    kind: str,
    title: str,
    happened_on: datetime.date,
    description: str = "",
    link: str = "",
    upload=None,
    competency_code: str,
    hours: int | None = None,
    remove_file: bool = False,
) -> OwnEvidence:
    """Change her own evidence (its owner only): a new ``upload`` replaces the
    file, ``remove_file`` drops it. Confirmed evidence that changes is not
    confirmed any more. Raises ValidationError."""
    _own_check(evidence, actor)
    locked = OwnEvidence.objects.select_for_update().get(pk=evidence.pk)
    fields = _fields_clean(
        kind=kind,
        title=title,
        happened_on=happened_on,
        description=description,
        link=link,
        competency_code=competency_code,
        hours=hours,
    )
    keeps_file = bool(locked.file.name) and not remove_file
    _need_link_or_file(fields["link"], upload is not None or keeps_file)
    changed = any(getattr(locked, name) != value for name, value in fields.items())
    old_file = locked.file if locked.file.name else None
    for name, value in fields.items():
        setattr(evidence, name, value)
    evidence.file.name, evidence.file_name = locked.file.name, locked.file_name
    if upload is not None:
        _file_store(evidence, upload)
        changed = True
    elif remove_file and old_file is not None:
        evidence.file, evidence.file_name = "", ""
        changed = True
    if (upload is not None or remove_file) and old_file is not None:
        _file_delete_later(old_file)
    evidence.status = locked.status
    evidence.confirmed_by_id, evidence.confirmed_at = (
        locked.confirmed_by_id,
        locked.confirmed_at,
    )
    if changed and locked.status == OwnEvidence.Status.CONFIRMED:
        evidence.status = OwnEvidence.Status.UNCONFIRMED
        evidence.confirmed_by, evidence.confirmed_at = None, None
    evidence.save()
    changes.own_evidence_changed(evidence)
    return evidence


@transaction.atomic
def own_evidence_remove(evidence: OwnEvidence, *, actor) -> None:
    """Remove her own evidence and its file (its owner only). Raises
    ValidationError."""
    _own_check(evidence, actor)
    if evidence.file.name:
        _file_delete_later(evidence.file)
    OwnEvidence.objects.filter(pk=evidence.pk).delete()
    changes.own_evidence_changed(evidence)


@transaction.atomic
def own_evidence_confirm(
    evidence: OwnEvidence,
    *,
    actor,
    plan: Plan,
    seen: datetime.datetime | None = None,
) -> OwnEvidence:
    """Her active mentor in ``plan`` (a plan of the evidence's owner)
    confirms it: the confirmation in the plan's history, the owner told.
    ``seen``: the ``updated_at`` of the version the mentor read (the page's
    form sends it); refused (code "changed") when the owner has changed it
    since, so that no one confirms what she never saw. None: what is there
    now (the demo data, the tests). Confirmed already: nothing changes.
    Raises ParticipationRestricted for a suspended or banned mentor,
    ValidationError."""
    if plan.owner_id != evidence.owner_id:
        raise _refuse(_("This evidence is not of the plan's owner."))
    if actor is not None:
        participation_check(actor)
    locked_plan = _plan_locked(plan)
    if locked_plan.status != Plan.Status.ACTIVE:
        raise _refuse(_("This plan is closed."), code="closed")
    active_mentorship_forget(plan)
    mentorship = active_mentorship(plan)
    if actor is None or mentorship is None or mentorship.mentor_id != actor.pk:
        raise _refuse(_("Only the plan's mentor may confirm evidence."))
    locked = OwnEvidence.objects.select_for_update().get(pk=evidence.pk)
    if locked.status == OwnEvidence.Status.CONFIRMED:
        evidence.status = locked.status
        evidence.confirmed_by_id, evidence.confirmed_at = (
            locked.confirmed_by_id,
            locked.confirmed_at,
        )
        return evidence
    if seen is not None and seen != locked.updated_at:
        raise _refuse(_("The evidence has changed: look at it again."), code="changed")
    now = timezone.now()
    OwnEvidence.objects.filter(pk=evidence.pk).update(
        status=OwnEvidence.Status.CONFIRMED, confirmed_by=actor, confirmed_at=now
    )
    evidence.status = OwnEvidence.Status.CONFIRMED
    evidence.confirmed_by, evidence.confirmed_at = actor, now
    _event(
        plan,
        actor=actor,
        action=PlanEvent.Action.EVIDENCE_CONFIRMED,
        detail=locked.title,
        by_mentor=True,
    )
    changes.evidence_confirmed(evidence, plan=plan, mentor=actor)
    return evidence


def own_evidence_file_open(evidence: OwnEvidence) -> tuple[IO[bytes], str]:
    """Her evidence's file from the private storage and its name, for the
    download view (which checks who may see it); writes nothing. Raises
    FileNotFoundError when it has no file or the file is gone."""
    name = evidence.file.name
    if not name:
        raise FileNotFoundError("the evidence has no file")
    return evidence.file.storage.open(name, "rb"), (
        evidence.file_name or name.rsplit("/", 1)[-1]
    )


# --- Computed evidence --------------------------------------------------------


def _attainments_for(user) -> dict:
    """Her attainments, their titles in the site's language whoever asks
    (a page in English, a task): a refresh in another language would
    otherwise rewrite every title it translates."""
    from community.attainments import attainments_for

    with translation.override(settings.LANGUAGE_CODE):
        return attainments_for(user)


def _row(owner_id: int, source: str, attainment) -> Evidence:
    hours = attainment.hours
    if hours is not None:
        hours = max(0, min(int(hours), 32767))
    return Evidence(
        owner_id=owner_id,
        source=source[:40],
        key=str(attainment.key)[:80],
        title=(attainment.title or "")[:300],
        url=(attainment.url or "")[:500],
        code=(attainment.code or "")[:40],
        verify_url=(attainment.verify_url or "")[:500],
        hours=hours,
        occurred_at=attainment.occurred_at,
    )


@transaction.atomic
def evidence_refresh(user_id: int) -> int:
    """Gather the member's attainments (``community.attainments``) into her
    ``Evidence`` rows: new and changed ones written (one INSERT … ON CONFLICT
    DO UPDATE), those no longer attained removed, ``EvidenceRefresh`` noted.
    Two refreshes of one member take turns on her ``EvidenceRefresh`` row
    (the upsert locks it), so the later reads what the earlier wrote; safe
    twice. Returns how many rows were added, changed or removed."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    now = timezone.now()
    EvidenceRefresh.objects.bulk_create(
        [EvidenceRefresh(owner_id=user_id, refreshed_at=now)],
        update_conflicts=True,
        unique_fields=["owner"],
        update_fields=["refreshed_at"],
    )
    wanted: dict[tuple[str, str], Evidence] = {}
    for source, attainments in _attainments_for(user).items():
        for attainment in attainments:
            row = _row(user_id, source, attainment)
            wanted.setdefault((row.source, row.key), row)
    kept = {
        (values["source"], values["key"]): values
        for values in Evidence.objects.filter(owner_id=user_id).values(
            "pk", "source", "key", *EVIDENCE_FIELDS
        )
    }
    writes = [
        row
        for key, row in sorted(wanted.items())
        if key not in kept
        or any(kept[key][name] != getattr(row, name) for name in EVIDENCE_FIELDS)
    ]
    gone = [values["pk"] for key, values in kept.items() if key not in wanted]
    if writes:
        Evidence.objects.bulk_create(
            writes,
            update_conflicts=True,
            unique_fields=["owner", "source", "key"],
            update_fields=[*EVIDENCE_FIELDS, "refreshed_at"],
        )
    if gone:
        Evidence.objects.filter(pk__in=gone).delete()
    changes.evidence_refreshed(user_id)
    return len(writes) + len(gone)
