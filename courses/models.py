"""Author courses («Курсы»): professional development made of the network's
own activity.

A course is a sequence of units (``Unit``): a master-class, a material of the
library, a reading, a forum discussion or an assignment, each with its
academic hours; the course's hours are their sum (``Course.hours``, kept by
the services). Experts of the subject review a course before it opens
(``ReviewRound``: the materials' rules — places, conflicts, deadlines, the
decision rule — with a rubric of its own); trusted authors publish directly.

A member enrols (``Enrolment``: a seat, or the waitlist when the seats are
gone, under the course's row lock), completes units (``Progress``), submits
assignments that peers review (``Submission``, ``PeerReview``) and, when every
required unit is done, completes the course and receives a certificate
(``CourseCertificate``), verified at ``/certificates/<code>/``. The
certificate is Kollegi's own: it is not a document on qualification; a
licensed partner may issue one from the exported programme and completions.

Counts shown in lists (enrolled, waiting, completed, units done, hours done)
are kept by the services.
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

# A «курс повышения квалификации» is at least this many academic hours
# (п. 18 of the order of 24.03.2025 № 266); shorter, it is a seminar.
QUALIFICATION_MIN_HOURS = 16


class CourseQuerySet(models.QuerySet):
    def published(self) -> "CourseQuerySet":
        return self.filter(status=Course.Status.PUBLISHED, is_hidden=False)


class Course(models.Model):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("seminar")
        QUALIFICATION = "qualification", _("professional development course")

    class Format(models.TextChoices):
        SELF_PACED = "self_paced", _("self-paced")
        COHORT = "cohort", _("cohort with dates")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="courses_authored",
        verbose_name=_("author"),
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="courses_coauthored",
        verbose_name=_("co-authors"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    annotation = models.CharField(_("annotation"), max_length=1000)
    goals = models.TextField(_("goals and outcomes"), max_length=10_000)
    goals_html = models.TextField(_("goals, as shown"), editable=False, blank=True)
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
    cover = models.ImageField(_("cover image"), upload_to="courses/", blank=True)
    kind = models.CharField(
        _("kind"), max_length=14, choices=Kind.choices, default=Kind.SEMINAR
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.SELF_PACED
    )
    # A cohort's dates (in the author's time zone, stored aware) and its
    # enrolment window; a self-paced course has none.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    enrolment_opens_at = models.DateTimeField(
        _("enrolment opens"), null=True, blank=True
    )
    enrolment_closes_at = models.DateTimeField(
        _("enrolment closes"), null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Hidden by a moderator (or by reports): only its authors and moderators see it.
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Kept by the services: the sum of the units' hours, the required units,
    # the learners enrolled, waiting and done.
    hours = models.PositiveSmallIntegerField(_("academic hours"), default=0)
    required_units = models.PositiveSmallIntegerField(_("required units"), default=0)
    enrolled_count = models.PositiveIntegerField(_("enrolled"), default=0)
    waitlist_count = models.PositiveIntegerField(_("waiting"), default=0)
    completed_count = models.PositiveIntegerField(_("completed"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "is_hidden", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="qualification")
                | Q(status="draft")
                | Q(hours__gte=QUALIFICATION_MIN_HOURS),
                name="courses_qualification_hours",
                violation_error_message=_(
                    "A professional development course is at least 16 academic hours."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="courses_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_cohort(self) -> bool:
        return self.format == self.Format.COHORT

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.enrolled_count, 0)


class TrustedAuthor(models.Model):
    """An author whose courses are published without expert review."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
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
        verbose_name = _("trusted author")
        verbose_name_plural = _("trusted authors")

    def __str__(self) -> str:
        return str(self.user)


