"""What «Мой путь»'s pages read: plans, the framework, progress, evidence.

``plan_progress`` reads a plan's criteria against her evidence in four
queries whatever their number: the criteria, their competencies, the
computed evidence counted by source, her own counted by competency.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from community.models import Subject
from community.numbers import MAX_ID
from growth.models import (
    Competency,
    Criterion,
    Evidence,
    EvidenceRefresh,
    FrameworkVersion,
    Mentorship,
    OwnEvidence,
    Plan,
    PlanItem,
    Target,
)
from growth.permissions import can_view_plan, can_view_public_plan


def current_version() -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(is_current=True).first()


def targets_current() -> list[Target]:
    """The current version's targets, in order, each with its criteria and
    their competencies (three queries)."""
    return list(
        Target.objects.filter(version__is_current=True)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("order", "pk").prefetch_related(
                    Prefetch(
                        "competencies",
                        queryset=Competency.objects.order_by("order", "code"),
                    )
                ),
            )
        )
    )


def plans_of(user) -> QuerySet[Plan]:
    """Her plans, the active ones first, newest first."""
    return (
        Plan.objects.filter(owner_id=user.pk)
        .select_related("target")
        # "active" sorts before "closed".
        .order_by("status", "-created_at", "-pk")
    )


def plans_mentored(user) -> QuerySet[Mentorship]:
    """The plans she is invited to or mentors (of active plans), with the
    plan, its owner (and profile) and target."""
    return (
        Mentorship.objects.filter(
            mentor_id=user.pk,
            status__in=[Mentorship.Status.INVITED, Mentorship.Status.ACTIVE],
            plan__status=Plan.Status.ACTIVE,
        )
        .select_related("plan__owner__profile", "plan__target")
        .order_by("status", "-invited_at", "-pk")
    )


def plan_for(user, pk: int, *, public: bool = False) -> Plan:
    """The plan ``pk`` with its target, version and owner, for its owner or
    its active mentor; with ``public``, also for anyone while it is public
    (then ask ``can_view_plan`` before showing more than the target and its
    items done). Http404 for anyone else."""
    plan = (
        Plan.objects.select_related("target__version", "owner__profile")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    if can_view_plan(user, plan):
        return plan
    if public and can_view_public_plan(user, plan):
        return plan
    raise Http404


def items_of(plan: Plan) -> QuerySet[PlanItem]:
    """A plan's items in order, with their competency."""
    return PlanItem.objects.filter(plan_id=plan.pk).select_related("competency")


def items_done_of(plan: Plan) -> QuerySet[PlanItem]:
    """What a public plan shows: its items done."""
    return items_of(plan).filter(done_at__isnull=False)


@dataclass
class CompetencyState:
    competency: Competency
    count: int = 0
    latest: datetime.datetime | None = None
    unconfirmed: int = 0


@dataclass
class CriterionState:
    criterion: Criterion
    competencies: list[CompetencyState] = field(default_factory=list)
    count: int = 0
    latest: datetime.datetime | None = None
    expected: int = 0
    is_gap: bool = False


