from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community import digests
from community.models import (
    AuditEntry,
    Badge,
    BadgeAward,
    DigestLog,
    Grade,
    Heartbeat,
    Notification,
    Report,
    Subject,
)
from community.notifications import preferences


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_ru", "name_en", "slug"]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_ru", "name_en", "slug"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "kind",
        "target_title",
        "count",
        "updated_at",
        "read_at",
    ]
    list_select_related = ["recipient"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "updated_at"]
    search_fields = ["recipient__email", "recipient__username", "target_title", "kind"]
    date_hierarchy = "updated_at"
    readonly_fields = [
        "recipient",
        "kind",
        "actor",
        "target_title",
        "url",
        "count",
        "created_at",
        "updated_at",
        "read_at",
        "emailed_at",
        "digested_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "period",
        "period_start",
        "status",
        "notification_count",
        "sent_at",
    ]
    list_select_related = ["recipient"]
    list_filter = ["period", "status", "period_start"]
    search_fields = ["recipient__email", "recipient__username"]
    date_hierarchy = "period_start"
    readonly_fields = [*list_display, "created_at"]
    fields = readonly_fields
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send the digest again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        sent = 0
        for log in queryset.select_related("recipient"):
            result = digests.digest_send(
                user=log.recipient,
                language=preferences().language(log.recipient),
                period=log.period,
                period_start=log.period_start,
                force=True,
            )
            sent += result is not None and result.status == DigestLog.Status.SENT
        self.message_user(
            request,
            _("Digests sent again: %(count)d.") % {"count": sent},
            messages.SUCCESS,
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the services, never by hand."""

    list_display = ["created_at", "actor", "action", "target_title", "reason"]
    list_select_related = ["actor"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor__email", "actor__profile__display_name", "target_title"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_title",
        "reason",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    """Rule badges come from the apps; moderators add manual ones here."""

    list_display = ["key", "name", "tier", "is_manual", "repeatable"]
    list_filter = ["is_manual", "tier"]
    search_fields = ["key", "name"]
    prepopulated_fields = {"key": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and not obj.is_manual:
            return [
                "key",
                "name",
                "description",
                "icon",
                "tier",
                "repeatable",
                "is_manual",
            ]
        return ["is_manual"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.is_manual = True
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AwardForm(forms.ModelForm):
    class Meta:
        model = BadgeAward
        fields = ["badge", "user", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["badge"].queryset = Badge.objects.filter(is_manual=True)
        self.fields["reason"].required = True


class RevokeForm(forms.ModelForm):
    class Meta:
        model = BadgeAward
        fields = ["revoke_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke_reason"].required = True


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    """Award a manual badge with "Add"; to take one back, open it, write the
    reason and save (the award stays on record, with the audit log entry)."""

    list_display = ["badge", "user", "awarded_at", "awarded_by", "revoked_at"]
    list_select_related = ["badge", "user", "awarded_by"]
    list_filter = ["badge", "revoked_at"]
    search_fields = ["user__email", "user__profile__display_name", "reason"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = RevokeForm if obj is not None else AwardForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return []
        fields = ["badge", "user", "occurrence", "awarded_at", "awarded_by", "reason"]
        return [*fields, "revoke_reason"] if obj.revoked_at else fields

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ["badge", "user", "reason"]
        fields = ["badge", "user", "occurrence", "awarded_at", "awarded_by", "reason"]
        return [*fields, "revoke_reason"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from community import recognition

        try:
            if change:
                recognition.badge_revoke(
                    award=BadgeAward.objects.get(pk=obj.pk),
                    moderator=request.user,
                    reason=form.cleaned_data["revoke_reason"],
                )
                return
            award = recognition.badge_award_manual(
                badge=form.cleaned_data["badge"],
                user=form.cleaned_data["user"],
                moderator=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return
        obj.pk = award.pk


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Open reports first; hide the item or dismiss, and the reporters hear."""

    list_display = ["created_at", "reason", "target_title", "reporter", "status"]
    list_select_related = ["reporter"]
    list_filter = ["status", "reason", "target_type", "created_at"]
    search_fields = ["target_title", "text", "reporter__email"]
    readonly_fields = [field.name for field in Report._meta.fields]
    actions = ["hide_content", "dismiss"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _resolve(self, request: HttpRequest, queryset: QuerySet, *, hide: bool) -> None:
        from community import reporting

        done = 0
        for report in queryset.filter(status=Report.Status.OPEN):
            report.refresh_from_db()
            if report.status != Report.Status.OPEN:
                continue  # resolved with another report on the same item
            try:
                done += reporting.report_resolve(
                    report=report,
                    moderator=request.user,
                    hide=hide,
                    note=str(_("from the admin site")),
                )
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
        self.message_user(
            request,
            _("Reports resolved: %(count)d.") % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Hide the content"), permissions=["change"])
    def hide_content(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, hide=True)

    @admin.action(description=_("Dismiss: nothing wrong"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, hide=False)
