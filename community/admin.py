from django.contrib import admin

from community.models import Grade, Heartbeat, Subject


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