def _later(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _day_start(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _evidence_counts(owner_id: int) -> tuple[dict, dict]:
    """Her computed evidence by source, (count, latest), and her own by
    competency code, {confirmed, latest, unconfirmed}: both counted in one
    query (the columns in the same order; each side's date in its own)."""
    confirmed = Q(status=OwnEvidence.Status.CONFIRMED)
    computed = (
        Evidence.objects.filter(owner_id=owner_id)
        .order_by()
        .values("source")
        .annotate(
            is_own=Value(False, output_field=BooleanField()),
            count=Count("pk"),
            latest_at=Max("occurred_at"),
            latest_on=Value(None, output_field=DateField()),
            unconfirmed=Value(0, output_field=IntegerField()),
        )
    )
    own_rows = (
        OwnEvidence.objects.filter(owner_id=owner_id)
        .exclude(competency_code="")
        .order_by()
        .values("competency_code")
        .annotate(
            is_own=Value(True, output_field=BooleanField()),
            count=Count("pk", filter=confirmed),
            latest_at=Value(None, output_field=DateTimeField()),
            latest_on=Max("happened_on", filter=confirmed),
            unconfirmed=Count("pk", filter=~confirmed),
        )
    )
    by_source: dict[str, tuple[int, datetime.datetime | None]] = {}
    own: dict[str, dict] = {}
    # The union's rows are named after its first part: "source" is the code.
    for row in computed.union(own_rows, all=True):
        if row["is_own"]:
            own[row["source"]] = {
                "confirmed": row["count"],
                "latest": row["latest_on"],
                "unconfirmed": row["unconfirmed"],
            }
        else:
            by_source[row["source"]] = (row["count"], row["latest_at"])
    return by_source, own


def plan_progress(plan: Plan) -> list[CriterionState]:
    """Each criterion of the plan's target, with each of its competencies:
    how much evidence counts for it (computed evidence of its kinds and her
    own confirmed evidence of its code), the latest date, her own not yet
    confirmed; a criterion is a gap below its expected number. A piece of
    evidence counts once for a criterion, whichever of its competencies it
    serves. Three queries, whatever the data."""
    criteria = list(
        Criterion.objects.filter(target_id=plan.target_id)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch(
                "competencies", queryset=Competency.objects.order_by("order", "code")
            )
        )
    )
    by_source, own = _evidence_counts(plan.owner_id)
    states = []
    for criterion in criteria:
        state = CriterionState(criterion=criterion, expected=criterion.min_evidence)
        sources: set[str] = set()
        codes: set[str] = set()
        for competency in criterion.competencies.all():
            kinds = [kind for kind in competency.evidence_kinds or [] if kind]
            item = CompetencyState(competency=competency)
            for kind in kinds:
                count, latest = by_source.get(kind, (0, None))
                item.count += count
                item.latest = _later(item.latest, latest)
            mine = own.get(competency.code)
            if mine is not None:
                item.count += mine["confirmed"]
                item.latest = _later(item.latest, _day_start(mine["latest"]))
                item.unconfirmed = mine["unconfirmed"]
            state.competencies.append(item)
            sources.update(kinds)
            codes.add(competency.code)
        for kind in sources:
            count, latest = by_source.get(kind, (0, None))
            state.count += count
            state.latest = _later(state.latest, latest)
        for code in codes:
            mine = own.get(code)
            if mine is not None:
                state.count += mine["confirmed"]
                state.latest = _later(state.latest, _day_start(mine["latest"]))
        state.is_gap = state.count < state.expected
        states.append(state)
    return states


def evidence_of(user) -> QuerySet[Evidence]:
    """Her computed evidence in the sources' order (``community.attainments``:
    courses first, badges last; a source no app registers any more after
    them), newest first within a source. One query: the order is a CASE
    over the source keys."""
    from community.attainments import attainment_sources

    keys = [source.key for source in attainment_sources()]
    rank = Case(
        *(When(source=key, then=Value(number)) for number, key in enumerate(keys)),
        default=Value(len(keys)),
        output_field=IntegerField(),
    )
    return (
        Evidence.objects.filter(owner_id=user.pk)
        .alias(source_rank=rank)
        .order_by("source_rank", "-occurred_at", "-pk")
    )


def own_evidence_of(user) -> QuerySet[OwnEvidence]:
    """Her own evidence, newest first, with who confirmed it."""
    return (
        OwnEvidence.objects.filter(owner_id=user.pk)
        .select_related("confirmed_by__profile")
        .order_by("-happened_on", "-pk")
    )


# The most suggestions a source is asked for on the gaps page: its limit for
# each competency times the tags asked (shared out by tag), at most this.
SUGGESTIONS_MAX = 150


def _suggestions_for(tags, subject_ids, user, limit_per_source, exclude_keys=()):
    from community.attainments import suggestions_for

    return suggestions_for(
        tags,
        subject_ids,
        user,
        limit_per_source=limit_per_source,
        exclude_keys=exclude_keys,
    )


def _subjects_and_planned(plan: Plan) -> tuple[list[int], set[str]]:
    """The owner's subjects and the objects already in the plan, in one
    query (a UNION of the two lists)."""
    text = CharField()
    items = (
        PlanItem.objects.filter(plan_id=plan.pk)
        .exclude(object_key="")
        .order_by()
        .annotate(row=Value("item", output_field=text), key=F("object_key"))
        .values_list("row", "key")
    )
    subjects = (
        Subject.objects.filter(profiles__user_id=plan.owner_id)
        .order_by()
        .annotate(row=Value("subject", output_field=text), key=Cast("pk", text))
        .values_list("row", "key")
    )
    subject_ids, planned = [], set()
    for row, key in items.union(subjects, all=True):
        if row == "subject":
            subject_ids.append(int(key))
        else:
            planned.add(key)
    return subject_ids, planned


def gaps_suggestions(
    plan: Plan, states: list[CriterionState], *, limit: int = 6
) -> dict[str, list]:
    """For each competency of a gap criterion (by code, in the criteria's
    order), at most ``limit`` suggestions (``community.attainments``) of
    courses, master-classes and communities tagged for it, in the owner's
    subjects, leaving out what is in the plan already. What is planned is
    left out by the sources' own query, and each source is asked for
    ``limit`` rows for every tag (at most ``SUGGESTIONS_MAX``), shared out by
    tag: a competency whose tags are on older things, or whose newest are
    planned, still gets its share."""
    gaps: dict[str, Competency] = {}
    for state in states:
        if state.is_gap:
            for item in state.competencies:
                gaps.setdefault(item.competency.code, item.competency)
    if not gaps:
        return {}
    wanted = {
        code: {tag.lower() for tag in competency.suggestion_tags or [] if tag}
        for code, competency in gaps.items()
    }
    tags = sorted(set().union(*wanted.values()))
    found: dict[str, list] = {code: [] for code in gaps}
    if not tags:
        return found
    subject_ids, planned = _subjects_and_planned(plan)
    suggestions = _suggestions_for(
        tags,
        subject_ids,
        plan.owner,
        min(limit * len(tags), SUGGESTIONS_MAX),
        exclude_keys=planned,
    )
    for suggestion in suggestions:
        if suggestion.object_key in planned:
            continue
        carried = {tag.lower() for tag in suggestion.tags}
        for code, tags_of in wanted.items():
            if carried & tags_of and len(found[code]) < limit:
                found[code].append(suggestion)
    return found


# --- The mentor's pages --------------------------------------------------------------

_STANDING = ("invited", "active")


def evidence_refreshed_at(owner) -> datetime.datetime | None:
    """When the member's evidence was last gathered (None: never)."""
    return (
        EvidenceRefresh.objects.filter(owner=owner)
        .values_list("refreshed_at", flat=True)
        .first()
    )


def mentorship_standing(plan: Plan, pk: int | None = None) -> Mentorship | None:
    """The mentor invited to the plan or mentoring it (that one, when ``pk``
    names it), if any."""
    found = Mentorship.objects.filter(plan=plan, status__in=_STANDING)
    if pk is not None:
        if pk > MAX_ID:
            return None
        found = found.filter(pk=pk)
    return found.select_related("plan", "mentor__profile").first()


def mentorship_of(user, pk: int) -> Mentorship:
    """A mentorship of the member asking; a 404 for anyone else's."""
    mentorship = (
        Mentorship.objects.select_related("plan__target", "plan__owner__profile")
        .filter(pk=pk, mentor_id=user.pk)
        .first()
        if pk <= MAX_ID
        else None
    )
    if mentorship is None:
        raise Http404
    return mentorship
