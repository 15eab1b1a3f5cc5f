from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from community.audience import Audience


class Section(models.Model):
    """A forum section; sections nest two levels deep and may belong to a subject."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent section"),
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    is_informal = models.BooleanField(_("informal"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_sections",
        verbose_name=_("section moderators"),
    )
    topic_count = models.PositiveIntegerField(_("topics"), default=0)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    # Who may read its topics (``community.audience``): a community's section
    # belongs to that group (``group_id``, the community's pk) and is kept in
    # step with the community's visibility by the communities' services.
    audience = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.EVERYONE,
    )
    group_id = models.PositiveBigIntegerField(
        _("community"), null=True, blank=True, db_index=True, editable=False
    )
    # Read-only (an archived community's section): no new topics or replies.
    is_read_only = models.BooleanField(_("read-only"), default=False)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:section", kwargs={"slug": self.slug})


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TopicQuerySet":
        """Hidden topics only for moderators (the caller checks them)."""
        return self.filter(is_hidden=False)


class Topic(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("discussion")
        QUESTION = "question", _("question")

    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="topics",
        verbose_name=_("section"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=Kind.choices, default=Kind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200)
    tags = TaggableManager(_("tags"), blank=True)
    accepted_post = models.OneToOneField(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted answer"),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # A new member's topic waits for a moderator before others see it.
    is_pending = models.BooleanField(_("awaiting moderation"), default=False)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    last_post_at = models.DateTimeField(_("last post"), db_index=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last poster"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A topic merged into another keeps its address, which leads to the other.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-is_pinned", "-last_post_at"]
        indexes = [
            models.Index(fields=["section", "-is_pinned", "-last_post_at"]),
            models.Index(fields=["kind", "accepted_post"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:topic", kwargs={"pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION


class Post(models.Model):
    """One message in a topic; the first post is the topic's opening text."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_posts",
        verbose_name=_("author"),
    )
    # The post's place in its topic, from 1: permalinks find their page with it.
    number = models.PositiveIntegerField(_("number"))
    body = models.TextField(_("text"), max_length=20_000)
    body_html = models.TextField(_("text, as shown"), editable=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    is_pending = models.BooleanField(_("awaiting moderation"), default=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    thanks_count = models.PositiveIntegerField(_("thanks"), default=0)
    useful_count = models.PositiveIntegerField(_("marked useful"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Claimed by the fan-out that tells watchers, mentioned members and the
    # quoted author, in the transaction that tells them: a second delivery
    # finds it set. One fan-out claims every post of its topic still waiting.
    notified_at = models.DateTimeField(
        _("watchers told"), null=True, blank=True, editable=False
    )
    # The post this reply quoted (its author hears of it, and is not told of
    # the reply a second time as a watcher).
    quoted = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("quoted post"),
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="forums_post_number_once"
            ),
        ]
        indexes = [
            # The sweep of posts nobody was told about (post_fanouts_sweep).
            models.Index(
                fields=["created_at"],
                name="forums_post_untold",
                condition=models.Q(notified_at__isnull=True, is_pending=False),
            ),
            # A topic's posts waiting for their fan-out (topic_fanout): the
            # few not told yet, not every post of a long topic.
            models.Index(
                fields=["topic"],
                name="forums_post_untold_in_topic",
                condition=models.Q(notified_at__isnull=True, is_pending=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post", kwargs={"pk": self.pk})


class PostRevision(models.Model):
    """An earlier version of a post, kept when it is edited."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    body = models.TextField(_("earlier text"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("edited"), auto_now_add=True)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", _("thank you")
        USEFUL = "useful", _("useful")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="forums_reaction_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.post_id}"


class TopicRead(models.Model):
    """How far a member has read a topic: the number of the last post seen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_read_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forums_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to {self.last_read_number}"


class TopicWatch(models.Model):
    """A member hears about new replies in a topic."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched topic")
        verbose_name_plural = _("watched topics")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forums_watch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.topic_id}"


class ModerationLog(models.Model):
    """Every moderator action on the forums, with who, what and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", pgettext_lazy("moderation", "approved")
        REJECT = "reject", pgettext_lazy("moderation", "rejected")
        EDIT = "edit", pgettext_lazy("moderation", "edited by a moderator")
        DELETE = "delete", pgettext_lazy("moderation", "deleted")
        HIDE = "hide", pgettext_lazy("moderation", "hidden")
        RESTORE = "restore", pgettext_lazy("moderation", "shown again")
        HIDE_AUTOMATIC = (
            "hide_automatic",
            pgettext_lazy("moderation", "hidden automatically"),
        )
        RESTORE_AUTOMATIC = (
            "restore_automatic",
            pgettext_lazy("moderation", "shown again automatically"),
        )
        PIN = "pin", pgettext_lazy("moderation", "pinned")
        UNPIN = "unpin", pgettext_lazy("moderation", "unpinned")
        LOCK = "lock", pgettext_lazy("moderation", "closed for replies")
        UNLOCK = "unlock", pgettext_lazy("moderation", "reopened for replies")
        UNHIDE = "unhide", pgettext_lazy("moderation", "shown again")
        MOVE = "move", pgettext_lazy("moderation", "moved to another section")
        MERGE = "merge", pgettext_lazy("moderation", "merged")
        SPLIT = "split", pgettext_lazy("moderation", "split")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("post"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.get_action_display())


class SectionWatch(models.Model):
    """A member hears about new topics in a section."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched section")
        verbose_name_plural = _("watched sections")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"], name="forums_section_watch_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches section {self.section_id}"


class TagWatch(models.Model):
    """A member hears about new topics carrying a tag, in any section."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(
        "taggit.Tag", on_delete=models.CASCADE, related_name="forum_watches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watched tag")
        verbose_name_plural = _("watched tags")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tag"], name="forums_tag_watch_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches tag {self.tag_id}"
