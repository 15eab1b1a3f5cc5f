from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from community.notifications import audit_action_choices


class Subject(models.Model):
    """A school subject or speciality: the shared vocabulary of every section."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "ru").startswith("en") else self.name_ru
        )


class Grade(models.Model):
    """A level taught: preschool, grades 1 to 11, college, additional education."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return (
            self.name_en if (get_language() or "ru").startswith("en") else self.name_ru
        )


class Heartbeat(models.Model):
    """When a background process last proved it runs (shown by /healthz)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name


class OutboxTask(models.Model):
    """A task the broker did not take when it was enqueued (``community.outbox``).

    Sent again by the outbox sweep once the broker answers, then deleted.
    """

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Taken by a sweep until then (a sweep that died lets it go at that time).
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a member should hear about; repeats of one kind on one item group.

    The text is built when shown, in the reader's language, from the kind's
    registered messages (community.notifications), the actor and the target's
    title kept here.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("type of item"),
    )
    target_id = models.PositiveBigIntegerField(_("item number"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_title = models.CharField(_("about"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=500)
    # Unread notifications with the same key are one line: "3 new comments on …".
    group_key = models.CharField(_("grouping key"), max_length=120, blank=True)
    count = models.PositiveIntegerField(_("how many"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last event"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # An e-mail is owed since ``email_queued_at`` (set by ``notify``); the task
    # sending it claims the row first (``email_claimed_at``), so a lost or
    # killed task is sent again by the sweep, and never twice.
    email_queued_at = models.DateTimeField(_("e-mail queued"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("e-mail claimed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)
    # A push to the member's devices is owed from ``push_due_at`` (now, or the
    # next morning after quiet hours); the task claims the row first
    # (``push_claimed_at``) and notes ``pushed_at``; the sweep sends what a
    # lost task did not, and a repeat of the group owes a new push.
    push_due_at = models.DateTimeField(_("push due"), null=True, blank=True)
    push_claimed_at = models.DateTimeField(_("push claimed"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-updated_at"]),
            models.Index(fields=["recipient", "group_key", "read_at"]),
            # The sweep of e-mails owed (services.notification_emails_sweep).
            models.Index(
                fields=["email_queued_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="community_notification_owed",
            ),
            # The sweep of pushes owed (push_sweep).
            models.Index(
                fields=["push_due_at"],
                condition=models.Q(pushed_at__isnull=True),
                name="community_notification_push",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def kind_info(self):
        from community.notifications import notification_kind

        return notification_kind(self.kind)


class ActivityEvent(models.Model):
    """A public thing a member did, for the followers' and colleagues' feeds."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_events",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=500)
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="+", verbose_name=_("subjects")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                name="community_activity_once_per_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phrase(self) -> str:
        """ "Anna replied in": the words before the linked title in a feed."""
        from community.notifications import activity_phrase

        return activity_phrase(self.kind, self.actor.profile.shown_name)


