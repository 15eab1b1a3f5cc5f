from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from materials import services
from materials.models import Collection, Material, MaterialFile, MaterialVersion, Rating


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
        # The one editable field goes through the service (and its side effects).
        hidden = obj.is_hidden
        obj.is_hidden = Material.objects.get(pk=obj.pk).is_hidden
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
