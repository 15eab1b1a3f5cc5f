from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from materials import services
from materials.models import (
    Collection,
    Material,
    MaterialFile,
    MaterialVersion,
    Rating,
    Review,
    ReviewAssignment,
    ReviewRound,
    TakedownRequest,
)
from materials.permissions import can_moderate_materials


class VersionInline(admin.TabularInline):
    model = MaterialVersion
    fields = ["number", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "subject",
        "kind",
        "status",
        "review_status",
        "is_hidden",
        "download_count",
        "published_at",
    ]
    list_select_related = ["author", "subject"]
    list_filter = ["status", "review_status", "is_hidden", "kind", "licence", "subject"]
    search_fields = [
        "title",
        "summary",
        "author__email",
        "author__profile__display_name",
    ]
    date_hierarchy = "published_at"
    readonly_fields = [
        field.name for field in Material._meta.fields if field.name != "is_hidden"
    ]
    exclude = ["grades"]
    inlines = [VersionInline]
    actions = ["hide", "unhide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # The one editable field goes through the service (and its side
        # effects); a form saved without changing it is no moderator's call.
        hidden = obj.is_hidden
        obj.is_hidden = Material.objects.get(pk=obj.pk).is_hidden
        if hidden != obj.is_hidden:
            services.material_hide(material=obj, moderator=request.user, hidden=hidden)

    @admin.action(description=_("Hide"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        for material in queryset:
            services.material_hide(material=material, moderator=request.user)
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show again"), permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet) -> None:
        for material in queryset:
            services.material_hide(
                material=material, moderator=request.user, hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)


class FileInline(admin.TabularInline):
    model = MaterialFile
    fields = ["name", "kind", "size"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MaterialVersion)
class MaterialVersionAdmin(admin.ModelAdmin):
    list_display = ["material", "number", "created_at"]
    list_select_related = ["material"]
    readonly_fields = ["material", "number", "note", "created_at"]
    inlines = [FileInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["material", "user", "score", "comment", "updated_at"]
    list_select_related = ["material", "user"]
    search_fields = ["material__title", "user__email", "comment"]
    readonly_fields = ["material", "user", "score", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Rating) -> None:
        services.rating_delete(material=obj.material, user=obj.user, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for rating in queryset.select_related("material", "user"):
            services.rating_delete(
                material=rating.material, user=rating.user, actor=request.user
            )


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "is_public", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__email"]
    readonly_fields = ["owner", "title", "description", "is_public"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    fk_name = "round"
    fields = ["reviewer", "status", "assigned_by", "due_at", "review_link"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("review"))
    def review_link(self, obj: ReviewAssignment) -> str:
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
    """The review queue: requests collecting reviews or waiting for a decision.

    A moderator decides by choosing the decision and saving; the service
    records it in the audit log and tells the author.
    """

    form = ReviewRoundForm
    list_display = ["material", "version", "status", "decision", "submitted_at"]
    list_select_related = ["material", "version"]
    list_filter = ["status", "decision", "material__subject"]
    search_fields = ["material__title", "material__author__email"]
    date_hierarchy = "submitted_at"
    inlines = [AssignmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
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
            ).select_related("material", "version")

    def clean(self):
        data = super().clean()
        if data.get("round") and data.get("reviewer"):
            services.reviewer_check(round_=data["round"], reviewer=data["reviewer"])
        return data


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Reviewers: a moderator assigns one by adding an assignment."""

    form = AssignmentForm
    list_display = ["round", "reviewer", "status", "assigned_by", "due_at"]
    list_select_related = [
        "round__material",
        "round__version",
        "reviewer",
        "assigned_by",
    ]
    list_filter = ["status"]
    search_fields = ["round__material__title", "reviewer__email"]
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


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["assignment", "recommendation", "is_hidden", "submitted_at"]
    list_select_related = ["assignment__round__material", "assignment__reviewer"]
    list_filter = ["recommendation", "is_hidden"]
    readonly_fields = [field.name for field in Review._meta.fields]
    actions = ["hide_selected", "show_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_materials(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for review in queryset.select_related("assignment__round__material"):
            services.review_hide(review=review, moderator=request.user, reason="")
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for review in queryset.select_related("assignment__round__material"):
            services.review_hide(
                review=review, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)


class WaitingFilter(admin.SimpleListFilter):
    """Requests a moderator has to act on: new ones and those the author answered."""

    title = _("needs a moderator")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin):
        return [("1", _("yes"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet):
        if self.value() == "1":
            return queryset.filter(
                status__in=[
                    TakedownRequest.Status.OPEN,
                    TakedownRequest.Status.ANSWERED,
                ]
            )
        return queryset


@admin.register(TakedownRequest)
class TakedownRequestAdmin(admin.ModelAdmin):
    """Uphold (hide the material), reject, or after the author's answer restore."""

    list_display = ["created_at", "material_title", "name", "email", "status"]
    list_filter = [WaitingFilter, "status", "created_at"]
    search_fields = ["material_title", "name", "email", "organisation"]
    actions = ["uphold", "reject"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet, *, uphold: bool):
        from materials.services.takedown import takedown_decide

        done = 0
        for takedown in queryset:
            try:
                takedown_decide(
                    request=takedown,
                    moderator=request.user,
                    uphold=uphold,
                    note=str(_("decided in the admin site")),
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{takedown}: {error.messages[0]}", messages.ERROR
                )
            else:
                done += 1
        self.message_user(
            request,
            _("Requests decided: %(count)d.") % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Uphold: hide the material (or keep it hidden after an answer)"),
        permissions=["change"],
    )
    def uphold(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, uphold=True)

    @admin.action(
        description=_("Reject (or show the material again after an answer)"),
        permissions=["change"],
    )
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, uphold=False)
