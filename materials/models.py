"""Teaching materials: metadata, files in versions, downloads, ratings, collections."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager


def _private_storage():
    # Files are never served by the web server directly: the download view
    # checks visibility first (and may hand the transfer to nginx).
    return storages["materials"]


def _file_path(instance: "MaterialFile", filename: str) -> str:
    return f"{instance.version.material_id}/{uuid.uuid4().hex}/{filename}"


def _thumbnail_path(instance: "Material", filename: str) -> str:
    # A new name for every picture: a cached old one never stands in for it.
    return f"materials/thumbnails/{instance.pk}/{uuid.uuid4().hex}-{filename}"


class Licence(models.TextChoices):
    CC_BY = "cc-by", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd", "CC BY-ND 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd", "CC BY-NC-ND 4.0"
    ALL_RIGHTS = "all-rights", _("All rights reserved")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}

# What each licence lets colleagues do, in one plain line (the upload form).
LICENCE_DESCRIPTIONS = {
    Licence.CC_BY: _(
        "Colleagues may copy, change and share it, even for money, naming you "
        "as the author."
    ),
    Licence.CC_BY_SA: _(
        "As CC BY, and what they make from it must be shared under the same licence."
    ),
    Licence.CC_BY_NC: _(
        "Colleagues may copy, change and share it with your name, but not for money."
    ),
    Licence.CC_BY_NC_SA: _(
        "Not for money, with your name; what they make from it is shared under "
        "the same licence."
    ),
    Licence.CC_BY_ND: _(
        "Colleagues may share it with your name, even for money, but not change it."
    ),
    Licence.CC_BY_NC_ND: _(
        "Colleagues may only share it unchanged, with your name and not for money."
    ),
    Licence.ALL_RIGHTS: _(
        "Colleagues may only download it for themselves; copying and sharing "
        "need your permission."
    ),
}
# Preselected for a new material; existing materials keep their licence.
LICENCE_RECOMMENDED = Licence.CC_BY


class MaterialQuerySet(models.QuerySet):
    def public(self) -> "MaterialQuerySet":
        return self.filter(status=Material.Status.PUBLISHED, is_hidden=False)


class Material(models.Model):
    class Kind(models.TextChoices):
        LESSON_PLAN = "lesson_plan", _("lesson plan")
        PRESENTATION = "presentation", _("presentation")
        WORKSHEET = "worksheet", _("worksheet")
        TEST = "test", _("test")
        METHODICAL = "methodical", _("methodical recommendations")
        PROJECT = "project", _("project")
        EXTRACURRICULAR = "extracurricular", _("extracurricular activity")
        VIDEO_LESSON = "video_lesson", _("video lesson")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Review(models.TextChoices):
        NONE = "none", _("not submitted")
        IN_REVIEW = "in_review", _("in expert review")
        REVISE = "revise", _("to be revised")
        RECOMMENDED = "recommended", _("recommended by experts")
        REJECTED = "rejected", _("not recommended")

    class Language(models.TextChoices):
        RU = "ru", _("Russian")
        EN = "en", _("English")
        OTHER = "other", _("another language")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("author"),
    )
    # Credited beside the author (a network project's team: the product is
    # theirs together); only the author edits.
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="materials_coauthored",
        verbose_name=_("co-authors"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
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
        "community.Grade", related_name="+", verbose_name=_("grades")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    tags = TaggableManager(_("tags"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.RU
    )
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices)
    rights_confirmed = models.BooleanField(
        _("I am the author or may share this"), default=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    review_status = models.CharField(
        _("expert review"), max_length=12, choices=Review.choices, default=Review.NONE
    )
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    current_version = models.ForeignKey(
        "MaterialVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    # The average, kept with the counters so the catalogue can sort by it.
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    # The first page of the current version's first PDF (materials.thumbnails),
    # made by a task after the files change; public, like avatars.
    thumbnail = models.ImageField(
        _("thumbnail"),
        upload_to=_thumbnail_path,
        blank=True,
        editable=False,
        max_length=200,
    )
    thumbnail_small = models.ImageField(
        _("small thumbnail"),
        upload_to=_thumbnail_path,
        blank=True,
        editable=False,
        max_length=200,
    )
    thumbnail_width = models.PositiveSmallIntegerField(
        _("thumbnail width"), null=True, blank=True, editable=False
    )
    thumbnail_height = models.PositiveSmallIntegerField(
        _("thumbnail height"), null=True, blank=True, editable=False
    )
    # The PDF the thumbnail was made from, or tried and failed (no thumbnail):
    # while it is still the current one, there is nothing to do.
    thumbnail_file = models.ForeignKey(
        "MaterialFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("thumbnail made from"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "is_hidden", "-published_at"]),
            models.Index(fields=["subject", "status", "-published_at"]),
            models.Index(fields=["-rating_average"]),
            models.Index(fields=["-download_count"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("materials:detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_recommended(self) -> bool:
        return self.review_status == self.Review.RECOMMENDED

    @property
    def file_icon(self) -> str:
        """The icon of the main file's kind, from the ``main_file_kind``
        annotation (``selectors.main_file_kind``)."""
        kind = getattr(self, "main_file_kind", "")
        return FILE_KINDS[kind][0] if kind in FILE_KINDS else "file-earmark"

    @property
    def file_label(self) -> str:
        """The name of the main file's kind ("PDF", "Word"), as ``file_icon``."""
        kind = getattr(self, "main_file_kind", "")
        return str(FILE_KINDS[kind][1]) if kind in FILE_KINDS else ""

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def attribution(self) -> str:
        """The line to credit the author with when reusing the material."""
        from django.utils.translation import gettext

        values = {
            "title": self.title,
            "author": self.author.profile.shown_name,
            "licence": self.get_licence_display(),
            "url": self.licence_url,
        }
        if self.licence == Licence.ALL_RIGHTS:
            return gettext("«%(title)s», %(author)s. All rights reserved.") % values
        return gettext("«%(title)s», %(author)s, %(licence)s (%(url)s)") % values


