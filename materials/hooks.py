"""What the materials tell the community layer and the personal space."""

from django.utils.translation import gettext_lazy as _

from materials.kinds import (
    MATERIAL_ACTIVITY,
    NEW_RATING,
    NEW_VERSION,
    REVIEW_ASSIGNED,
    REVIEW_DECISION,
    REVIEW_EXPIRED,
    REVIEW_RECEIVED,
    REVIEW_REMINDER,
    REVIEW_REQUEST,
)

DIGEST_ITEMS = 5


def _portfolio_materials(user) -> list:
    from accounts.portfolio import PortfolioItem
    from materials.models import Material

    return [
        PortfolioItem(
            title=material.title,
            url=material.get_absolute_url(),
            date=material.published_at,
            detail=str(_("recommended by experts")) if material.is_recommended else "",
        )
        for material in Material.objects.public()
        .filter(author=user)
        .order_by("-published_at")[:100]
    ]


def _portfolio_reviews(user) -> list:
    from accounts.portfolio import PortfolioItem
    from materials.models import Review

    reviews = (
        Review.objects.filter(assignment__reviewer=user, is_hidden=False)
        .select_related("assignment__round__material")
        .order_by("-submitted_at")[:100]
    )
    return [
        PortfolioItem(
            title=review.assignment.round.material.title,
            url=review.assignment.round.material.get_absolute_url(),
            date=review.submitted_at,
        )
        for review in reviews
        if review.assignment.round.material.is_published
        and not review.assignment.round.material.is_hidden
    ]


def _new_in_subjects(users: list, since) -> dict:
    """New materials in each reader's subjects (two queries per batch)."""
    from accounts.selectors import subject_ids_by_member
    from community.notifications import DigestItem
    from materials.models import Material

    subjects_of = subject_ids_by_member(user_ids=[user.pk for user in users])
    wanted = set().union(*subjects_of.values()) if subjects_of else set()
    materials = (
        Material.objects.public()
        .filter(subject__in=wanted, published_at__gte=since)
        .select_related("author__profile")
        .order_by("-published_at")[:500]
    )
    by_subject: dict[int, list] = {}
    for material in materials:
        by_subject.setdefault(material.subject_id, []).append(material)
    found = {}
    for user in users:
        mine = sorted(
            (
                material
                for subject in subjects_of.get(user.pk, ())
                for material in by_subject.get(subject, [])
                if material.author_id != user.pk
            ),
            key=lambda material: material.published_at,
            reverse=True,
        )[:DIGEST_ITEMS]
        if mine:
            found[user.pk] = [
                DigestItem(
                    title=material.title,
                    url=material.get_absolute_url(),
                    detail=material.author.profile.shown_name,
                )
                for material in mine
            ]
    return found


def register() -> None:
    from accounts.bookmarks import bookmarkable_register
    from accounts.portfolio import portfolio_section_register
    from community.notifications import (
        activity_kind_register,
        digest_section_register,
        notification_kind_register,
    )
    from materials.models import Material

    notification_kind_register(
        key=NEW_RATING,
        preference="reviews",
        one=_("%(actor)s rated your material «%(target)s»"),
        many=_("%(count)s new ratings of your material «%(target)s»"),
    )
    # No preference: an author must hear, at once and whatever their settings,
    # that their material is hidden and that they may answer.
    notification_kind_register(
        key="takedown_upheld",
        preference=None,
        one=_("«%(target)s» is hidden after a copyright request: you can answer"),
        many=_("%(count)s of your materials are hidden after copyright requests"),
        urgent=True,
    )
    notification_kind_register(
        key="takedown_restored",
        preference=None,
        one=_("«%(target)s» is shown again after your answer"),
        many=_("%(count)s of your materials are shown again"),
        urgent=True,
    )
    notification_kind_register(
        key=NEW_VERSION,
        preference="replies",
        one=_("A new version of «%(target)s», which you bookmarked"),
        many=_("%(count)s new versions of «%(target)s», which you bookmarked"),
    )
    for key, one, many in [
        (
            REVIEW_REQUEST,
            _("A material in your subject awaits expert review: «%(target)s»"),
            _("%(count)s materials in your subjects await expert review"),
        ),
        (
            REVIEW_ASSIGNED,
            _("You are asked to review «%(target)s»"),
            _("You are asked to review %(count)s materials"),
        ),
        (
            REVIEW_RECEIVED,
            _("A new expert review of «%(target)s»"),
            _("%(count)s new expert reviews of «%(target)s»"),
        ),
        (
            REVIEW_DECISION,
            _("The expert review of «%(target)s» is decided"),
            _("%(count)s decisions on «%(target)s»"),
        ),
        (
            REVIEW_REMINDER,
            _("The deadline for your review of «%(target)s» is near"),
            _("%(count)s reviews are due soon"),
        ),
        (
            REVIEW_EXPIRED,
            _("The deadline for your review of «%(target)s» has passed"),
            _("%(count)s of your review assignments have expired"),
        ),
    ]:
        notification_kind_register(key=key, preference="reviews", one=one, many=many)
    activity_kind_register(MATERIAL_ACTIVITY, _("%(actor)s shared the material"))
    digest_section_register(
        key="new_materials",
        title=_("New materials in your subjects"),
        order=20,
        items=_new_in_subjects,
    )
    bookmarkable_register(
        Material,
        key="material",
        label=_("Material"),
        visible_to=lambda user: Material.objects.public(),
    )
    portfolio_section_register(
        key="expert_reviews",
        title=_("Expert reviews of colleagues' materials"),
        order=16,
        items=_portfolio_reviews,
    )
    portfolio_section_register(
        key="materials",
        title=_("Teaching materials"),
        order=15,
        items=_portfolio_materials,
    )
    register_attainments()


