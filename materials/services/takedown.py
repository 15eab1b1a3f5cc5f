"""Copyright takedown: a rights holder asks, a moderator decides, the author answers.

Anyone may ask, with or without an account. The material stays up until a
moderator upholds the request; then it is hidden, the author is told and may
answer, and a moderator reads the answer and either restores the material or
keeps it hidden. The requester hears each decision by e-mail.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import services as community
from community.emails import render_email_subject, render_email_text
from materials.models import Material, TakedownRequest
from materials.permissions import can_moderate_materials

__all__ = [
    "TAKEDOWN_RESTORED",
    "TAKEDOWN_UPHELD",
    "takedown_answer",
    "takedown_decide",
    "takedown_request",
]

TAKEDOWN_UPHELD = "takedown_upheld"
TAKEDOWN_RESTORED = "takedown_restored"


def _email_requester(request: TakedownRequest, template: str) -> None:
    from community.tasks import email_send_task

    # The requester wrote in the site's language at the time; keep it.
    with translation.override(request.language or settings.LANGUAGE_CODE):
        context = {"request": request, "site_url": settings.SITE_URL}
        subject = render_email_subject(
            f"materials/email/{template}_subject.txt", context
        )
        body = render_email_text(f"materials/email/{template}.txt", context)
    payload = {
        "subject": subject,
        "body": body,
        "to": [request.email],
    }
    transaction.on_commit(lambda: email_send_task.delay(**payload))


@transaction.atomic
def takedown_request(
    *,
    material: Material,
    name: str,
    email: str,
    work: str,
    details: str,
    confirmed: bool,
    organisation: str = "",
) -> TakedownRequest:
    """Record a rights holder's request about a visible material.

    Raises ValidationError (with the field's name as code) for a missing
    name, address, description of the work or of the infringement, or the
    unconfirmed statement; nothing is saved then.
    """
    errors = {}
    name, work, details = name.strip(), work.strip(), details.strip()
    if not name:
        errors["name"] = _("Give your name or the rights holder's.")
    try:
        validate_email(email.strip())
    except ValidationError:
        errors["email"] = _("Give an e-mail address we can answer to.")
    if not work:
        errors["work"] = _("Describe the original work and your rights to it.")
    if not details:
        errors["details"] = _("Say what in the material copies the work.")
    if not confirmed:
        errors["confirmed"] = _("Confirm that the request is made in good faith.")
    if errors:
        raise ValidationError(errors)
    request = TakedownRequest.objects.create(
        material=material,
        material_title=material.title[:200],
        name=name[:200],
        email=email.strip()[:254],
        organisation=organisation.strip()[:200],
        work=work[:5000],
        details=details[:5000],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    community.audit(
        actor=None, action="takedown_request", target=material, reason=name[:200]
    )
    _email_requester(request, "takedown_received")
    return request


@transaction.atomic
def takedown_decide(
    *, request: TakedownRequest, moderator, uphold: bool, note: str = ""
) -> TakedownRequest:
    """Uphold (the material is hidden) or reject a request; restore after an answer.

    An open request is upheld or rejected; an upheld one the author answered
    is either kept (``uphold``) or the material is shown again. Raises
    PermissionDenied for anyone but moderators, ValidationError when the
    request is already decided for good.
    """
    from materials.services.library import material_hide

    if not can_moderate_materials(moderator):
        raise PermissionDenied
    request = TakedownRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (
        TakedownRequest.Status.OPEN,
        TakedownRequest.Status.ANSWERED,
    ):
        raise ValidationError(_("This request is already decided."), code="decided")
    material = request.material
    answered = request.status == TakedownRequest.Status.ANSWERED
    if uphold:
        status = TakedownRequest.Status.UPHELD
        if material is not None and not answered:
            material_hide(
                material=material,
                moderator=moderator,
                reason=_("copyright request from %(name)s") % {"name": request.name},
            )
    else:
        status = (
            TakedownRequest.Status.RESTORED
            if answered
            else TakedownRequest.Status.REJECTED
        )
        if material is not None and answered:
            material_hide(
                material=material,
                moderator=moderator,
                hidden=False,
                reason=_("restored after the author's answer"),
            )
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = moderator
    request.decision_note = note.strip()[:1000]
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    community.audit(
        actor=moderator,
        action=f"takedown_{status}",
        target=material if material is not None else request,
        reason=request.decision_note,
    )
    if material is not None and status in (
        TakedownRequest.Status.UPHELD,
        TakedownRequest.Status.RESTORED,
    ):
        community.notify(
            recipient=material.author,
            kind=TAKEDOWN_UPHELD if status == "upheld" else TAKEDOWN_RESTORED,
            target=request,
            target_title=request.material_title,
            url=reverse("materials:takedown_answer", args=[request.pk])
            if status == "upheld" and not answered
            else material.get_absolute_url(),
            group=False,
        )
    _email_requester(request, "takedown_decided")
    return request


@transaction.atomic
def takedown_answer(*, request: TakedownRequest, author, text: str) -> TakedownRequest:
    """The author's answer to an upheld request; a moderator reads it again.

    Raises PermissionDenied for anyone but the material's author, ValidationError
    for an empty text or a request that is not waiting for an answer.
    """
    request = (
        TakedownRequest.objects.select_for_update(of=("self",))
        .select_related("material")
        .get(pk=request.pk)
    )
    if request.material is None or request.material.author_id != author.pk:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your answer."), code="empty")
    if request.status != TakedownRequest.Status.UPHELD or request.answered_at:
        raise ValidationError(
            _("This request is not waiting for your answer."), code="closed"
        )
    request.author_answer = text[:5000]
    request.answered_at = timezone.now()
    request.status = TakedownRequest.Status.ANSWERED
    request.save(update_fields=["author_answer", "answered_at", "status"])
    community.audit(
        actor=author, action="takedown_answer", target=request.material, reason=""
    )
    return request