class Unit(models.Model):
    class Kind(models.TextChoices):
        MASTERCLASS = "masterclass", _("master-class")
        MATERIAL = "material", _("material from the library")
        READING = "reading", _("reading")
        DISCUSSION = "discussion", _("forum discussion")
        ASSIGNMENT = "assignment", pgettext_lazy("course unit", "assignment")

    class Completion(models.TextChoices):
        # Master-class: attendance marked. Reading: read to the end (a button).
        # Discussion: a post in the topic.
        AUTO = "auto", _("as the unit says")
        # Material: opened from the course, or a short answer to the question.
        OPENED = "opened", _("opened")
        ANSWER = "answer", _("a short answer")
        # Assignment: N accepted peer reviews, or the author's acceptance.
        PEERS = "peers", _("accepted by peers")
        AUTHOR = "author", _("accepted by the author")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="units", verbose_name=_("course")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    hours = models.PositiveSmallIntegerField(
        _("academic hours"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    required = models.BooleanField(_("required"), default=True)
    # For a reading, the text; for a material with a short answer, the
    # question; for an assignment, the task; for the others, an introduction.
    body = models.TextField(_("text"), max_length=20_000, blank=True)
    body_html = models.TextField(_("text, as shown"), editable=False, blank=True)
    masterclass = models.ForeignKey(
        "masterclasses.MasterClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("master-class"),
    )
    material = models.ForeignKey(
        "materials.Material",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material"),
    )
    topic = models.ForeignKey(
        "forums.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forum topic"),
    )
    completion = models.CharField(
        _("done when"),
        max_length=8,
        choices=Completion.choices,
        default=Completion.AUTO,
    )
    # An assignment accepted by peers: how many accepting reviews it needs.
    reviews_needed = models.PositiveSmallIntegerField(
        _("peer reviews needed"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    # Cohorts: when the unit opens, and its deadline (reminders before it).
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["course", "position", "pk"]
        indexes = [
            models.Index(fields=["kind", "masterclass"]),
            models.Index(fields=["kind", "topic"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="masterclass", masterclass__isnull=False)
                | Q(kind="material", material__isnull=False)
                | Q(kind="discussion", topic__isnull=False)
                | Q(kind__in=["reading", "assignment"]),
                name="courses_unit_has_its_object",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:unit", kwargs={"slug": self.course.slug, "pk": self.pk})


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("learning")
        WAITLISTED = "waitlisted", _("on the waitlist")
        COMPLETED = "completed", _("completed")
        DROPPED = "dropped", _("dropped out")

    # A learner who holds a place (learning, or done with it).
    HOLDS_A_PLACE = (Status.ENROLLED, Status.COMPLETED)

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The waitlist's order; enrolled_at when a place was given.
    queued_at = models.DateTimeField(_("queued"))
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("dropped out"), null=True, blank=True)
    # Kept by the services: required units done, hours of all units done.
    units_done = models.PositiveSmallIntegerField(_("required units done"), default=0)
    hours_done = models.PositiveSmallIntegerField(_("hours done"), default=0)
    # "Continue where I stopped": the unit last opened.
    last_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last unit"),
    )
    # Completion accepted by hand: who and why (also in the audit log).
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion accepted by"),
    )
    accepted_reason = models.CharField(
        _("reason for accepting by hand"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], name="courses_enrolment_once"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status", "queued_at"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"

    @property
    def percent(self) -> int:
        total = self.course.required_units
        if not total:
            return 100 if self.status == self.Status.COMPLETED else 0
        return min(100, round(100 * self.units_done / total))


class Progress(models.Model):
    """A learner's state in one unit: done, a short answer, a reminder sent."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("enrolment"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    # The deadline's reminder, claimed once (a conditional UPDATE).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress in a unit")
        verbose_name_plural = _("progress in units")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "unit"], name="courses_progress_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.unit_id}"


def _private_storage():
    # Assignment files are kept beside the library's files, which no web
    # address serves.
    return storages["materials"]


def _submission_path(instance, filename: str) -> str:
    return f"courses/assignments/{secrets.token_hex(8)}/{filename}"


class Submission(models.Model):
    """A learner's work on an assignment: text and/or a file."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for revision")

    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=pgettext_lazy("course unit", "assignment"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("enrolment"),
    )
    text = models.TextField(_("answer"), max_length=20_000, blank=True)
    text_html = models.TextField(_("answer, as shown"), editable=False, blank=True)
    # Private: served only through ``services.submission_file_open``.
    file = models.FileField(
        _("file"),
        upload_to=_submission_path,
        storage=_private_storage,
        blank=True,
        max_length=300,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    # Kept by the services: accepting peer reviews of this version.
    accepted_reviews = models.PositiveSmallIntegerField(
        _("accepting reviews"), default=0
    )
    # Moved on by each resubmission: reviews of an earlier version stay on
    # record and count no more.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    # The author's comment when returning the work: the learner reads it.
    decision_note = models.CharField(_("author's comment"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("assignment submission")
        verbose_name_plural = _("assignment submissions")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "enrolment"], name="courses_submission_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.enrolment_id}"


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class PeerReview(models.Model):
    """A colleague's review of a submission against a short rubric."""

    CRITERIA = [
        ("task", _("The task is done as set")),
        ("practice", _("Applicable in a lesson")),
        ("clarity", _("Clear and well argued")),
    ]

    class Verdict(models.TextChoices):
        ACCEPT = "accept", _("accept")
        REVISE = "revise", _("needs revision")

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("submission"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    version = models.PositiveSmallIntegerField(_("version reviewed"), default=1)
    task = _score_field(_("the task is done as set"))
    practice = _score_field(_("applicable in a lesson"))
    clarity = _score_field(_("clear and well argued"))
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    comment = models.TextField(_("comment"), max_length=3000)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer", "version"],
                name="courses_peer_review_once",
            ),
        ]

    def __str__(self) -> str:
        return _("Peer review of %(title)s") % {"title": self.submission.unit.title}

    def get_absolute_url(self) -> str:
        unit = self.submission.unit
        url = reverse("courses:unit", kwargs={"slug": unit.course.slug, "pk": unit.pk})
        return f"{url}#peer-review-{self.pk}"


# --- Review before opening --------------------------------------------------------


class ReviewRoundQuerySet(models.QuerySet):
    def waiting_for_reviewers(self) -> "ReviewRoundQuerySet":
        """Open rounds with a free place: fewer assignments holding a place
        (``ReviewAssignment.HOLDS_A_PLACE``) than the materials' places
        (``materials.models.reviews_required``).

        The one rule for "waiting for reviewers": an expert's queue lists
        these, and a reviewer is refused a round that is not among them.
        """
        from materials.models import reviews_required

        return (
            self.filter(status=ReviewRound.Status.OPEN)
            .annotate(
                taken=models.Count(
                    "assignments",
                    filter=Q(assignments__status__in=ReviewAssignment.HOLDS_A_PLACE),
                )
            )
            .filter(taken__lt=reviews_required())
        )


class ReviewRound(models.Model):
    """One submission of a course for expert review (the materials' rules)."""

    class Status(models.TextChoices):
        OPEN = "open", _("collecting reviews")
        AWAITING = "awaiting", _("awaiting a moderator's decision")
        DECIDED = "decided", _("decided")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Decision(models.TextChoices):
        # The materials' decisions: the decision rule returns these values.
        RECOMMEND = "recommend", _("publish")
        REVISE = "revise", _("revise")
        REJECT = "reject", _("reject")

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="review_rounds",
        verbose_name=_("course"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(
        _("comment on the decision"), max_length=1000, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("course review request")
        verbose_name_plural = _("course review requests")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(status__in=["open", "awaiting"]),
                name="courses_one_open_round",
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)


class ReviewAssignment(models.Model):
    """An expert's promise to review a course by a deadline."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        SUBMITTED = "submitted", _("review submitted")
        EXPIRED = "expired", _("deadline missed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    HOLDS_A_PLACE = (Status.ACTIVE, Status.SUBMITTED)

    round = models.ForeignKey(
        ReviewRound,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("review request"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    due_at = models.DateTimeField(_("deadline"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("course reviewer assignment")
        verbose_name_plural = _("course reviewer assignments")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"], name="courses_review_once_per_round"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.round}"


class CourseReview(models.Model):
    """The course rubric: goals, structure, realistic hours, value; 1–5 each."""

    CRITERIA = [
        ("goals", _("Clear, achievable goals")),
        ("structure", _("Structure and sequence of units")),
        ("hours", _("Realistic academic hours")),
        ("value", _("Practical value for teachers")),
    ]

    assignment = models.OneToOneField(
        ReviewAssignment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("assignment"),
    )
    goals = _score_field(_("clear, achievable goals"))
    goals_comment = models.TextField(_("comment on goals"), blank=True, max_length=2000)
    structure = _score_field(_("structure and sequence of units"))
    structure_comment = models.TextField(
        _("comment on structure"), blank=True, max_length=2000
    )
    hours = _score_field(_("realistic academic hours"))
    hours_comment = models.TextField(_("comment on hours"), blank=True, max_length=2000)
    value = _score_field(_("practical value for teachers"))
    value_comment = models.TextField(_("comment on value"), blank=True, max_length=2000)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=ReviewRound.Decision.choices
    )
    summary = models.TextField(_("overall comment"), max_length=5000)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("course review")
        verbose_name_plural = _("course reviews")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        # Never the reviewer's name: reviews may be blind.
        return _("Expert review of %(title)s") % {
            "title": self.assignment.round.course.title
        }

    def get_absolute_url(self) -> str:
        url = reverse(
            "courses:rounds", kwargs={"slug": self.assignment.round.course.slug}
        )
        return f"{url}#review-{self.pk}"

    @property
    def average(self) -> float:
        return sum(getattr(self, key) for key, _label in self.CRITERIA) / len(
            self.CRITERIA
        )

    def criteria(self) -> list[tuple[str, int, str]]:
        return [
            (label, getattr(self, key), getattr(self, f"{key}_comment"))
            for key, label in self.CRITERIA
        ]


# --- Certificates -------------------------------------------------------------------


def _certificate_code() -> str:
    return secrets.token_urlsafe(12)


class CourseCertificate(models.Model):
    """Issued once, when the course is completed; what it says is kept as
    printed, so that the verification page confirms the paper."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_certificates",
        verbose_name=_("member"),
    )
    # Printed: "КУРС-2026-000042".
    number = models.CharField(_("number"), max_length=24, unique=True)
    code = models.CharField(
        _("verification code"), max_length=24, unique=True, default=_certificate_code
    )
    holder_name = models.CharField(_("name on the certificate"), max_length=200)
    course_title = models.CharField(_("course"), max_length=200)
    course_kind = models.CharField(
        _("kind"), max_length=14, choices=Course.Kind.choices, blank=True
    )
    subject_name = models.CharField(_("subject"), max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField(_("academic hours"))
    # [[title, hours], ...] of the units done, as printed.
    units = models.JSONField(_("units"), default=list)
    author_names = models.CharField(_("authors"), max_length=500)
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("course certificate")
        verbose_name_plural = _("course certificates")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certificate_verify", kwargs={"code": self.code})