def register_attainments() -> None:
    """Recommended materials and reviews written as evidence of growth
    (``materials.attainments``)."""
    from materials import attainments

    attainments.register()


def _count_by(queryset, field: str) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        queryset.values(field).annotate(count=Count("pk")).values_list(field, "count")
    )


def _published(user_ids: list[int]) -> dict[int, int]:
    from materials.models import Material

    return _count_by(
        Material.objects.public().filter(author_id__in=user_ids), "author_id"
    )


def _recommended(user_ids: list[int]) -> dict[int, int]:
    from materials.models import Material

    return _count_by(
        Material.objects.public().filter(
            author_id__in=user_ids, review_status=Material.Review.RECOMMENDED
        ),
        "author_id",
    )


def _reviews_done(user_ids: list[int]) -> dict[int, int]:
    from materials.models import Review

    return _count_by(
        Review.objects.filter(assignment__reviewer_id__in=user_ids),
        "assignment__reviewer_id",
    )


def _contribution(start, end) -> dict[int, int]:
    """A material recommended by experts: 10 points; a review done: 5."""
    from materials.models import Review, ReviewRound

    points: dict[int, int] = {}
    recommended = ReviewRound.objects.filter(
        decision=ReviewRound.Decision.RECOMMEND,
        decided_at__gte=start,
        decided_at__lt=end,
    )
    for user_id, count in _count_by(recommended, "material__author_id").items():
        points[user_id] = points.get(user_id, 0) + 10 * count
    reviews = Review.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    for user_id, count in _count_by(reviews, "assignment__reviewer_id").items():
        points[user_id] = points.get(user_id, 0) + 5 * count
    return points


def _reviews_visible_to(user):
    """Reviews as the material's page shows them: to its author and moderators."""
    from materials.models import Review, ReviewAssignment
    from materials.permissions import can_moderate_materials

    reviews = Review.objects.filter(
        is_hidden=False, assignment__status=ReviewAssignment.Status.SUBMITTED
    ).select_related("assignment__round__material")
    if can_moderate_materials(user):
        return reviews
    if not user.is_authenticated:
        return reviews.none()
    return reviews.filter(assignment__round__material__author=user)


def register_reports() -> None:
    from community.reports import reportable_register
    from materials import services
    from materials.models import Material, Review

    reportable_register(
        Material,
        key="material",
        label=_("Material"),
        visible_to=lambda user: Material.objects.public(),
        owner_id=lambda material: material.author_id,
        hide=lambda material, moderator, reason: services.material_hide(
            material=material, moderator=moderator, reason=reason
        ),
        auto_hide=lambda material, hidden: services.material_hide_by_reports(
            material=material, hidden=hidden
        ),
    )
    reportable_register(
        Review,
        key="material_review",
        label=_("Expert review"),
        visible_to=_reviews_visible_to,
        owner_id=lambda review: review.assignment.reviewer_id,
        hide=lambda review, moderator, reason: services.review_hide(
            review=review, moderator=moderator, reason=reason
        ),
        auto_hide=lambda review, hidden: services.review_hide_by_reports(
            review=review, hidden=hidden
        ),
    )


def register_recognition() -> None:
    from community.badges import (
        BadgeRule,
        badge_measure_register,
        badge_rule_register,
        contribution_source_register,
    )

    badge_measure_register("materials_published", _published)
    badge_measure_register("materials_recommended", _recommended)
    badge_measure_register("reviews_done", _reviews_done)
    for rule in [
        BadgeRule("first-material", "materials_published", 1, "bronze",
                  _("First material"), _("Shared a first teaching material."), "📄"),
        BadgeRule("recommended-material", "materials_recommended", 1, "gold",
                  _("Recommended by experts"),
                  _("A material recommended by experts; earned for each."), "🏅",
                  repeatable=True),
        BadgeRule("reviewer-5", "reviews_done", 5, "silver", _("Reviewer"),
                  _("Reviewed 5 colleagues' materials."), "🔍"),
        BadgeRule("reviewer-25", "reviews_done", 25, "gold", _("Senior reviewer"),
                  _("Reviewed 25 colleagues' materials."), "🔍"),
    ]:  # fmt: skip
        badge_rule_register(rule)
    contribution_source_register("materials", _contribution)


