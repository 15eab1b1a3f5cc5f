"""Communities in the admin site: site moderators look, hide, restore, archive.

Everything here is read-only: a community is its founders' and members' work,
and every change to it goes through the services (the actions below), which
tell the founders, write the audit log and move the search index and pages.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from circles.models import (
    Community,
    CommunityBan,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the services write; moderators read them."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CommunityColumn:
    """The community and the member as columns and fields, in words the
    reader's language has (the foreign keys carry no names of their own)."""

    @admin.display(description=_("community"), ordering="community__name")
    def community_name(self, obj) -> str:
        return obj.community.name

    @admin.display(description=_("member"), ordering="user__email")
    def member(self, obj) -> str:
        return str(obj.user) if obj.user_id else "—"


class NewFilter(admin.SimpleListFilter):
    """Communities opened lately, which moderators look at once (the inbox)."""

    title = _("opened lately")
    parameter_name = "new"

    def lookups(self, request: HttpRequest, model_admin):
        return [("1", _("in the last week"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet):
        from circles.hooks import recently_opened

        if self.value() == "1":
            return queryset.filter(pk__in=recently_opened().values("pk"))
        return queryset


class LeaderInline(CommunityColumn, admin.TabularInline):
    """The owner and the moderators; every member is in the memberships' list."""

    model = Membership
    verbose_name = _("owner or moderator")
    verbose_name_plural = _("owner and moderators")
    fields = ["member", "role", "hearing", "joined_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        roles = [Membership.Role.OWNER, Membership.Role.MODERATOR]
        return (
            super().get_queryset(request).filter(role__in=roles).select_related("user")
        )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, required: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].help_text = _("The founders read it.")


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    """Hide (the founders are told why), show again, archive: the actions."""

    list_display = [
        "name",
        "status",
        "visibility",
        "joining",
        "member_count",
        "is_hidden",
        "opened_at",
    ]
    list_filter = [NewFilter, "status", "visibility", "joining", "is_hidden"]
    search_fields = ["name", "slug"]
    date_hierarchy = "opened_at"
    fields = [
        "name",
        "link",
        "purpose",
        "description",
        "subject",
        "region",
        "visibility",
        "joining",
        "status",
        "is_hidden",
        "founder",
        "members",
        "created_at",
        "opened_at",
        "last_activity_at",
        "archived_at",
    ]
    readonly_fields = fields
    inlines = [LeaderInline]
    actions = ["hide", "restore", "archive"]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        from circles.permissions import can_moderate_communities

        return can_moderate_communities(request.user)

    @admin.display(description=_("address"))
    def link(self, community: Community) -> str:
        url = community.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("members"))
    def members(self, community: Community) -> str:
        url = reverse("admin:circles_membership_changelist")
        return format_html(
            '<a href="{}?community__id__exact={}">{}</a>',
            url,
            community.pk,
            community.member_count,
        )

    def _with_reason(self, request, queryset, *, action, title, required, run):
        """Ask for the reason on a page of its own, then ``run`` each one."""
        form = ReasonForm(
            request.POST if "post" in request.POST else None, required=required
        )
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "communities": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/circles/community/reason_confirmation.html", context
            )
        self._each(request, queryset, lambda one: run(one, form.cleaned_data["reason"]))
        return None

    def _each(self, request, queryset, run) -> None:
        done = 0
        for community in queryset:
            try:
                run(community)
            except (ValidationError, PermissionDenied) as error:
                words = getattr(error, "messages", None) or [str(error)]
                self.message_user(
                    request, f"{community.name}: {' '.join(words)}", messages.ERROR
                )
            else:
                done += 1
        self.message_user(
            request, _("Done: %(count)d.") % {"count": done}, messages.SUCCESS
        )

    @admin.action(
        description=_("Hide (the founders are told why)"), permissions=["moderate"]
    )
    def hide(self, request: HttpRequest, queryset: QuerySet):
        from circles import services

        return self._with_reason(
            request,
            queryset,
            action="hide",
            title=_("Hide communities"),
            required=True,
            run=lambda community, reason: services.community_hide(
                community=community, moderator=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Show again"), permissions=["moderate"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        from circles import services

        self._each(
            request,
            queryset,
            lambda community: services.community_hide(
                community=community, moderator=request.user, reason="", hidden=False
            ),
        )

    @admin.action(description=_("Archive (read-only)"), permissions=["moderate"])
    def archive(self, request: HttpRequest, queryset: QuerySet):
        from circles import services

        return self._with_reason(
            request,
            queryset,
            action="archive",
            title=_("Archive communities"),
            required=False,
            run=lambda community, reason: services.community_archive(
                community=community, moderator=request.user, reason=reason
            ),
        )


@admin.register(Membership)
class MembershipAdmin(CommunityColumn, ReadOnlyAdmin):
    list_display = ["community_name", "member", "role", "hearing", "joined_at"]
    list_select_related = ["community", "user"]
    list_filter = ["role", "hearing"]
    search_fields = ["community__name", "user__email", "user__profile__display_name"]
    fields = ["community_name", "member", "role", "hearing", "joined_at"]
    readonly_fields = fields


@admin.register(JoinRequest)
class JoinRequestAdmin(CommunityColumn, ReadOnlyAdmin):
    list_display = ["community_name", "member", "status", "created_at", "decided_at"]
    list_select_related = ["community", "user"]
    list_filter = ["status"]
    search_fields = ["community__name", "user__email"]
    fields = [
        "community_name",
        "member",
        "message",
        "status",
        "reason",
        "decided_by",
        "created_at",
        "decided_at",
    ]
    readonly_fields = fields


@admin.register(Invitation)
class InvitationAdmin(CommunityColumn, ReadOnlyAdmin):
    """The link's secret (``token``) is never shown: it lets one in."""

    list_display = ["community_name", "member", "email", "purpose", "status"]
    list_select_related = ["community", "user"]
    list_filter = ["purpose", "status"]
    search_fields = ["community__name", "user__email", "email"]
    fields = [
        "community_name",
        "invited_by",
        "member",
        "email",
        "purpose",
        "status",
        "created_at",
        "answered_at",
    ]
    readonly_fields = fields


@admin.register(CommunityBan)
class CommunityBanAdmin(CommunityColumn, ReadOnlyAdmin):
    list_display = ["community_name", "member", "banned_by", "reason", "created_at"]
    list_select_related = ["community", "user", "banned_by"]
    search_fields = ["community__name", "user__email"]
    fields = ["community_name", "member", "banned_by", "reason", "created_at"]
    readonly_fields = fields


@admin.register(OwnershipOffer)
class OwnershipOfferAdmin(CommunityColumn, ReadOnlyAdmin):
    list_display = ["community_name", "to_user", "offered_by", "status", "created_at"]
    list_select_related = ["community", "to_user", "offered_by"]
    list_filter = ["status"]
    search_fields = ["community__name", "to_user__email"]
    fields = [
        "community_name",
        "to_user",
        "offered_by",
        "status",
        "created_at",
        "answered_at",
    ]
    readonly_fields = fields