class DigestLog(models.Model):
    """One row per member and period, taken before sending: never two digests."""

    class Period(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    class Status(models.TextChoices):
        PENDING = "pending", _("being sent")
        SENT = "sent", _("sent")
        EMPTY = "empty", _("nothing new")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_logs",
        verbose_name=_("recipient"),
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    period_start = models.DateField(_("period start"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    notification_count = models.PositiveIntegerField(_("notifications"), default=0)
    # The letter as sent, so that "send again" sends the same one.
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the sending run took the row: a pending row claimed longer ago than
    # any task may run was left by a dead worker and is taken over (claims.py).
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period", "period_start"],
                name="community_digest_once_per_period",
            ),
        ]
        indexes = [
            # The hourly sweep of stale claims (digests.digests_stale).
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="pending"),
                name="community_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.get_period_display()} {self.period_start}"


class AuditEntry(models.Model):
    """Who did what to which item, and why: decisions that must stay on record."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Named by the apps that write them (``audit_actions_register``).
    action = models.CharField(_("action"), max_length=40, choices=audit_action_choices)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("type of item"),
    )
    target_id = models.PositiveBigIntegerField(_("item number"), null=True)
    target = GenericForeignKey("target_type", "target_id")
    # The item's name at the time, readable after it is gone.
    target_title = models.CharField(_("item"), max_length=200)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_title}"


class Badge(models.Model):
    """A badge: one of the rules apps register (``key``), or a manual one."""

    class Tier(models.TextChoices):
        BRONZE = "bronze", _("bronze")
        SILVER = "silver", _("silver")
        GOLD = "gold", _("gold")

    key = models.SlugField(_("key"), max_length=60, unique=True)
    # Rule badges read their name and description from the registry (and so
    # from the translations); manual ones keep what the moderator wrote.
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300)
    icon = models.CharField(_("icon"), max_length=8, default="★")
    tier = models.CharField(_("tier"), max_length=6, choices=Tier.choices)
    repeatable = models.BooleanField(_("can be earned more than once"), default=False)
    is_manual = models.BooleanField(_("awarded by moderators"), default=False)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["is_manual", "key"]

    def __str__(self) -> str:
        return str(self.shown_name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("badge", kwargs={"key": self.key})

    @property
    def shown_name(self):
        from community.badges import badge_rule

        rule = badge_rule(self.key)
        return rule.name if rule else self.name

    @property
    def shown_description(self):
        from community.badges import badge_rule

        rule = badge_rule(self.key)
        return rule.description if rule else self.description


class BadgeAward(models.Model):
    """A badge held by a member; a once-only badge has occurrence 1 only.

    The unique (badge, user, occurrence) is what keeps two evaluations running
    at the same moment from awarding a badge twice. A revoked award stays, with
    who revoked it and why, and is not awarded again by the rules.
    """

    badge = models.ForeignKey(
        Badge, on_delete=models.CASCADE, related_name="awards", verbose_name=_("badge")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badge_awards",
        verbose_name=_("member"),
    )
    occurrence = models.PositiveIntegerField(_("time earned"), default=1)
    awarded_at = models.DateTimeField(_("awarded"), default=timezone.now)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    is_featured = models.BooleanField(_("shown next to the name"), default=False)
    # Set in the transaction that tells the member; an award without it was
    # left by a dead worker and is told by the next evaluation (claims.py).
    notified_at = models.DateTimeField(_("member told"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(
        _("reason for revoking"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "user", "occurrence"],
                name="community_badge_award_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.badge} → {self.user}"


class MonthlyContribution(models.Model):
    """Points for helping colleagues in one month, computed by a task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    month = models.DateField(_("month"))
    points = models.PositiveIntegerField(_("points"))
    # Copied from the profile when computed: the boards filter without joins.
    subjects = models.ManyToManyField(Subject, blank=True, related_name="+")
    region = models.CharField(_("region"), max_length=40, blank=True)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly contribution")
        verbose_name_plural = _("monthly contributions")
        ordering = ["-month", "-points", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "month"], name="community_contribution_once_a_month"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "-points"]),
            models.Index(fields=["month", "region", "-points"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}: {self.points}"


class Report(models.Model):
    """A member's report about something that breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        RUDENESS = "rudeness", _("rudeness or ridicule")
        COPYRIGHT = "copyright", _("copyright infringement")
        MISINFORMATION = "misinformation", _("false information")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")
        ACTIONED = "actioned", _("content hidden")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_made",
        verbose_name=_("reported by"),
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("type of item")
    )
    target_id = models.PositiveBigIntegerField(_("item number"))
    target = GenericForeignKey("target_type", "target_id")
    target_title = models.CharField(_("item"), max_length=200)
    target_url = models.CharField(_("link"), max_length=500)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(_("moderator's note"), max_length=500, blank=True)
    # The item was hidden by enough established members' reports: a dismissal
    # shows it again.
    auto_hidden = models.BooleanField(_("hidden by reports"), default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=models.Q(status="open"),
                name="community_one_open_report_per_item",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.target_title}"


class Sanction(models.Model):
    """A moderator's warning, suspension or ban of a member.

    A suspension or a ban keeps the member from writing (posting, reacting,
    registering) while they can still read; a warning only tells them. The
    row stays when it ends or is lifted: the member's record for moderators.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", _("warning")
        SUSPENSION = "suspension", _("suspension")
        BAN = "ban", _("ban")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sanctions",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason, shown to the member"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    # A suspension ends on its own; a ban and a warning have no end.
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(
        _("read by the member"), null=True, blank=True
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.CharField(_("why lifted"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="suspension")
                | models.Q(ends_at__isnull=False),
                name="community_suspension_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    def is_in_force(self, now=None) -> bool:
        if self.kind == self.Kind.WARNING or self.lifted_at is not None:
            return False
        return self.ends_at is None or self.ends_at > (now or timezone.now())


class RequestTrace(models.Model):
    """Where a write came from (address, browser), kept for abuse checks only.

    Moderators look for several accounts behind one address; the retention
    task deletes traces after ``DJANGO_MODERATION_TRACE_DAYS``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    action = models.CharField(_("action"), max_length=40)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("request trace")
        verbose_name_plural = _("request traces")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ip_address", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.ip_address}"


class SearchEntry(models.Model):
    """One searchable row of an app (a topic, a post, a material …), as search sees it.

    Written by ``community.search.search_index`` from the services that change
    the row; only what may be shown is here (hidden, draft, private rows are
    removed), so a search reads this table alone. On PostgreSQL
    ``search_vector`` holds the weighted Russian tsvector (GIN-indexed, with
    a trigram index on the title); on SQLite ``folded`` serves containment.
    """

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone")
        MEMBERS = "members", _("members only")
        GROUP = "group", _("members of its community")

    kind = models.CharField(_("kind"), max_length=20)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=500)
    # ",3,7," and ",grade-5,grade-6,": filters by containment on both databases.
    subjects = models.CharField(max_length=200, blank=True)
    grades = models.CharField(max_length=300, blank=True)
    # Academic hours, for the kinds that have them (courses): a range filter.
    hours = models.PositiveSmallIntegerField(_("academic hours"), null=True, blank=True)
    date = models.DateTimeField(_("date"))
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    author_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The group (a community) whose members alone may find it (``community.audience``).
    group_id = models.PositiveBigIntegerField(null=True, blank=True)
    folded = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"], name="community_search_once"
            ),
        ]
        indexes = [models.Index(fields=["kind", "-date"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchWord(models.Model):
    """A word (a ``russian`` lexeme) that some search entry's vector holds:
    written by ``community.search.search_index_many`` with the entries and
    never removed. A query's word is a prefix of the words it finds; the
    words it begins, read here, let the index find them without gathering
    every lexeme of the prefix first. PostgreSQL only (SQLite's search has no
    vectors)."""

    # A longer lexeme (an address, a run of letters) is not a word to find.
    MAX_LENGTH = 100

    word = models.CharField(max_length=MAX_LENGTH, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        indexes = [
            # LIKE 'prefix%' through the index, whatever the collation.
            models.Index(
                fields=["word"],
                name="community_searchword_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.word


class EmbedPreview(models.Model):
    """What Kollegi knows of one embedded link (``community.embeds``).

    A row per link a member's text made a card of, keyed by its canonical
    address; its title and picture are fetched once by a task (never while a
    page is shown) and again after ``EMBED_REFRESH_DAYS``. The picture is
    re-encoded and served by Kollegi, so a page asks no other host for it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the fetch")
        FETCHED = "fetched", _("fetched")
        FAILED = "failed", _("could not be fetched")

    key = models.CharField(_("key"), max_length=32, unique=True)
    provider = models.CharField(_("service"), max_length=30)
    url = models.URLField(_("link"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)
    thumbnail = models.ImageField(_("picture"), upload_to="embeds/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    # The task fetching it holds the row (``community.claims``).
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # A moderator hid this one embed: it shows as a plain link everywhere.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("embedded link")
        verbose_name_plural = _("embedded links")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "fetched_at"])]

    def __str__(self) -> str:
        return self.title or self.url


class EmbedProviderSetting(models.Model):
    """A moderator's switch for one registered service (``community.embeds``):
    a row per provider, kept by ``embeds_sync`` after every migrate; switched
    off, its links stay plain links site-wide."""

    key = models.CharField(_("service"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_enabled = models.BooleanField(_("players shown"), default=True)

    class Meta:
        verbose_name = _("embedding service")
        verbose_name_plural = _("embedding services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PushDevice(models.Model):
    """One browser of a member that receives web push (``community.push``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_devices",
        verbose_name=_("member"),
    )
    endpoint = models.URLField(_("push address"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # What the member sees in the list: "Chrome, Android".
    label = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    # Failures in a row (not 404/410, which remove the device); at
    # ``PUSH_MAX_FAILURES`` the device is switched off.
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True)

    class Meta:
        verbose_name = _("push device")
        verbose_name_plural = _("push devices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "disabled_at"])]

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]
