"""What the moderators' side reads of «Мой путь»: the plans one may report.

Only a public plan is reported (a private one is its owner's and her
mentor's); the moderators make it private through
``services.moderation.plan_make_private`` (``growth.hooks``).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from growth.models import Plan


def plans_visible_to(user) -> QuerySet[Plan]:
    """The public plans anyone may read (``permissions.can_view_public_plan``
    as a query): public, of an active member not deleted, her profile not
    hidden, not suspended or banned now; with owner's profile and target."""
    return Plan.objects.filter(
        Q(owner__restricted_until__isnull=True)
        | Q(owner__restricted_until__lte=timezone.now()),
        visibility=Plan.Visibility.PUBLIC,
        owner__is_active=True,
        owner__profile__is_hidden=False,
        owner__profile__deleted_at__isnull=True,
    ).select_related("owner__profile", "target")


def plan_title(plan: Plan) -> str:
    """How the reporter and the moderators see a reported plan named."""
    return f"{plan.owner.profile.shown_name} · {plan.target.title}"
