from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from forums import services
from forums.models import ModerationLog, Post, Section, Topic


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "parent",
        "subject",
        "is_informal",
        "position",
        "topic_count",
    ]
    list_editable = ["position"]
    list_filter = ["is_informal", "subject"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["moderators"]
    readonly_fields = ["topic_count", "post_count", "last_post_at"]
    # A community's section follows its community (who may read it, its
    # title, read-only once archived, its moderators): not set by hand here.
    _followed = ["title", "audience", "is_read_only", "moderators", "parent"]

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.readonly_fields, "audience", "is_read_only"]
        if obj is not None and obj.group_id is not None:
            fields += [name for name in self._followed if name not in fields]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.group_id is not None:
            return {}
        return super().get_prepopulated_fields(request, obj)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "section",
        "author",
        "kind",
        "is_pinned",
        "is_locked",
        "is_hidden",
        "last_post_at",
    ]
    list_select_related = ["section", "author"]
    list_filter = ["kind", "is_pinned", "is_locked", "is_hidden", "section"]
    search_fields = ["title", "author__email", "author__profile__display_name"]
    date_hierarchy = "last_post_at"
    readonly_fields = [field.name for field in Topic._meta.fields]
    actions = ["pin", "lock", "unlock", "hide", "unhide", "merge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _moderate(
        self, request: HttpRequest, queryset: QuerySet, **flags: bool
    ) -> None:
        for topic in queryset.select_related("section"):
            services.topic_moderate(
                topic=topic,
                moderator=request.user,
                reason=str(_("from the admin site")),
                **flags,
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Pin"), permissions=["change"])
    def pin(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, pinned=True)

    @admin.action(description=_("Close for replies"), permissions=["change"])
    def lock(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, locked=True)

    @admin.action(description=_("Reopen for replies"), permissions=["change"])
    def unlock(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, locked=False)

    @admin.action(description=_("Hide"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, hidden=True)

    @admin.action(description=_("Show again"), permissions=["change"])
    def unhide(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, hidden=False)

    @admin.action(
        description=_("Merge into the oldest selected topic"), permissions=["change"]
    )
    def merge(self, request: HttpRequest, queryset: QuerySet) -> None:
        topics = list(queryset.select_related("section").order_by("created_at", "pk"))
        if len(topics) < 2:
            self.message_user(
                request, _("Choose at least two topics to merge."), messages.ERROR
            )
            return
        target = topics[0]
        try:
            for source in topics[1:]:
                services.topic_merge(
                    source=source,
                    target=target,
                    moderator=request.user,
                    reason=str(_("from the admin site")),
                )
        except PermissionDenied:
            self.message_user(
                request,
                _("You do not moderate every section of these topics."),
                messages.ERROR,
            )
            return
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return
        self.message_user(request, _("The topics are merged."), messages.SUCCESS)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "topic",
        "author",
        "is_hidden",
        "is_deleted",
        "created_at",
    ]
    list_select_related = ["topic", "author"]
    list_filter = ["is_pending", "is_hidden", "is_deleted"]
    search_fields = ["body", "author__email", "topic__title"]
    readonly_fields = [field.name for field in Post._meta.fields]
    actions = ["approve", "reject", "hide", "restore"]

    @admin.action(description=_("Approve (publish)"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset.filter(is_pending=True).select_related("topic__section"):
            services.post_approve(post=post, moderator=request.user)
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset.filter(is_pending=True).select_related("topic__section"):
            services.post_reject(
                post=post, moderator=request.user, reason=str(_("from the admin site"))
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Posts are hidden, not deleted: a topic's posts stay numbered 1..n
        # without gaps (its pages are ranges of numbers) and counted.
        return False

    @admin.action(description=_("Hide"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset.select_related("topic__section"):
            services.post_hide(
                post=post, moderator=request.user, reason=str(_("from the admin site"))
            )

    @admin.action(description=_("Show again"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset.select_related("topic__section"):
            services.post_hide(
                post=post,
                moderator=request.user,
                reason=str(_("from the admin site")),
                hidden=False,
            )


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "topic", "post", "reason"]
    list_select_related = ["moderator", "topic", "post"]
    list_filter = ["action", "created_at"]
    search_fields = ["moderator__email", "topic__title", "reason"]
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