class MaterialVersion(models.Model):
    """A set of files; a new version replaces the files and keeps the old ones."""

    material = models.ForeignKey(
        Material,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("material"),
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "number"], name="materials_version_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"


# The icon and the name of each kind of file materials.uploads accepts (the
# card without a thumbnail).
FILE_KINDS = {
    "pdf": ("file-earmark-pdf", "PDF"),
    "doc": ("file-earmark-word", "Word"),
    "docx": ("file-earmark-word", "Word"),
    "odt": ("file-earmark-richtext", "OpenDocument"),
    "ppt": ("file-earmark-slides", "PowerPoint"),
    "pptx": ("file-earmark-slides", "PowerPoint"),
    "odp": ("file-earmark-slides", "OpenDocument"),
    "xls": ("file-earmark-spreadsheet", "Excel"),
    "xlsx": ("file-earmark-spreadsheet", "Excel"),
    "ods": ("file-earmark-spreadsheet", "OpenDocument"),
    "txt": ("file-earmark-text", pgettext_lazy("file kind", "Text")),
    "jpg": ("file-earmark-image", pgettext_lazy("file kind", "Picture")),
    "png": ("file-earmark-image", pgettext_lazy("file kind", "Picture")),
    "zip": ("file-earmark-zip", "ZIP"),
}


class MaterialFile(models.Model):
    version = models.ForeignKey(
        MaterialVersion,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("version"),
    )
    file = models.FileField(
        _("file"), upload_to=_file_path, storage=_private_storage, max_length=300
    )
    # The name the member gave it, with the extension of what it really is.
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "materials:download",
            kwargs={"pk": self.version.material_id, "file_pk": self.pk},
        )


