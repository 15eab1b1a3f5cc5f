from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from community.vocabulary import DEFAULT_TIME_ZONE, RUSSIAN_TIME_ZONES, Region


class UserManager(AuthUserManager):
    """Django's, refusing an address another account has in any case (the
    unique constraint would refuse it with an error). Members and
    administrators are made by ``accounts.services`` (``member_create``,
    ``superuser_create``), which also give them a profile and a confirmed
    address."""

    def _check_email_free(self, email: str | None) -> None:
        if email and self.filter(email__iexact=self.normalize_email(email)).exists():
            raise ValidationError(
                _("This e-mail address is already taken."), code="taken"
            )

    def create_user(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: object,
    ) -> "User":
        self._check_email_free(email)
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: object,
    ) -> "User":
        self._check_email_free(email)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A member's sign-in identity; everything a member shows others is on Profile."""

    email = models.EmailField(_("e-mail address"), blank=True)
    # Visits: "new since my last visit" counts from ``previous_visit_at``.
    last_seen_at = models.DateTimeField(
        _("last time on the site"), null=True, blank=True
    )
    previous_visit_at = models.DateTimeField(_("previous visit"), null=True, blank=True)
    # Copied from the member's sanctions (community.sanctions): every page
    # knows without a query whether the member may write. A ban is open-ended.
    restricted_until = models.DateTimeField(
        _("may not write until"), null=True, blank=True, editable=False
    )
    has_unread_warning = models.BooleanField(
        _("has an unread warning"), default=False, editable=False
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # One account per address, whatever its case; blank only for
            # accounts made without one (a social login that gave none).
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    MEMBERS = "members", _("members only")
    NOBODY = "nobody", _("no one")


def school_key(school: str) -> str:
    """«МБОУ СОШ № 5» and «мбоу сош №5 » give the same key."""
    return "".join(school.casefold().split())


class Profile(models.Model):
    """What a member shows colleagues: name, school, subjects, and preferences."""

    class Category(models.TextChoices):
        NONE = "", _("no category")
        CONFORMITY = "conformity", _("conformity with the post held")
        FIRST = "first", _("first category")
        HIGHEST = "highest", _("highest category")

    class DigestFrequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        NEVER = "never", _("never")

    class TextSize(models.TextChoices):
        # Each is a class on every page's <html> (``text-size-<value>``), which
        # scales the root font size and so the whole layout.
        STANDARD = "standard", _("standard")
        LARGE = "large", _("large")
        LARGER = "larger", _("larger")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    avatar = models.ImageField(
        _("avatar"), upload_to="avatars/%Y/%m/", blank=True, max_length=200
    )
    about = models.TextField(_("about me"), blank=True, max_length=5000)
    about_html = models.TextField(_("about me, as shown"), editable=False, blank=True)
    school = models.CharField(_("school"), max_length=200, blank=True)
    # The school folded for comparison («Лицей № 1» and «лицей №1 » match):
    # SQLite cannot fold Cyrillic case, so the fold is stored.
    school_key = models.CharField(
        _("school, for comparison"),
        max_length=200,
        blank=True,
        db_index=True,
        editable=False,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(
        _("region"), max_length=40, choices=Region.choices, blank=True
    )
    subjects = models.ManyToManyField(
        "community.Subject",
        blank=True,
        related_name="profiles",
        verbose_name=_("subjects taught"),
    )
    grades = models.ManyToManyField(
        "community.Grade",
        blank=True,
        related_name="profiles",
        verbose_name=_("grades"),
    )
    category = models.CharField(
        _("qualification category"),
        max_length=16,
        choices=Category.choices,
        blank=True,
    )
    is_methodist = models.BooleanField(_("teacher-methodist"), default=False)
    is_mentor = models.BooleanField(_("teacher-mentor"), default=False)
    experience_years = models.PositiveSmallIntegerField(
        _("years of teaching experience"), null=True, blank=True
    )
    interests = TaggableManager(
        _("interests"), blank=True, help_text=_("Comma-separated, e.g. robotics.")
    )
    # Privacy: who sees the contact e-mail, the school and the city/region.
    email_visibility = models.CharField(
        _("who sees my e-mail"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    school_visibility = models.CharField(
        _("who sees my school"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    location_visibility = models.CharField(
        _("who sees my city and region"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.EVERYONE,
    )
    listed_in_directory = models.BooleanField(
        _("show me in the member directory"), default=True
    )
    indexable = models.BooleanField(
        _("let search engines index my profile"), default=True
    )
    rankings_opt_out = models.BooleanField(
        _("leave me out of the members of the month"), default=False
    )
    # Hidden by a moderator (or by colleagues' reports): others see the name only.
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    digest_frequency = models.CharField(
        _("digest"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    # Set when the member deleted the account: the name shows as "deleted member".
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=RUSSIAN_TIME_ZONES,
        default=DEFAULT_TIME_ZONE,
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    text_size = models.CharField(
        _("text size"),
        max_length=10,
        choices=TextSize.choices,
        default=TextSize.STANDARD,
        help_text=_("On every page of the site, for this account."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["display_name"]
        indexes = [models.Index(fields=["display_name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(experience_years__lte=70),
                name="accounts_profile_experience_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_name

    def save(self, *args, **kwargs) -> None:
        self.school_key = school_key(self.school)
        if (
            kwargs.get("update_fields") is not None
            and "school" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "school_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.user.get_absolute_url()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def shown_name(self) -> str:
        """The name colleagues see; a deleted account keeps its posts, not its name."""
        return str(_("deleted member")) if self.is_deleted else self.display_name


class Follow(models.Model):
    """``follower`` follows ``followee``: the feed and notifications read this."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="following_set",
        verbose_name=_("follower"),
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follower_set",
        verbose_name=_("followed member"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "followee"], name="accounts_follow_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")),
                name="accounts_follow_not_self",
            ),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


class Block(models.Model):
    """``blocker`` blocked ``blocked``: folded content, no mentions, no messages."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blocking_set",
        verbose_name=_("member who blocks"),
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blocked_by_set",
        verbose_name=_("blocked member"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"], name="accounts_block_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")),
                name="accounts_block_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Bookmark(models.Model):
    """A private bookmark on anything registered as bookmarkable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bookmarks",
        verbose_name=_("member"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"],
                name="accounts_bookmark_once",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.content_type_id}/{self.object_id}"


class NotificationSetting(models.Model):
    """How one kind of notification reaches the member; no row means the default."""

    class Kind(models.TextChoices):
        REPLIES = "replies", _("replies to my posts")
        MENTIONS = "mentions", _("mentions of me")
        REVIEWS = "reviews", _("reviews of my materials")
        MASTERCLASSES = "masterclasses", _("master-classes")
        FOLLOWERS = "followers", _("new followers")
        RECOGNITION = "recognition", _("badges")
        COMMUNITIES = "communities", _("communities")
        MESSAGES = "messages", _("messages")
        COURSES = "courses", _("courses")
        GROWTH = "growth", _("my path")
        CONTESTS = "contests", _("contests and projects")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("by e-mail at once")
        DIGEST = "digest", _("in the digest")
        SITE = "site", _("on the site only")
        OFF = "off", _("off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    # Web push to the member's devices: None follows ``PUSH_DEFAULTS``.
    push = models.BooleanField(_("push to devices"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="accounts_notification_setting_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.delivery}"


# What a member gets before choosing: the things addressed to them at once,
# the rest in the digest.
NOTIFICATION_DEFAULTS = {
    NotificationSetting.Kind.REPLIES: NotificationSetting.Delivery.EMAIL,
    NotificationSetting.Kind.MENTIONS: NotificationSetting.Delivery.EMAIL,
    NotificationSetting.Kind.REVIEWS: NotificationSetting.Delivery.EMAIL,
    NotificationSetting.Kind.MASTERCLASSES: NotificationSetting.Delivery.DIGEST,
    NotificationSetting.Kind.FOLLOWERS: NotificationSetting.Delivery.SITE,
    NotificationSetting.Kind.RECOGNITION: NotificationSetting.Delivery.SITE,
    # Invitations, requests to join and their answers wait for the member.
    NotificationSetting.Kind.COMMUNITIES: NotificationSetting.Delivery.EMAIL,
    # Messages to the member (never a request, which waits unseen).
    NotificationSetting.Kind.MESSAGES: NotificationSetting.Delivery.EMAIL,
    # Courses as master-classes: the digest; deadlines are urgent kinds.
    NotificationSetting.Kind.COURSES: NotificationSetting.Delivery.DIGEST,
    # My path: a mentor's invitation, answer, comment or confirmation is
    # addressed to the member; so are her reminders.
    NotificationSetting.Kind.GROWTH: NotificationSetting.Delivery.EMAIL,
    # Contests and projects as courses: the digest; deadlines are urgent kinds.
    NotificationSetting.Kind.CONTESTS: NotificationSetting.Delivery.DIGEST,
}

# Web push before the member chooses (on a device she turned it on for):
# the time-bound kinds — master-class reminders, messages, review and course
# deadlines.
PUSH_DEFAULTS = frozenset(
    {
        NotificationSetting.Kind.MASTERCLASSES,
        NotificationSetting.Kind.MESSAGES,
        NotificationSetting.Kind.REVIEWS,
        NotificationSetting.Kind.COURSES,
    }
)


class BlogPostQuerySet(models.QuerySet):
    def published(self) -> "BlogPostQuerySet":
        """What everyone sees: published, and not hidden by a moderator."""
        return self.filter(status=BlogPost.Status.PUBLISHED, is_hidden=False)

    def visible_to(self, user, *, moderator: bool = False) -> "BlogPostQuerySet":
        """Published posts for everyone; the author also sees own drafts and
        hidden posts; a ``moderator`` also sees others' hidden ones."""
        shown = models.Q(status=BlogPost.Status.PUBLISHED)
        if not moderator:
            shown &= models.Q(is_hidden=False)
        if user.is_authenticated:
            return self.filter(shown | models.Q(author=user))
        return self.filter(shown)


class BlogPost(models.Model):
    """A post in a member's blog, in Markdown, rendered once when saved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blog_posts",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, allow_unicode=False)
    body = models.TextField(_("text"), max_length=50_000)
    body_html = models.TextField(_("text, as shown"), editable=False)
    tags = TaggableManager(_("tags"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comments_closed = models.BooleanField(_("comments closed"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BlogPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "slug"], name="accounts_blogpost_slug_per_author"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(published_at__isnull=False),
                name="accounts_blogpost_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "status", "-published_at"]),
            models.Index(fields=["status", "-published_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "accounts:post_detail",
            kwargs={"username": self.author.username, "slug": self.slug},
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class BlogComment(models.Model):
    """A member's comment under a blog post."""

    post = models.ForeignKey(
        BlogPost,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("post"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blog_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=10_000)
    body_html = models.TextField(_("text, as shown"), editable=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return _("Comment on %(title)s") % {"title": self.post.title}

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"


def user_display(user) -> str:
    """How allauth names a member in its messages and e-mails: the display name."""
    try:
        return user.profile.display_name or user.email
    except Profile.DoesNotExist:
        return user.email or user.username
