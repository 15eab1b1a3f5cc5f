"""Master-classes: the event, its registrations and waitlist, attendance,
feedback and certificates."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from community.audience import Audience


def _code() -> str:
    # Short, unambiguous, typed from a screen: no 0/O, 1/I.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(6))


class MasterClassQuerySet(models.QuerySet):
    def listed(self) -> "MasterClassQuerySet":
        """What the public list shows: published, finished and cancelled ones,
        not hidden by a moderator."""
        return self.filter(
            status__in=[
                MasterClass.Status.PUBLISHED,
                MasterClass.Status.FINISHED,
                MasterClass.Status.CANCELLED,
            ],
            is_hidden=False,
        )

    def with_viewer_status(self, user) -> "MasterClassQuerySet":
        """Each with ``viewer_status``: the member's own registration
        ("registered" or "waitlisted"; None when not registered or signed
        out), read in the same query as the list."""
        if not user.is_authenticated:
            return self
        return self.annotate(
            viewer_status=models.Subquery(
                Registration.objects.filter(
                    masterclass=models.OuterRef("pk"), user=user
                )
                .exclude(status=Registration.Status.CANCELLED)
                .values("status")[:1]
            )
        )


class MasterClass(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("online")
        OFFLINE = "offline", _("in person")
        HYBRID = "hybrid", _("in person and online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PROPOSED = "proposed", _("awaiting approval")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("finished")

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="masterclasses_hosted",
        verbose_name=_("host"),
    )
    cohosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="masterclasses_cohosted",
        verbose_name=_("co-hosts"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=20_000)
    description_html = models.TextField(
        _("description, as shown"), editable=False, blank=True
    )
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subject"),
    )
    grades = models.ManyToManyField(
        "community.Grade", blank=True, related_name="+", verbose_name=_("grades")
    )
    tags = TaggableManager(_("tags"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="masterclasses/", blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    room_url = models.URLField(_("room link"), blank=True, max_length=500)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    # The host's time zone when the times were entered (shown to the host).
    time_zone = models.CharField(_("time zone"), max_length=64)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_note = models.CharField(
        _("moderator's comment"), max_length=1000, blank=True
    )
    # Hidden by a moderator (or by reports): only its hosts and moderators see it.
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Who may read it (``community.audience``). A community's meeting belongs
    # to that group (``group_id``, the community's pk); it follows the
    # community's visibility, or stays with its members when ``group_only``.
    audience = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.EVERYONE,
    )
    group_id = models.PositiveBigIntegerField(
        _("community"), null=True, blank=True, db_index=True, editable=False
    )
    group_only = models.BooleanField(
        _("for the community's members only"), default=False
    )
    recording_url = models.URLField(_("recording"), blank=True, max_length=500)
    materials = models.ManyToManyField(
        "materials.Material",
        blank=True,
        related_name="masterclasses",
        verbose_name=_("materials"),
    )
    checkin_code = models.CharField(_("check-in code"), max_length=8, default=_code)
    registered_count = models.PositiveIntegerField(_("registered"), default=0)
    waitlist_count = models.PositiveIntegerField(_("waiting"), default=0)
    # Bumped on every change of time or place: calendars replace the event.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MasterClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("master-class")
        verbose_name_plural = _("master-classes")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="masterclasses_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("masterclasses:detail", kwargs={"pk": self.pk})

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def is_offline(self) -> bool:
        return self.format in (self.Format.OFFLINE, self.Format.HYBRID)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count, 0)


class TrustedHost(models.Model):
    """A host whose master-classes are published without a moderator's approval."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("host"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trusted by"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted host")
        verbose_name_plural = _("trusted hosts")

    def __str__(self) -> str:
        return str(self.user)


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")

    masterclass = models.ForeignKey(
        MasterClass,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("master-class"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="masterclass_registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # The waitlist's order: when the member joined it (or again, after cancelling).
    queued_at = models.DateTimeField(_("in the queue since"), null=True, blank=True)
    promoted_at = models.DateTimeField(
        _("moved from the waitlist"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_day_at = models.DateTimeField(
        _("reminded a day before"), null=True, blank=True
    )
    reminded_hour_at = models.DateTimeField(
        _("reminded an hour before"), null=True, blank=True
    )
    attended = models.BooleanField(_("attended"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["masterclass", "user"], name="masterclasses_register_once"
            ),
        ]
        indexes = [models.Index(fields=["masterclass", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.masterclass}"


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("registration"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.score} · {self.registration}"


def _certificate_code() -> str:
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("participation")
        CONDUCTING = "conducting", _("conducting")

    masterclass = models.ForeignKey(
        MasterClass,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("master-class"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    # Printed on the certificate: "МК-2026-000042".
    number = models.CharField(_("number"), max_length=20, unique=True)
    code = models.CharField(
        _("verification code"), max_length=24, unique=True, default=_certificate_code
    )
    # As printed, so that the verification page confirms what the paper says.
    holder_name = models.CharField(_("name on the certificate"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["masterclass", "user", "kind"],
                name="masterclasses_certificate_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certificate_verify", kwargs={"code": self.code})


class CalendarFeed(models.Model):
    """A member's secret address for "all my registrations" in a calendar app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