class MaterialDownload(models.Model):
    """One row per member, material and day: the download counter's source."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["material", "user", "day"], name="materials_download_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.material_id} {self.day}"


class Rating(models.Model):
    material = models.ForeignKey(
        Material,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("material"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "user"], name="materials_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="materials_rating_score_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} → {self.material_id}"


class Collection(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="material_collections",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_public = models.BooleanField(_("visible to everyone"), default=False)
    materials = models.ManyToManyField(
        Material,
        through="CollectionItem",
        related_name="+",
        verbose_name=_("materials"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("materials:collection", kwargs={"pk": self.pk})


class CollectionItem(models.Model):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="items"
    )
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "material"], name="materials_collection_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id} in {self.collection_id}"


def reviews_required() -> int:
    """How many reviews a round collects before it is decided: its places
    (``settings.MATERIALS_REVIEWS_REQUIRED``, read when asked)."""
    return settings.MATERIALS_REVIEWS_REQUIRED


class ReviewRoundQuerySet(models.QuerySet):
    def waiting_for_reviewers(self) -> "ReviewRoundQuerySet":
        """Open rounds with a free place: fewer assignments holding a place
        (``ReviewAssignment.HOLDS_A_PLACE``) than ``reviews_required()``.

        The one rule for "waiting for reviewers": the moderators' inbox
        counts these, an expert's queue lists them, and a reviewer is
        refused a round that is not among them (``tests/test_waiting_rule.py``).
        """
        return (
            self.filter(status=ReviewRound.Status.OPEN)
            .annotate(
                taken=models.Count(
                    "assignments",
                    filter=models.Q(
                        assignments__status__in=ReviewAssignment.HOLDS_A_PLACE
                    ),
                )
            )
            .filter(taken__lt=reviews_required())
        )


class ReviewRound(models.Model):
    """One submission of a material (a version of it) for expert review."""

    class Status(models.TextChoices):
        OPEN = "open", _("collecting reviews")
        AWAITING = "awaiting", _("awaiting a moderator's decision")
        DECIDED = "decided", _("decided")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Decision(models.TextChoices):
        RECOMMEND = "recommend", _("recommend")
        REVISE = "revise", _("revise")
        REJECT = "reject", _("reject")

    material = models.ForeignKey(
        Material,
        on_delete=models.CASCADE,
        related_name="review_rounds",
        verbose_name=_("material"),
    )
    version = models.ForeignKey(
        MaterialVersion,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("version reviewed"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, blank=True
    )
    # Empty when the stated rule decided.
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
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One round collecting reviews per material at a time.
            models.UniqueConstraint(
                fields=["material"],
                condition=models.Q(status__in=["open", "awaiting"]),
                name="materials_one_open_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material} (v{self.version.number})"


class ReviewAssignment(models.Model):
    """An expert's promise to review a round by a deadline."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("in progress")
        SUBMITTED = "submitted", _("review submitted")
        EXPIRED = "expired", _("deadline missed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # An expert at work on the round, or done with it, holds one of its
    # places; an expired or withdrawn assignment frees its place.
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
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    # Empty when the expert took it from the queue.
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
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"], name="materials_review_once_per_round"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.round}"


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Review(models.Model):
    """The rubric: five criteria scored 1–5 with a comment, and a recommendation."""

    CRITERIA = [
        ("accuracy", _("Content accuracy and curriculum fit")),
        ("methodology", _("Methodological value")),
        ("structure", _("Structure and clarity")),
        ("usefulness", _("Practical usefulness and originality")),
        ("design", _("Design and accessibility")),
    ]

    assignment = models.OneToOneField(
        ReviewAssignment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("assignment"),
    )
    accuracy = _score_field(_("content accuracy and curriculum fit"))
    accuracy_comment = models.TextField(
        _("comment on accuracy"), blank=True, max_length=2000
    )
    methodology = _score_field(_("methodological value"))
    methodology_comment = models.TextField(
        _("comment on methodology"), blank=True, max_length=2000
    )
    structure = _score_field(_("structure and clarity"))
    structure_comment = models.TextField(
        _("comment on structure"), blank=True, max_length=2000
    )
    usefulness = _score_field(_("practical usefulness and originality"))
    usefulness_comment = models.TextField(
        _("comment on usefulness"), blank=True, max_length=2000
    )
    design = _score_field(_("design and accessibility"))
    design_comment = models.TextField(
        _("comment on design"), blank=True, max_length=2000
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=ReviewRound.Decision.choices
    )
    summary = models.TextField(_("overall comment"), max_length=5000)
    # Hidden by a moderator (or by reports): gone from the material's page.
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        # Never the reviewer's name: reviews may be blind, and reports and
        # the audit log show this.
        return _("Expert review of %(title)s") % {
            "title": self.assignment.round.material.title
        }

    def get_absolute_url(self) -> str:
        url = reverse(
            "materials:detail", kwargs={"pk": self.assignment.round.material_id}
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


class TakedownRequest(models.Model):
    """A copyright holder's request to take a material down (no account needed)."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for a moderator")
        UPHELD = "upheld", _("material hidden")
        REJECTED = "rejected", _("rejected")
        ANSWERED = "answered", _("the author answered")
        RESTORED = "restored", _("material shown again")

    material = models.ForeignKey(
        Material,
        on_delete=models.SET_NULL,
        null=True,
        related_name="takedown_requests",
        verbose_name=_("material"),
    )
    material_title = models.CharField(_("material"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    work = models.TextField(
        _("the original work and the rights to it"), max_length=5000
    )
    details = models.TextField(_("what the material copies"), max_length=5000)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("moderator's note"), blank=True, max_length=1000)
    author_answer = models.TextField(
        _("the author's answer"), blank=True, max_length=5000
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("takedown request")
        verbose_name_plural = _("takedown requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.material_title} ({self.name})"
