from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.changes import member_card_changed
from accounts.models import BlogComment, BlogPost, Profile, User
from accounts.permissions import can_moderate_blogs, can_moderate_profiles
from accounts.roles import STAFF_ROLES
from accounts.selectors import email_taken


class ProfileInline(admin.StackedInline):
    """The profile at a glance; it is edited on its own page, through the service.

    An editable inline would save the profile directly and skip what
    ``profile_update`` guarantees (the rendered "about", the checks).
    """

    model = Profile
    can_delete = False
    fields = [
        "profile_link",
        "display_name",
        "school",
        "city",
        "region",
        "category",
        "is_methodist",
        "is_mentor",
        "experience_years",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # Profiles come with accounts (services.profile_ensure).

    @admin.display(description=_("profile"))
    def profile_link(self, profile: Profile) -> str:
        url = reverse("admin:accounts_profile_change", args=[profile.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit profile"))


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


class MemberCreationForm(forms.ModelForm):
    """A member added in the admin signs in by e-mail at once, as members do.

    The account is made by ``services.member_create``: a profile, the address
    primary and confirmed (allauth lets no one in with an unconfirmed one),
    a username made from the address. Without a password the member sets one
    through "forgot your password".
    """

    display_name = forms.CharField(label=_("name shown to members"), max_length=100)
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave both empty: the member sets a password through "
            "“Forgot your password?”."
        ),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email_taken(email):
            raise forms.ValidationError(
                _("This e-mail address is already taken."), code="taken"
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit: bool = True) -> User:
        # Made whole by the service whatever ``commit`` says: the admin then
        # saves it once more, unchanged, and has no many-to-many to add.
        user = services.member_create(
            email=self.cleaned_data["email"],
            password=self.cleaned_data.get("password1") or None,
            display_name=self.cleaned_data["display_name"],
        )
        self.instance = user
        self.save_m2m = lambda: None
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    add_form = MemberCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "password1", "password2"],
            },
        )
    ]
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
        "erase_accounts",
    ]

    def get_inlines(self, request: HttpRequest, obj: User | None):
        # Adding, the profile is made by the service from the form's name.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(
                (_("Record with the moderators"), {"fields": ["moderation_record"]})
            )
        return fieldsets

    @admin.display(description=_("sanctions"))
    def moderation_record(self, user: User):
        """The member's warnings and suspensions, and a link to give one."""
        from community.models import Sanction
        from community.sanctions import FOREVER, is_restricted

        given = Sanction.objects.filter(member=user).count()
        if not is_restricted(user):
            state = _("may write")
        elif user.restricted_until == FOREVER:
            state = _("banned")
        else:
            state = _("suspended until %(until)s") % {
                "until": date_format(
                    timezone.localtime(user.restricted_until), "DATETIME_FORMAT"
                )
            }
        return format_html(
            '{} — <a href="{}?member__id__exact={}">{}</a> · '
            '<a href="{}?member={}">{}</a>',
            state,
            reverse("admin:community_sanction_changelist"),
            user.pk,
            _("all sanctions: %(count)d") % {"count": given},
            reverse("admin:community_sanction_add"),
            user.pk,
            _("warn, suspend or ban"),
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: User | None = None
    ) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        readonly.append("moderation_record")
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

    def has_delete_permission(
        self, request: HttpRequest, obj: User | None = None
    ) -> bool:
        # Deleting the row would take the member's posts, comments and
        # materials with it (and leave gaps in topics' numbering): accounts
        # are erased through the service instead (the action below).
        return False

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Delete accounts (their posts stay, as a deleted member's)"),
        permissions=["erase"],
    )
    def erase_accounts(self, request: HttpRequest, queryset: QuerySet):
        # Not oneself, nor an account erased already; asked once more first.
        accounts = list(
            queryset.exclude(pk=request.user.pk)
            .filter(is_active=True)
            .select_related("profile")
            .order_by("email", "pk")
        )
        if not accounts:
            self.message_user(request, _("No account to delete."), messages.WARNING)
            return None
        if request.POST.get("post") == "yes":
            for user in accounts:
                services.account_delete(user=user)
            self.message_user(
                request,
                _("Accounts deleted: %(count)d.") % {"count": len(accounts)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete accounts"),
            "opts": self.model._meta,
            "accounts": accounts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/accounts/user/erase_confirmation.html", context
        )

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "username" in form.changed_data:
            member_card_changed(obj.pk)  # the address of their name by their posts

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


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "user_email",
        "school",
        "region",
        "category",
        "is_methodist",
        "is_mentor",
        "is_hidden",
    ]
    list_select_related = ["user"]
    search_fields = [
        "display_name",
        "user__email",
        "user__username",
        "school",
        "city",
        "region",
    ]
    list_filter = [
        "category",
        "subjects",
        "grades",
        "region",
        "is_methodist",
        "is_mentor",
        "listed_in_directory",
        "is_hidden",
    ]
    fields = [
        "user",
        "display_name",
        "about",
        "school",
        "city",
        "region",
        "subjects",
        "grades",
        "category",
        "is_methodist",
        "is_mentor",
        "experience_years",
        "email_visibility",
        "school_visibility",
        "location_visibility",
        "listed_in_directory",
        "indexable",
        "is_hidden",
        "deleted_at",
    ]
    readonly_fields = ["user", "is_hidden", "deleted_at"]
    filter_horizontal = ["subjects", "grades"]
    actions = ["hide_selected", "show_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Profiles come with accounts.

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_profiles(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for profile in queryset:
            services.profile_hide(profile=profile, moderator=request.user, reason="")
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for profile in queryset:
            services.profile_hide(
                profile=profile, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    def save_model(
        self, request: HttpRequest, obj: Profile, form: object, change: bool
    ) -> None:
        # The "about" HTML is rendered by the service, as on the site.
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        m2m = {
            name: changed.pop(name)
            for name in ("subjects", "grades")
            if name in changed
        }
        privacy = {
            name: changed.pop(name)
            for name in services.PRIVACY_FIELDS
            if name in changed
        }
        fresh = Profile.objects.get(pk=obj.pk)
        services.profile_update(profile=fresh, editor=request.user, **m2m, **changed)
        if privacy:
            services.profile_privacy_update(profile=fresh, **privacy)

    def save_related(
        self, request: HttpRequest, form: object, formsets: list, change: bool
    ) -> None:
        pass  # Subjects and grades were set by the service in save_model().

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def user_email(self, profile: Profile) -> str:
        return profile.user.email


@admin.register(BlogPost)
class BlogPostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "status",
        "is_hidden",
        "published_at",
        "comment_count",
    ]
    list_select_related = ["author"]
    list_filter = ["status", "is_hidden", "comments_closed", "published_at"]
    search_fields = ["title", "body", "author__email", "author__profile__display_name"]
    readonly_fields = ["author", "slug", "body_html", "published_at", "comment_count"]
    fields = [
        "author",
        "title",
        "slug",
        "body",
        "status",
        "comments_closed",
        "is_hidden",
        "published_at",
    ]
    date_hierarchy = "published_at"
    actions = ["hide_selected", "show_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # Moderators read and delete; members write their own posts.

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_blogs(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset:
            services.post_hide(post=post, moderator=request.user, reason="")
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset:
            services.post_hide(
                post=post, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: BlogPost) -> None:
        services.post_delete(post=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset:
            services.post_delete(post=post, actor=request.user)


@admin.register(BlogComment)
class BlogCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "post", "author", "is_hidden", "created_at"]
    list_select_related = ["post", "author"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__email", "post__title"]
    readonly_fields = ["post", "author", "body", "is_hidden", "created_at"]
    fields = readonly_fields
    actions = ["hide_selected", "show_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate_blogs(request.user)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for comment in queryset.select_related("post"):
            services.comment_hide(comment=comment, moderator=request.user, reason="")
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for comment in queryset.select_related("post"):
            services.comment_hide(
                comment=comment, moderator=request.user, reason="", hidden=False
            )
        self.message_user(request, _("Done."), messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: BlogComment) -> None:
        services.comment_delete(comment=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for comment in queryset.select_related("post"):
            services.comment_delete(comment=comment, actor=request.user)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """A staff role's group keeps its stored name: the code finds the role by it."""

    readonly_fields = ["role"]

    def get_fields(self, request: HttpRequest, obj: Group | None = None) -> list:
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.name in STAFF_ROLES:
            fields[fields.index("name")] = "role"
        return fields

    @admin.display(description=_("name"))
    def role(self, group: Group) -> str:
        return str(group)
