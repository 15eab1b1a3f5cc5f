"""My path («Мой путь»): a member's private plan of professional growth.

The frameworks are data (``FrameworkVersion``): the competencies of the
professional standard «Педагог» (order 544н) and the attestation targets
(first and highest categories, «педагог-методист», «педагог-наставник») with
their criteria, each criterion mapped to competencies. They are loaded by a
migration from ``growth/data/`` and edited in the admin; a plan keeps the
version it was made with (its target belongs to one version).

A member makes plans (``Plan``: one active per target) with items
(``PlanItem``) and gathers evidence: what the other apps say she did
(``Evidence``: computed from ``community.attainments``, kept here per member
and refreshed when her rows there change, never typed) and what she adds
herself (``OwnEvidence``: not confirmed until her mentor confirms it). A
mentor («наставник», ``Mentorship``) may comment and confirm; every act in a
plan is in its history (``PlanEvent``).
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A plan's period by default, and the rule of professional development:
# a course at least every three years.
PLAN_YEARS = 3


class FrameworkVersion(models.Model):
    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("what changed"), blank=True)
    # New plans are made with the current version; one at a time.
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="growth_one_current_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Competency(models.Model):
    """A labour function or action of the standard, or an attestation
    dimension; ``code`` stays the same across versions."""

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("version"),
    )
    code = models.CharField(_("code"), max_length=20)
    function = models.CharField(_("labour function"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Keys of ``community.attainments`` sources that count for it.
    evidence_kinds = models.JSONField(
        _("evidence that counts"), default=list, blank=True
    )
    # Tag names: courses, master-classes and communities so tagged are suggested.
    suggestion_tags = models.JSONField(_("suggestion tags"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["version", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="growth_competency_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Target(models.Model):
    class Code(models.TextChoices):
        FIRST = "first", _("first qualification category")
        HIGHEST = "highest", _("highest qualification category")
        METHODIST = "methodist", _("teacher-methodologist")
        MENTOR = "mentor", _("teacher-mentor")

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("version"),
    )
    code = models.CharField(_("code"), max_length=12, choices=Code.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attestation target")
        verbose_name_plural = _("attestation targets")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="growth_target_code"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    target = models.ForeignKey(
        Target,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("target"),
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    competencies = models.ManyToManyField(
        Competency, related_name="criteria", verbose_name=_("competencies")
    )
    # Below this many pieces of evidence a criterion is a gap.
    min_evidence = models.PositiveSmallIntegerField(_("evidence expected"), default=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["target", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "code"], name="growth_criterion_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PlanQuerySet(models.QuerySet):
    def active(self) -> "PlanQuerySet":
        return self.filter(status=Plan.Status.ACTIVE)

    def public(self) -> "PlanQuerySet":
        return self.filter(visibility=Plan.Visibility.PUBLIC)


class Plan(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("only me and my mentor")
        PUBLIC = "public", _("everyone: the target and what is done")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="growth_plans",
        verbose_name=_("member"),
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="plans", verbose_name=_("target")
    )
    # The target's code, kept beside it: one active plan per target, whatever
    # the version it was made with.
    target_code = models.CharField(
        _("target code"), max_length=12, choices=Target.Code.choices, editable=False
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    visibility = models.CharField(
        _("who sees it"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    note = models.TextField(_("my notes"), max_length=5000, blank=True)
    # Kept by the services.
    items_count = models.PositiveIntegerField(_("items"), default=0)
    items_done = models.PositiveIntegerField(_("items done"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "target_code"],
                condition=Q(status="active"),
                name="growth_one_active_plan_per_target",
                violation_error_message=_(
                    "You already have an active plan for this target."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="growth_plan_period",
                violation_error_message=_("A plan ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("growth:plan", args=[self.pk])


class PlanItem(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("course")
        MASTERCLASS = "masterclass", _("master-class")
        COMMUNITY = "community", _("community")
        READING = "reading", _("reading")
        OWN = "own", _("my own step")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # A page of the site ("/courses/x/") or an address elsewhere (https://).
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What on the site it stands for, as a suggestion names it
    # ("courses.course:12"); blank for a reading or her own step.
    object_key = models.CharField(_("site object"), max_length=80, blank=True)
    competency = models.ForeignKey(
        Competency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Claimed once by the reminder of a due item.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "position", "pk"]
        indexes = [models.Index(fields=["due_on", "done_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "object_key"],
                condition=~Q(object_key=""),
                name="growth_item_once_per_plan",
            )
        ]

    def __str__(self) -> str:
        return self.title


def _private_storage():
    # Her files are kept beside the library's, which no web address serves.
    return storages["materials"]


def _evidence_path(instance, filename: str) -> str:
    return f"growth/evidence/{secrets.token_hex(8)}/{filename}"


class OwnEvidence(models.Model):
    """Evidence a member adds herself: a link or a file."""

    class Kind(models.TextChoices):
        COURSE = "course", _("professional development course elsewhere")
        TALK = "talk", _("talk or open lesson")
        PUBLICATION = "publication", _("publication")
        CONTEST = "contest", _("contest or award")
        STUDENTS = "students", _("students' results")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("not confirmed")
        CONFIRMED = "confirmed", _("confirmed by the mentor")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="growth_own_evidence",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    # Private: served only to her and her mentors.
    file = models.FileField(
        _("file"),
        upload_to=_evidence_path,
        storage=_private_storage,
        max_length=300,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # A competency's code (the same in every version).
    competency_code = models.CharField(_("competency"), max_length=20, blank=True)
    happened_on = models.DateField(_("date"))
    hours = models.PositiveSmallIntegerField(_("academic hours"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("own evidence")
        verbose_name_plural = _("own evidence")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["owner", "status", "competency_code"])]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """What another app says a member did (``community.attainments``), kept
    here so that her plan reads it in one query; refreshed by the services
    when her rows there change, never typed."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="growth_evidence",
        verbose_name=_("member"),
    )
    source = models.CharField(_("source"), max_length=40)
    # Stable within its source: a certificate's code, an object's id.
    key = models.CharField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    code = models.CharField(_("verification code"), max_length=40, blank=True)
    verify_url = models.CharField(_("verification link"), max_length=500, blank=True)
    hours = models.PositiveSmallIntegerField(_("academic hours"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("date"))
    refreshed_at = models.DateTimeField(_("refreshed"), auto_now=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["owner", "source", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "key"], name="growth_evidence_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceRefresh(models.Model):
    """When a member's evidence was last gathered."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("member"),
    )
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("evidence refresh")
        verbose_name_plural = _("evidence refreshes")

    def __str__(self) -> str:
        return str(self.owner_id)


class Mentorship(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACTIVE = "active", _("mentoring")
        DECLINED = "declined", _("declined")
        ENDED = "ended", _("ended")

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="mentorships",
        verbose_name=_("plan"),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="growth_mentorships",
        verbose_name=_("mentor"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-invited_at", "-pk"]
        constraints = [
            # One mentor (invited or mentoring) per plan at a time.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["invited", "active"]),
                name="growth_one_mentor_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.plan_id}"


class PlanComment(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=5000)
    body_html = models.TextField(_("comment, as shown"), editable=False, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} · {self.plan_id}"


class PlanEvent(models.Model):
    """The plan's history: what she and her mentor did in it."""

    class Action(models.TextChoices):
        CREATED = "created", _("plan made")
        EDITED = "edited", _("plan changed")
        CLOSED = "closed", _("plan closed")
        ITEM_ADDED = "item_added", _("item added")
        ITEM_CHANGED = "item_changed", _("item changed")
        ITEM_DONE = "item_done", _("item done")
        ITEM_UNDONE = "item_undone", _("item marked not done")
        ITEM_REMOVED = "item_removed", _("item removed")
        MENTOR_INVITED = "mentor_invited", _("mentor invited")
        MENTOR_ACCEPTED = "mentor_accepted", _("mentor accepted")
        MENTOR_DECLINED = "mentor_declined", _("mentor declined")
        MENTOR_REMOVED = "mentor_removed", _("mentor removed")
        MENTOR_LEFT = "mentor_left", _("mentor left")
        COMMENTED = "commented", _("comment")
        EVIDENCE_CONFIRMED = "evidence_confirmed", _("evidence confirmed")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # True when the actor acted as the plan's mentor.
    by_mentor = models.BooleanField(_("by the mentor"), default=False)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan history")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "created_at"])]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.action}"


class Reminder(models.Model):
    """A reminder claimed once: "professional development is due" for a
    member, keyed by the date it is due and how far ahead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    key = models.CharField(_("key"), max_length=80)
    claimed_at = models.DateTimeField(_("claimed"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="growth_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.key}"
