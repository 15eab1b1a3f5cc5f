"""During and after the session: check-in, attendance, feedback, follow-up."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from community.embed_providers import embed_match
from community.embeds import embeds_request
from community.sanctions import participation_check
from masterclasses.changes import attendance_changed, masterclass_shown_changed
from masterclasses.models import Feedback, MasterClass, Registration
from masterclasses.permissions import can_moderate_masterclasses, is_host

# Check-in opens this long before the start and closes at the end.
CHECKIN_EARLY = datetime.timedelta(minutes=15)


def checkin(*, masterclass: MasterClass, user, code: str) -> Registration:
    """A participant confirms attendance with the code shown in the session."""
    participation_check(user)
    registration = Registration.objects.filter(
        masterclass=masterclass, user=user, status=Registration.Status.REGISTERED
    ).first()
    if registration is None:
        raise ValidationError(
            _("Only registered participants check in."), code="not_registered"
        )
    now = timezone.now()
    if now < masterclass.starts_at - CHECKIN_EARLY:
        raise ValidationError(
            _("Check-in opens when the session starts."), code="early"
        )
    if now > masterclass.ends_at:
        raise ValidationError(
            _("Check-in has closed: the session is over."), code="late"
        )
    if code.strip().upper() != masterclass.checkin_code:
        raise ValidationError(
            _("The code is wrong. Check it on the host's screen."), code="code"
        )
    if not registration.attended:
        registration.attended = True
        registration.checked_in_at = now
        registration.save(update_fields=["attended", "checked_in_at"])
        attendance_changed(registration)
    return registration


def attendance_mark(
    *, masterclass: MasterClass, host, registration: Registration, attended: bool
) -> Registration:
    """The host marks who came (or corrects a check-in)."""
    participation_check(host)
    if not (is_host(host, masterclass) or can_moderate_masterclasses(host)):
        raise PermissionDenied
    if registration.masterclass_id != masterclass.pk or (
        registration.status != Registration.Status.REGISTERED
    ):
        raise ValidationError(
            _("Not a participant of this master-class."), code="not_registered"
        )
    if timezone.now() < masterclass.starts_at - CHECKIN_EARLY:
        raise ValidationError(
            _("Attendance is marked once the session starts."), code="early"
        )
    registration.attended = attended
    registration.save(update_fields=["attended"])
    attendance_changed(registration)
    return registration


def feedback_leave(
    *, masterclass: MasterClass, user, score: int, comment: str = ""
) -> Feedback:
    """An attendee rates the master-class (again: the earlier feedback is replaced)."""
    participation_check(user)
    registration = Registration.objects.filter(
        masterclass=masterclass, user=user, attended=True
    ).first()
    if registration is None:
        raise ValidationError(
            _("Feedback is for those who attended."), code="not_attended"
        )
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("A rating is from 1 to 5."), code="score")
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={"score": int(score), "comment": comment.strip()[:2000]},
    )
    return feedback


def followup_set(
    *, masterclass: MasterClass, host, recording_url: str = "", materials: Iterable = ()
) -> MasterClass:
    """After the session: the recording link and materials from the library."""
    participation_check(host)
    if not (is_host(host, masterclass) or can_moderate_masterclasses(host)):
        raise PermissionDenied
    masterclass.recording_url = recording_url.strip()
    masterclass.full_clean(exclude=["host", "subject", "cover"])
    masterclass.save(update_fields=["recording_url", "updated_at"])
    masterclass.materials.set(materials)
    # A recording on a listed service shows as a card: its title and picture.
    embeds_request(filter(None, [embed_match(masterclass.recording_url)]))
    # Visitors see the recording and the materials on its page.
    masterclass_shown_changed(masterclass)
    return masterclass
