"""Courses in the admin site: moderators read, hide, trust and decide.

Every change goes through the services: a course hidden or shown again
(``services.course_hide``), archived (``services.course_archive``), an
author trusted (``services.trusted_author_set``), a reviewer assigned
(``services.review_assign``), a review round decided
(``services.review_decide``), an expert's review or a peer review hidden
(``services.review_hide``, ``moderation.peer_review_hide``). Learners'
enrolments and certificates are only read here; nothing is added or deleted
but trusted authors.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from courses import moderation, services
from courses.models import (
    Course,
    CourseCertificate,
    CourseReview,
    Enrolment,
    PeerReview,
    ReviewAssignment,
    ReviewRound,
    TrustedAuthor,
    Unit,
)
from courses.permissions import can_moderate_courses


def _all_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields]


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["position", "kind", "title", "hours", "required", "completion", "due_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["position", "pk"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """Everything but "hidden" is the authors'; hiding goes through the
    service (the feed, search and the catalogue follow)."""

    list_display = [
        "title",
        "author",
        "status",
        "kind",
        "format",
        "hours",
        "enrolled_count",
        "completed_count",
        "is_hidden",
        "published_at",
    ]
    list_select_related = ["author"]
    list_filter = ["status", "is_hidden", "kind", "format", "subject"]
    search_fields = ["title", "slug", "author__email", "author__profile__display_name"]
    date_hierarchy = "published_at"
    readonly_fields = [
        *(name for name in _all_fields(Course) if name != "is_hidden"),
        "coauthor_names",
    ]
    exclude = ["grades", "coauthors", "tags"]
    inlines = [UnitInline]
    actions = ["hide_selected", "show_selected", "archive_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Learners' progress and certificates hang on it: archive instead.
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_courses(request.user)

    @admin.display(description=_("co-authors"))
    def coauthor_names(self, obj: Course) -> str:
        names = [
            user.profile.shown_name
            for user in obj.coauthors.select_related("profile").order_by("pk")
        ]
        return ", ".join(names) or "—"

    def save_model(self, request, obj, form, change) -> None:
        # The one editable field goes through the service (and what follows
        # it); a form saved without changing it is no moderator's call.
        hidden = obj.is_hidden
        obj.is_hidden = Course.objects.get(pk=obj.pk).is_hidden
        if hidden != obj.is_hidden:
            services.course_hide(
                course=obj, moderator=request.user, reason="", hidden=hidden
            )

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for course in queryset:
            services.course_hide(course=course, moderator=request.user, reason="")
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for course in queryset:
            services.course_hide(
                course=course, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(
        description=_("Archive selected (learners keep their progress)"),
        permissions=["moderate"],
    )
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for course in queryset.filter(status=Course.Status.PUBLISHED):
            try:
                services.course_archive(course=course, editor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{course}: {error.messages[0]}", messages.ERROR
                )
            else:
                done += 1
        self.message_user(
            request, _("Archived: %(count)d.") % {"count": done}, messages.SUCCESS
        )


@admin.register(TrustedAuthor)
class TrustedAuthorAdmin(admin.ModelAdmin):
    """Authors whose courses open without expert review."""

    list_display = ["user", "granted_by", "created_at"]
    list_select_related = ["user", "granted_by"]
    fields = ["user"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        services.trusted_author_set(user=obj.user, moderator=request.user, trusted=True)
        obj.pk = TrustedAuthor.objects.get(user=obj.user).pk

    def delete_model(self, request, obj) -> None:
        services.trusted_author_set(
            user=obj.user, moderator=request.user, trusted=False
        )

    def delete_queryset(self, request, queryset) -> None:
        for trusted in queryset.select_related("user"):
            self.delete_model(request, trusted)


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    fk_name = "round"
    fields = ["reviewer", "status", "assigned_by", "due_at", "review_summary"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("review"))
    def review_summary(self, obj: ReviewAssignment) -> str:
        review = getattr(obj, "review", None)
        if review is None:
            return "—"
        return f"{review.get_recommendation_display()}, {review.average:.1f}"


class ReviewRoundForm(forms.ModelForm):
    class Meta:
        model = ReviewRound
        fields = ["decision", "decision_note"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    """Courses in expert review: collecting reviews, or waiting for a
    decision. A moderator decides by choosing the decision and saving; the
    service publishes the course or returns it to its authors, puts it on
    record and tells them."""

    form = ReviewRoundForm
    list_display = ["course", "status", "decision", "submitted_at", "decided_at"]
    list_select_related = ["course"]
    list_filter = ["status", "decision", "course__subject"]
    search_fields = ["course__title", "course__author__email"]
    date_hierarchy = "submitted_at"
    inlines = [AssignmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        decided = obj is not None and obj.status not in (
            ReviewRound.Status.OPEN,
            ReviewRound.Status.AWAITING,
        )
        return ["decision", "decision_note"] if decided else []

    def save_model(self, request, obj, form, change) -> None:
        if not form.changed_data or not obj.decision:
            return
        try:
            services.review_decide(
                round_=ReviewRound.objects.get(pk=obj.pk),
                moderator=request.user,
                decision=obj.decision,
                note=obj.decision_note,
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = ReviewAssignment
        fields = ["round", "reviewer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An assignment is only read once made: the admin then leaves the
        # fields out of the form.
        if "round" in self.fields:
            self.fields["round"].queryset = ReviewRound.objects.filter(
                status=ReviewRound.Status.OPEN
            ).select_related("course")

    def clean(self):
        data = super().clean()
        if data.get("round") and data.get("reviewer"):
            services.reviewer_check(round_=data["round"], reviewer=data["reviewer"])
        return data


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Reviewers of courses: a moderator assigns one by adding an assignment."""

    form = AssignmentForm
    list_display = ["round", "reviewer", "status", "assigned_by", "due_at"]
    list_select_related = ["round__course", "reviewer", "assigned_by"]
    list_filter = ["status"]
    search_fields = ["round__course__title", "reviewer__email"]
    autocomplete_fields = ["reviewer"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        assignment = services.review_assign(
            round_=form.cleaned_data["round"],
            reviewer=form.cleaned_data["reviewer"],
            moderator=request.user,
        )
        obj.pk = assignment.pk


class _HideActions:
    """Hide and show again through ``hide(obj, moderator, hidden)``."""

    actions = ["hide_selected", "show_selected"]

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        raise NotImplementedError

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_courses(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.hide(obj, request.user, hidden=True)
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.hide(obj, request.user, hidden=False)
        self.message_user(request, _("Done."), messages.SUCCESS)


@admin.register(CourseReview)
class CourseReviewAdmin(_HideActions, admin.ModelAdmin):
    list_display = ["assignment", "recommendation", "is_hidden", "submitted_at"]
    list_select_related = ["assignment__round__course", "assignment__reviewer"]
    list_filter = ["recommendation", "is_hidden"]
    readonly_fields = _all_fields(CourseReview)

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        services.review_hide(review=obj, moderator=moderator, reason="", hidden=hidden)


@admin.register(PeerReview)
class PeerReviewAdmin(_HideActions, admin.ModelAdmin):
    list_display = ["__str__", "reviewer", "verdict", "is_hidden", "created_at"]
    list_select_related = ["submission__unit", "reviewer"]
    list_filter = ["verdict", "is_hidden"]
    search_fields = ["submission__unit__title", "reviewer__email", "comment"]
    readonly_fields = _all_fields(PeerReview)

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        moderation.peer_review_hide(
            review=obj, moderator=moderator, reason="", hidden=hidden
        )


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Learners' places and progress, as the services keep them: read only."""

    list_display = [
        "course",
        "user",
        "status",
        "units_done",
        "hours_done",
        "enrolled_at",
        "completed_at",
    ]
    list_select_related = ["course", "user"]
    list_filter = ["status"]
    search_fields = ["course__title", "user__email", "user__profile__display_name"]
    date_hierarchy = "queued_at"
    readonly_fields = _all_fields(Enrolment)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CourseCertificate)
class CourseCertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "course_title", "hours", "issued_at"]
    list_select_related = ["user"]
    search_fields = ["number", "code", "holder_name", "course_title"]
    date_hierarchy = "issued_at"
    readonly_fields = _all_fields(CourseCertificate)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
