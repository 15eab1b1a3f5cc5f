"""What courses' learning tells the community layer: the learners' and
authors' notification kinds, the evidence that completes units, the
certificates' source, the decisions put on record."""

from django.utils.translation import gettext_lazy as _

from courses.kinds import (
    ASSIGNMENT_REVIEWED,
    COMPLETED,
    DEADLINE_REMINDER,
    ENROLLED,
    EVIDENCE_LISTENER,
    PREFERENCE,
    PROMOTED,
    SUBMISSION_WAITING,
    UNIT_OPENED,
    WAITLISTED,
)


def evidence_heard(kind: str, pairs: list[tuple[int, int]]) -> None:
    """An attendance or a reply committed elsewhere: the units it completes
    are marked by a task (``progress_evidence_task``), never in the teller's
    request."""
    from community.evidence import ATTENDED, REPLIED
    from courses.tasks import progress_evidence_task

    if kind in (ATTENDED, REPLIED):
        progress_evidence_task.delay(kind, [list(pair) for pair in pairs])


def register() -> None:
    from community.certificates import certificate_source_register
    from community.evidence import evidence_listen
    from community.notifications import (
        audit_actions_register,
        notification_kind_register,
    )
    from courses.certificates import certificate_verified
    from courses.services.assignments import AUDIT_RETURN
    from courses.services.completion import AUDIT_ACCEPT

    kinds = [
        (ENROLLED, _("You are enrolled in the course «%(target)s»"),
         _("You are enrolled in %(count)s courses")),
        (WAITLISTED, _("The places of «%(target)s» are taken: you are on the waitlist"),
         _("You are on %(count)s waitlists of courses")),
        (PROMOTED, _("A place came free: you are enrolled in «%(target)s»"),
         _("Places came free in %(count)s courses")),
        (UNIT_OPENED, _("The unit «%(target)s» is open"),
         _("%(count)s units are open")),
        (ASSIGNMENT_REVIEWED, _("Your assignment «%(target)s» was reviewed"),
         _("%(count)s reviews of your assignment «%(target)s»")),
        (DEADLINE_REMINDER, _("The deadline of «%(target)s» is near"),
         _("%(count)s deadlines are near")),
        (COMPLETED, _("You have completed «%(target)s»: your certificate is ready"),
         _("You have completed %(count)s courses")),
        (SUBMISSION_WAITING, _("%(actor)s handed in the assignment «%(target)s»"),
         _("%(count)s assignments «%(target)s» wait for your decision")),
    ]  # fmt: skip
    for key, one, many in kinds:
        notification_kind_register(
            key=key,
            preference=PREFERENCE,
            one=one,
            many=many,
            # A reminder in a digest would come after the deadline.
            urgent=key == DEADLINE_REMINDER,
        )
    evidence_listen(EVIDENCE_LISTENER, evidence_heard)
    certificate_source_register("courses", certificate_verified)
    audit_actions_register(
        {
            AUDIT_ACCEPT: _("course completion accepted by hand"),
            AUDIT_RETURN: _("assignment returned for revision"),
        }
    )
