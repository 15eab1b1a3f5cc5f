from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# admin_tags replaces taggit's Tag admin with one that merges tags.
from community import admin_tags, digests  # noqa: F401
from community.changes import badge_shown_changed
from community.embed_previews import embed_preview_hide
from community.embeds import embed_provider_switch
from community.models import (
    AuditEntry,
    Badge,
    BadgeAward,
    DigestLog,
    EmbedPreview,
    EmbedProviderSetting,
    Grade,
    Heartbeat,
    Notification,
    Report,
    RequestTrace,
    Sanction,
    Subject,
)
from community.notifications import audit_action_choices, preferences
from community.privacy import private_content_type_ids
from community.reports import report_context_url


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
        "about",
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
        "about",
        "url",
        "count",
        "created_at",
        "updated_at",
        "read_at",
        "emailed_at",
        "digested_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("about"), ordering="target_title")
    def about(self, notification: Notification) -> str:
        # A private item's title (a conversation's subject) is its members' own.
        if notification.target_type_id in private_content_type_ids():
            return _("(private)")
        return notification.target_title

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        private = private_content_type_ids()
        if private:
            # Nor is a private item found by its title.
            for word in search_term.split():
                results = results.exclude(
                    target_type_id__in=private, target_title__icontains=word
                )
        return results, duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The member's own record, counted in their header: not for moderators
        # to remove (marking read is the member's).
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


