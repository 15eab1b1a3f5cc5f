"""What contests and network projects count toward a member's growth
(``community.attainments``).

- ``contest_diploma`` (``kinds.DIPLOMA_SOURCE``): the diplomas she holds —
  winner, prize-winner, participant —, each with its verification code and
  address (``/certificates/<code>/``);
- ``project_completed`` (``kinds.PROJECT_SOURCE``): the network projects
  completed that she took part in (in a team) or coordinated.

A diploma of a contest or an entry hidden by a moderator counts for nobody,
nor does one revoked (its entry disqualified after the results), nor a
hidden project. Whose items a write changed is told by
``contests.changes`` (``results_frozen``, ``diplomas_issued``,
``project_completed``).
"""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    attainment_source_register,
)
from contests import kinds
from contests.models import Contest, Diploma, Entry, Project, TeamMember

SHOWN = (Contest.Status.PUBLISHED, Contest.Status.FINISHED)


def diplomas_shown() -> QuerySet[Diploma]:
    """Diplomas of contests and entries not hidden by a moderator, and not
    revoked — an entry disqualified after the results keeps its diplomas,
    which verify as revoked and count for nothing (plain: the portfolio,
    badges, points and evidence filter it further)."""
    return Diploma.objects.filter(
        entry__is_hidden=False, entry__contest__is_hidden=False
    ).exclude(entry__status=Entry.Status.DISQUALIFIED)


def diplomas_of(user) -> QuerySet[Diploma]:
    """Her diplomas shown, the latest first, with the contest's status and
    slug (whether its page may be linked): one query."""
    return (
        diplomas_shown()
        .filter(holder=user)
        .select_related("entry__contest")
        .only(
            "pk",
            "kind",
            "number",
            "code",
            "contest_title",
            "nomination_title",
            "entry_title",
            "place",
            "issued_at",
            "entry__contest__slug",
            "entry__contest__status",
        )
        .order_by("-issued_at", "-pk")
    )


def diploma_detail(diploma: Diploma) -> str:
    """«диплом победителя № КОНК-2027-000012, номинация «…»»."""
    kind = {
        Diploma.Kind.WINNER: pgettext("diploma", "winner's diploma"),
        Diploma.Kind.PRIZE: pgettext("diploma", "prize-winner's diploma"),
        Diploma.Kind.PARTICIPANT: pgettext("diploma", "participant's diploma"),
    }.get(diploma.kind, "")
    return gettext("%(kind)s %(number)s, nomination «%(nomination)s»") % {
        "kind": kind,
        "number": diploma.number,
        "nomination": diploma.nomination_title,
    }


def _participated(user) -> Q:
    return Q(coordinator=user) | Q(
        pk__in=TeamMember.objects.filter(user=user).values("project_id")
    )


def projects_of(user) -> QuerySet[Project]:
    """The projects completed, not hidden, she took part in or coordinated,
    the latest completed first: one query."""
    return Project.objects.filter(
        _participated(user), status=Project.Status.COMPLETED, is_hidden=False
    ).order_by("-completed_at", "-pk")


def diplomas(user) -> list[Attainment]:
    """Her diplomas, the latest first: one query."""
    return [
        Attainment(
            key=diploma.code,
            title=gettext("%(contest)s: %(detail)s")
            % {"contest": diploma.contest_title, "detail": diploma_detail(diploma)},
            url=(
                diploma.entry.contest.get_absolute_url()
                if diploma.entry.contest.status in SHOWN
                else ""
            ),
            occurred_at=diploma.issued_at,
            code=diploma.code,
            verify_url=reverse("certificate_verify", args=[diploma.code]),
        )
        for diploma in diplomas_of(user)[:ATTAINMENT_LIMIT]
    ]


def projects(user) -> list[Attainment]:
    """The network projects she completed, the latest first: one query."""
    return [
        Attainment(
            key=str(project.pk),
            title=project.title,
            url=project.get_absolute_url(),
            occurred_at=project.completed_at or project.updated_at,
        )
        for project in projects_of(user)[:ATTAINMENT_LIMIT]
    ]


def register() -> None:
    attainment_source_register(
        key=kinds.DIPLOMA_SOURCE,
        title=_("Contest diplomas"),
        order=22,
        items=diplomas,
    )
    attainment_source_register(
        key=kinds.PROJECT_SOURCE,
        title=_("Network projects completed"),
        order=24,
        items=projects,
    )
