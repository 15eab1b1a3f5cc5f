from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = [
        "display_name",
        "school",
        "city",
        "region",
        "subjects",
        "grades",
        "time_zone",
        "language",
    ]
    filter_horizontal = ["subjects", "grades"]


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("e-mail confirmed")
    parameter_name = "email_verified"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        verified = EmailAddress.objects.filter(verified=True).values("user_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=verified)
        if self.value() == "no":
            return queryset.exclude(pk__in=verified)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = [
        "email",
        "display_name",
        "username",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_select_related = ["profile"]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        EmailVerifiedFilter,
        "profile__region",
        "date_joined",
    ]
    search_fields = [
        "email",
        "username",
        "first_name",
        "last_name",
        "profile__display_name",
        "profile__school",
        "profile__city",
    ]
    ordering = ["-date_joined"]
    actions = [
        "make_moderator",
        "make_expert",
        "revoke_moderator",
        "revoke_expert",
    ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Moderators may change users; without this they could tick
            # is_superuser on themselves. Roles go through the actions.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    def has_change_permission(
        self, request: HttpRequest, obj: User | None = None
    ) -> bool:
        # Nor may they set a superuser's password or e-mail and take the account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("display name"), ordering="profile__display_name")
    def display_name(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.display_name if profile else ""

    def _role_action(
        self, request: HttpRequest, queryset: QuerySet, role: str, grant: bool
    ) -> None:
        service = services.user_grant_role if grant else services.user_revoke_role
        for user in queryset:
            service(user=user, role=role)
        self.message_user(
            request,
            _("Roles updated for %(count)d members.") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Make moderators"), permissions=["change"])
    def make_moderator(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._role_action(request, queryset, services.MODERATORS, grant=True)

    @admin.action(description=_("Make experts"), permissions=["change"])
    def make_expert(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._role_action(request, queryset, services.EXPERTS, grant=True)

    @admin.action(description=_("Remove the moderator role"), permissions=["change"])
    def revoke_moderator(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._role_action(request, queryset, services.MODERATORS, grant=False)

    @admin.action(description=_("Remove the expert role"), permissions=["change"])
    def revoke_expert(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._role_action(request, queryset, services.EXPERTS, grant=False)