class AuditActionFilter(admin.SimpleListFilter):
    """The actions on record, by name (of the many the apps register)."""

    title = _("action")
    parameter_name = "action__exact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        names = dict(audit_action_choices())
        codes = AuditEntry.objects.order_by().values_list("action", flat=True)
        return sorted(
            ((code, names.get(code, code)) for code in codes.distinct()),
            key=lambda choice: str(choice[1]),
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the services, never by hand."""

    list_display = ["created_at", "actor", "action", "target_title", "reason"]
    list_select_related = ["actor"]
    list_filter = [
        AuditActionFilter,
        ("target_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
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

    def get_prepopulated_fields(self, request: HttpRequest, obj=None):
        # A rule badge's key and name are read-only: the form has neither
        # field, so there is nothing to fill in (the admin would look for them).
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            field: sources
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if field not in readonly and not readonly.intersection(sources)
        }

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.is_manual = True
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            badge_shown_changed()  # its name, icon or address beside posts

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AwardForm(forms.ModelForm):
    class Meta:
        model = BadgeAward
        fields = ["badge", "user", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin leaves out the fields the user may only read.
        if "badge" in self.fields:
            self.fields["badge"].queryset = Badge.objects.filter(is_manual=True)
        if "reason" in self.fields:
            self.fields["reason"].required = True


class RevokeForm(forms.ModelForm):
    class Meta:
        model = BadgeAward
        fields = ["revoke_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Absent when the award is only read (revoked already, or view-only).
        if "revoke_reason" in self.fields:
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
        return ["badge", "user", "occurrence", "awarded_at", "awarded_by", "reason"]

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ["badge", "user", "reason"]
        fields = ["badge", "user", "occurrence", "awarded_at", "awarded_by", "reason"]
        return [*fields, "revoke_reason"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A revoked award stays on record as it was: it is only read.
        if obj is not None and obj.revoked_at is not None:
            return False
        return super().has_change_permission(request, obj)

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


class KindFilter(admin.RelatedOnlyFieldListFilter):
    """Only the kinds that have reports, named as the models are."""


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Open reports first; hide the item or dismiss, and the reporters hear."""

    list_display = ["created_at", "reason", "item", "text", "reporter", "status"]
    list_select_related = ["reporter", "target_type"]
    list_filter = ["status", "reason", ("target_type", KindFilter), "created_at"]
    search_fields = ["target_title", "text", "reporter__email"]
    readonly_fields = [
        "content",
        "context",
        *[field.name for field in Report._meta.fields],
    ]
    actions = ["hide_content", "dismiss"]

    @admin.display(description=_("item"), ordering="target_title")
    def item(self, report: Report):
        # A private item (a message) is read at its context page, on record.
        url = report_context_url(report) or report.target_url
        return format_html('<a href="{}">{}</a>', url, report.target_title)

    @admin.display(description=_("what was reported"))
    def content(self, report: Report):
        """The words as written, plain text: a preview, never the page's HTML.

        A private item's words (a message) are not here: the moderator reads
        them at its context page, which puts the reading on record."""
        if url := report_context_url(report):
            return format_html(
                '<a href="{}">{}</a>',
                url,
                _("Read the reported message and a few around it (on record)"),
            )
        target = report.target
        if target is None:
            return _("The item is gone.")
        for name in ("body", "text", "summary", "about", "description", "reason"):
            value = getattr(target, name, None)
            if isinstance(value, str) and value.strip():
                return format_html(
                    '<div class="reported-text">{}</div>',
                    Truncator(value).chars(2000),
                )
        return str(target)

    @admin.display(description=_("context"))
    def context(self, report: Report):
        """Where it was said, who wrote it and their record with the moderators."""
        from community.models import Sanction
        from community.reports import reportable_for_model

        target = report.target
        if target is None:
            return "—"
        kind = reportable_for_model(type(target))
        parts = [str(kind.label) if kind else target._meta.verbose_name]
        # Where a private item was said (a conversation) is not named here.
        private = kind is not None and kind.context_url is not None
        for name in () if private else ("topic", "post", "material", "masterclass"):
            parent = getattr(target, name, None)
            if isinstance(parent, models.Model):
                parts.append(f"{parent._meta.verbose_name}: «{parent}»")
                break
        owner_id = kind.owner_id(target) if kind else None
        if owner_id:
            author = get_user_model().objects.filter(pk=owner_id).first()
            sanctions = Sanction.objects.filter(member_id=owner_id).count()
            parts.append(
                _("author: %(author)s, in the network since %(joined)s")
                % {"author": author, "joined": date_format(author.date_joined)}
            )
            parts.append(
                _("their warnings and suspensions: %(count)d") % {"count": sanctions}
            )
        others = Report.objects.filter(
            target_type=report.target_type, target_id=report.target_id
        ).count()
        parts.append(_("reports on this item: %(count)d") % {"count": others})
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

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


class SanctionForm(forms.ModelForm):
    """Checked here as the service will check it, so errors show on the form."""

    class Meta:
        model = Sanction
        fields = ["member", "kind", "reason", "ends_at"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "ends_at": _("For a suspension only: when the member may write again."),
        }

    moderator = None

    def clean(self):
        from django.utils import timezone

        from community.sanctions import can_sanction

        data = super().clean()
        member = data.get("member")
        if member is not None and not can_sanction(self.moderator, member):
            self.add_error("member", _("You cannot give this member a sanction."))
        if data.get("kind") == Sanction.Kind.SUSPENSION:
            ends_at = data.get("ends_at")
            if ends_at is None or ends_at <= timezone.now():
                self.add_error("ends_at", _("A suspension needs an end in the future."))
        return data


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    """Warn, suspend or ban here; a given sanction is lifted, never edited."""

    form = SanctionForm
    list_display = [
        "created_at",
        "member",
        "kind",
        "ends_at",
        "lifted_at",
        "created_by",
    ]
    list_select_related = ["member", "created_by"]
    list_filter = ["kind", ("lifted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["member__email", "member__username", "reason"]
    autocomplete_fields = ["member"]
    actions = ["lift"]

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.moderator = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return []
        return [field.name for field in Sanction._meta.fields]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        from community.sanctions import sanction_give

        if change:
            return
        given = sanction_give(
            member=form.cleaned_data["member"],
            moderator=request.user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data.get("ends_at"),
        )
        obj.pk = given.pk
        obj.created_at = given.created_at

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Lift the selected sanctions"), permissions=["change"])
    def lift(self, request: HttpRequest, queryset: QuerySet) -> None:
        from django.core.exceptions import PermissionDenied

        from community.sanctions import sanction_lift

        done = 0
        for sanction in queryset.filter(lifted_at__isnull=True).select_related(
            "member"
        ):
            try:
                sanction_lift(
                    sanction=sanction,
                    moderator=request.user,
                    reason=str(_("lifted in the admin site")),
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("You cannot lift the sanction of %(member)s.")
                    % {"member": sanction.member},
                    messages.ERROR,
                )
            else:
                done += 1
        self.message_user(
            request,
            _("Sanctions lifted: %(count)d.") % {"count": done},
            messages.SUCCESS,
        )


@admin.register(RequestTrace)
class RequestTraceAdmin(admin.ModelAdmin):
    """Read-only: several accounts behind one address? Kept for a limited time."""

    list_display = ["created_at", "user", "action", "ip_address", "user_agent"]
    list_select_related = ["user"]
    list_filter = ["action", "created_at"]
    search_fields = ["ip_address", "user__email", "user__username"]
    readonly_fields = [field.name for field in RequestTrace._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(EmbedPreview)
class EmbedPreviewAdmin(admin.ModelAdmin):
    """What Kollegi fetched of each embedded link; a moderator hides one
    (it shows as a plain link everywhere) or shows it again."""

    list_display = ["__str__", "provider", "status", "fetched_at", "is_hidden"]
    list_filter = ["provider", "status", "is_hidden"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "key",
        "provider",
        "url",
        "title",
        "thumbnail",
        "status",
        "fetched_at",
        "claimed_at",
        "is_hidden",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["hide", "show"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by the texts that carry the links

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # hidden instead: the next text with the link makes it again

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        pass  # nothing here is edited by hand: the actions hide and show

    def _hidden_set(self, request: HttpRequest, queryset: QuerySet, *, hidden: bool):
        changed = sum(
            embed_preview_hide(preview=preview, hidden=hidden, by=request.user)
            for preview in queryset
        )
        self.message_user(
            request,
            _("Embedded links changed: %(count)d.") % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Hide the embed"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._hidden_set(request, queryset, hidden=True)

    @admin.action(description=_("Show again"), permissions=["change"])
    def show(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._hidden_set(request, queryset, hidden=False)


@admin.register(EmbedProviderSetting)
class EmbedProviderSettingAdmin(admin.ModelAdmin):
    """A switch per embedding service (``community.embeds``): off, its links
    stay plain links site-wide. Rows come from the registry after migrate."""

    list_display = ["name", "key", "is_enabled"]
    list_editable = ["is_enabled"]
    readonly_fields = ["key", "name"]
    fields = ["key", "name", "is_enabled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if "is_enabled" in form.changed_data:
            embed_provider_switch(
                key=obj.key, enabled=form.cleaned_data["is_enabled"], by=request.user
            )
