from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from masterclasses import services
from masterclasses.models import Certificate, MasterClass, Registration, TrustedHost
from masterclasses.permissions import can_moderate_masterclasses


@admin.register(MasterClass)
class MasterClassAdmin(admin.ModelAdmin):
    """Proposals wait under the filter "awaiting approval".

    Approve with the action; to return one, write the moderator's comment on
    its page and save (the host is told).
    """

    list_display = [
        "title",
        "host",
        "status",
        "format",
        "starts_at",
        "registered_count",
        "is_hidden",
    ]
    list_select_related = ["host"]
    list_filter = ["status", "is_hidden", "format", "subject"]
    search_fields = ["title", "host__email", "host__profile__display_name"]
    date_hierarchy = "starts_at"
    exclude = ["grades", "cohosts", "materials"]
    actions = ["approve", "hide_selected", "show_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_masterclasses(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for masterclass in queryset:
            services.masterclass_hide(
                masterclass=masterclass, moderator=request.user, reason=""
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for masterclass in queryset:
            services.masterclass_hide(
                masterclass=masterclass, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Approve and publish"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for masterclass in queryset.filter(status=MasterClass.Status.PROPOSED):
            services.masterclass_approve(
                masterclass=masterclass, moderator=request.user
            )
            done += 1
        self.message_user(
            request, _("Published: %(count)d.") % {"count": done}, messages.SUCCESS
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = [field.name for field in MasterClass._meta.fields]
        if obj is not None and obj.status == MasterClass.Status.PROPOSED:
            fields.remove("return_note")  # write what to change, then save
        return fields

    def save_model(self, request, obj, form, change) -> None:
        if "return_note" not in form.changed_data:
            return
        try:
            services.masterclass_return(
                masterclass=MasterClass.objects.get(pk=obj.pk),
                moderator=request.user,
                note=obj.return_note,
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["masterclass", "user", "status", "attended", "created_at"]
    list_select_related = ["masterclass", "user"]
    list_filter = ["status", "attended"]
    search_fields = ["masterclass__title", "user__email"]
    readonly_fields = [field.name for field in Registration._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TrustedHost)
class TrustedHostAdmin(admin.ModelAdmin):
    """Hosts whose master-classes need no approval."""

    list_display = ["user", "granted_by", "created_at"]
    list_select_related = ["user", "granted_by"]
    fields = ["user"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        services.trusted_host_set(user=obj.user, moderator=request.user, trusted=True)
        obj.pk = TrustedHost.objects.get(user=obj.user).pk

    def delete_model(self, request, obj) -> None:
        services.trusted_host_set(user=obj.user, moderator=request.user, trusted=False)

    def delete_queryset(self, request, queryset) -> None:
        for trusted in queryset.select_related("user"):
            self.delete_model(request, trusted)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "masterclass", "kind", "issued_at"]
    list_select_related = ["user", "masterclass"]
    list_filter = ["kind"]
    search_fields = ["number", "code", "holder_name", "masterclass__title"]
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