def register_inbox() -> None:
    from django.urls import reverse

    from community.inbox import InboxSource, inbox_source_register
    from materials.models import ReviewRound, TakedownRequest

    changelist = "admin:materials_reviewround_changelist"
    inbox_source_register(
        InboxSource(
            key="materials_takedowns",
            label=_("Copyright takedown requests"),
            count=lambda: TakedownRequest.objects.filter(
                status__in=[
                    TakedownRequest.Status.OPEN,
                    TakedownRequest.Status.ANSWERED,
                ]
            ).count(),
            url=lambda: (
                reverse("admin:materials_takedownrequest_changelist") + "?waiting=1"
            ),
            permission="materials.change_takedownrequest",
            order=15,
        )
    )
    inbox_source_register(
        InboxSource(
            key="materials_reviewers",
            label=_("Materials waiting for reviewers"),
            count=lambda: ReviewRound.objects.waiting_for_reviewers().count(),
            url=lambda: reverse(changelist) + "?status__exact=open",
            permission="materials.change_reviewround",
            order=30,
        )
    )
    inbox_source_register(
        InboxSource(
            key="materials_decisions",
            label=_("Expert reviews waiting for a moderator's decision"),
            count=lambda: ReviewRound.objects.filter(
                status=ReviewRound.Status.AWAITING
            ).count(),
            url=lambda: reverse(changelist) + "?status__exact=awaiting",
            permission="materials.change_reviewround",
            order=31,
        )
    )


def register_discovery() -> None:
    """Materials in a tag's feed and in the sitemap."""
    from community.feeds import tag_feed_source_register
    from community.sitemaps import sitemap_register
    from materials.feeds import tag_entries
    from materials.sitemaps import MaterialSitemap

    tag_feed_source_register(key="materials", entries=tag_entries)
    sitemap_register(key="materials", sitemap=MaterialSitemap, order=30)


def register_tags() -> None:
    """Published materials on a tag's page."""
    from community.tags import tagged_source_register
    from materials import selectors

    tagged_source_register(
        key="materials",
        label=_("Materials"),
        order=20,
        items=lambda user, tag: selectors.catalogue(tag=tag.slug),
        template="materials/partials/_tagged_material.html",
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "material_hide": _("material hidden"),
            "material_restore": _("material shown again"),
            "material_hide_automatic": _("material hidden automatically"),
            "material_restore_automatic": _("material shown again automatically"),
            "material_coauthors": _("material's co-authors set"),
            "review_request": _("expert review requested"),
            "review_withdraw": _("expert review request withdrawn"),
            "review_take": _("an expert took the material for review"),
            "review_assign": _("an expert was assigned to review"),
            "review_expired": _("an expert missed the review deadline"),
            "review_awaiting": _("reviews collected, waiting for a decision"),
            "review_recommend": _("recommended after expert review"),
            "review_revise": _("sent back for revision after expert review"),
            "review_reject": _("rejected after expert review"),
            "material_review_hide": _("expert review hidden"),
            "material_review_restore": _("expert review shown again"),
            "takedown_request": _("copyright request received"),
            "takedown_answer": _("the author answered a copyright request"),
            "takedown_upheld": _("copyright request upheld"),
            "takedown_rejected": _("copyright request rejected"),
            "takedown_restored": _("material restored after the author's answer"),
        }
    )


HOME_REVIEWS = 3
HOME_MATERIALS = 4


def _home_reviews(viewer) -> dict | None:
    from materials.permissions import is_expert
    from materials.selectors import review_assignments_waiting

    if not is_expert(viewer.user):
        return None
    count, assignments = review_assignments_waiting(
        user=viewer.user, limit=HOME_REVIEWS
    )
    return {"count": count, "assignments": assignments}


def _home_materials(viewer) -> list | None:
    from materials.selectors_public import materials_latest

    return materials_latest(limit=HOME_MATERIALS) or None


def register_home() -> None:
    """An expert's reviews waiting to be written; a visitor's newest materials."""
    from community.home import MEMBERS, VISITORS, home_block_register

    home_block_register(
        key="reviews",
        audience=MEMBERS,
        order=20,
        read=_home_reviews,
        template="materials/partials/_home_reviews.html",
        summary_template="materials/partials/_home_reviews_summary.html",
    )
    home_block_register(
        key="materials",
        audience=VISITORS,
        order=20,
        read=_home_materials,
        template="materials/partials/_home_materials.html",
    )
