"""The frameworks, as the admin site changes them: a version copied as a new
one (to be edited while the plans made with the old one keep it), and the
version new plans are made with.

Both are put on record (``community.services.audit``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.services import audit
from growth.models import Competency, Criterion, FrameworkVersion, Target

AUDIT_COPY = "framework_version_copy"
AUDIT_CURRENT = "framework_version_current"


@transaction.atomic
def framework_version_copy(version: FrameworkVersion, *, actor) -> FrameworkVersion:
    """A new version, numbered after the last one and not current, holding
    a copy of ``version``'s competencies, targets and criteria (each
    criterion mapped to the copies of its competencies). Plans made with
    ``version`` keep it. A fixed number of queries, whatever the size."""
    # Two copies at once would choose the same number: the last version's
    # row is the lock.
    list(FrameworkVersion.objects.select_for_update().order_by("-number")[:1])
    number = (FrameworkVersion.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    copy = FrameworkVersion.objects.create(
        number=number,
        title=version.title,
        note=gettext("A copy of version %(number)s.") % {"number": version.number},
        is_current=False,
    )
    competencies = list(Competency.objects.filter(version=version).order_by("pk"))
    new_competencies = Competency.objects.bulk_create(
        [
            Competency(
                version=copy,
                code=competency.code,
                function=competency.function,
                title=competency.title,
                description=competency.description,
                evidence_kinds=list(competency.evidence_kinds),
                suggestion_tags=list(competency.suggestion_tags),
                order=competency.order,
            )
            for competency in competencies
        ]
    )
    competency_of = {
        old.pk: new.pk for old, new in zip(competencies, new_competencies, strict=True)
    }
    targets = list(Target.objects.filter(version=version).order_by("pk"))
    new_targets = Target.objects.bulk_create(
        [
            Target(
                version=copy,
                code=target.code,
                title=target.title,
                description=target.description,
                order=target.order,
            )
            for target in targets
        ]
    )
    target_of = {old.pk: new.pk for old, new in zip(targets, new_targets, strict=True)}
    criteria = list(
        Criterion.objects.filter(target__version=version)
        .prefetch_related("competencies")
        .order_by("pk")
    )
    new_criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                target_id=target_of[criterion.target_id],
                code=criterion.code,
                title=criterion.title,
                description=criterion.description,
                min_evidence=criterion.min_evidence,
                order=criterion.order,
            )
            for criterion in criteria
        ]
    )
    Through = Criterion.competencies.through
    Through.objects.bulk_create(
        [
            Through(criterion_id=new.pk, competency_id=competency_of[competency.pk])
            for old, new in zip(criteria, new_criteria, strict=True)
            for competency in old.competencies.all()
        ]
    )
    audit(
        actor=actor,
        action=AUDIT_COPY,
        target=copy,
        reason=gettext("from version %(number)s") % {"number": version.number},
    )
    return copy


@transaction.atomic
def framework_version_make_current(
    version: FrameworkVersion, *, actor=None
) -> FrameworkVersion:
    """Make new plans use ``version`` (the plans made before keep theirs).
    A version without a target with criteria is refused: nobody could make
    a plan with it. Idempotent."""
    # The current version's row and this one are locked, so that two
    # changes at once leave one current.
    rows = {
        row.pk: row
        for row in FrameworkVersion.objects.select_for_update().filter(
            Q(is_current=True) | Q(pk=version.pk)
        )
    }
    if version.pk not in rows:
        raise ValidationError(_("This framework version no longer exists."))
    if rows[version.pk].is_current:
        version.is_current = True
        return version
    if not Criterion.objects.filter(target__version=version).exists():
        raise ValidationError(
            _("A version with no target criteria cannot be current: nobody could "
              "make a plan with it."),
            code="empty",
        )  # fmt: skip
    FrameworkVersion.objects.filter(is_current=True).update(is_current=False)
    FrameworkVersion.objects.filter(pk=version.pk).update(is_current=True)
    version.is_current = True
    if actor is not None:
        audit(actor=actor, action=AUDIT_CURRENT, target=version)
    return version
