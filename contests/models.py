"""Polls, contests with honest juries, and network projects.

**Polls** (``Poll``) stand on a forum topic (a community's too): one choice,
several (up to ``max_choices``) or a 1–5 scale; results shown always, after
voting, after closing or to moderators only; voters shown or secret; a close
date; everyone who may read the topic, or the community's members only. A
member's ``PollBallot`` is one row per poll (unique), its choices
``PollChoice`` rows; the counts shown are kept by the services under the
poll's row lock (``PollOption.vote_count``, ``Poll.voter_count``).

**Contests** (``Contest``) are organised by moderators or by a community's
owner: rules in Markdown, nominations (``Nomination``, each with its rubric:
criteria scored 1–5), a window for entries and one for judging. An entry
(``Entry``) is a material of the library or a text, by one or several
authors. Judges (``Judge``: experts assigned, or taking the contest's
entries in their subject) score entries blind (``Score``), never one of
their own or from their own school. An optional public vote
(``PublicVote``: members past ``CONTESTS_VOTER_MIN_DAYS``, one per
nomination). Results are frozen when the contest is finished (places kept on
the entries, audited); a disqualification carries a reason the authors see.
Each author of a placed or judged entry gets a diploma (``Diploma``: winner,
prize-winner, participant), issued once, verified at
``/certificates/<code>/``.

**Network projects** (``Project``): a coordinator, a goal, stages with
deadlines (``Stage``), teams (``Team``, ``TeamMember``: one team per member
and project), each stage's result (``StageResult``: a text or a material)
with the coordinator's feedback; the final product published as a material
with every member of the team credited.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _code() -> str:
    return secrets.token_urlsafe(12)


# --- Polls -----------------------------------------------------------------------


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("one answer")
        MULTIPLE = "multiple", _("several answers")
        SCALE = "scale", _("a scale from 1 to 5")

    class Results(models.TextChoices):
        ALWAYS = "always", _("always")
        VOTED = "voted", _("after voting")
        CLOSED = "closed", _("after the poll closes")
        STAFF = "staff", _("to moderators only")

    class Audience(models.TextChoices):
        READERS = "readers", _("everyone who may read the topic")
        COMMUNITY = "community", _("the community's members only")

    topic = models.OneToOneField(
        "forums.Topic",
        on_delete=models.CASCADE,
        related_name="poll",
        verbose_name=_("topic"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE
    )
    # A multiple-choice poll: at most so many options a ballot.
    max_choices = models.PositiveSmallIntegerField(
        _("answers at most"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    results = models.CharField(
        _("results shown"),
        max_length=10,
        choices=Results.choices,
        default=Results.ALWAYS,
    )
    # Secret voters: no page, feed event or notification names who voted.
    voters_shown = models.BooleanField(_("voters shown"), default=False)
    audience = models.CharField(
        _("who votes"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.READERS,
    )
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    # Closed early by its author or a moderator.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Kept by the services under the poll's row lock.
    voter_count = models.PositiveIntegerField(_("voters"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return self.topic.get_absolute_url() + "#poll"


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=200)
    # A scale's options carry their number (1–5); kept by the services.
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PollBallot(models.Model):
    """A member's vote in a poll: one per member (a double submit answers as
    one); the choices are its ``PollChoice`` rows."""

    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("poll")
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("voter"),
    )
    created_at = models.DateTimeField(_("voted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter"], name="contests_one_ballot_per_voter"
            )
        ]

    def __str__(self) -> str:
        return str(self.poll)


class PollChoice(models.Model):
    ballot = models.ForeignKey(
        PollBallot,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("ballot"),
    )
    option = models.ForeignKey(
        PollOption,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("answer"),
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "option"], name="contests_one_choice_per_option"
            )
        ]

    def __str__(self) -> str:
        return str(self.option)


# --- Contests --------------------------------------------------------------------


class ContestQuerySet(models.QuerySet):
    def public(self) -> "ContestQuerySet":
        """Published or finished and not hidden: what everyone may read."""
        return self.filter(
            status__in=[Contest.Status.PUBLISHED, Contest.Status.FINISHED],
            is_hidden=False,
        )


class Contest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("announced")
        FINISHED = "finished", _("results announced")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    rules = models.TextField(_("rules"), max_length=20_000)
    rules_html = models.TextField(_("rules, as shown"), editable=False, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contests_organised",
        verbose_name=_("organiser"),
    )
    # Organised by a community's owner: shown as the community's contest.
    community = models.ForeignKey(
        "circles.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contests",
        verbose_name=_("community"),
    )
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
        help_text=_("Members who teach it are told of the contest; its experts judge."),
    )
    submissions_open_at = models.DateTimeField(_("entries from"))
    submissions_close_at = models.DateTimeField(_("entries until"))
    judging_close_at = models.DateTimeField(_("judging until"))
    # How many judges' scores an entry needs before it is placed.
    judges_per_entry = models.PositiveSmallIntegerField(
        _("judges per entry"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # The public vote: members past the days the settings say, one vote per
    # nomination, while the judging lasts.
    public_vote = models.BooleanField(_("public vote"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    published_at = models.DateTimeField(_("announced"), null=True, blank=True)
    finished_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("results announced by"),
    )
    # Kept by the services.
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContestQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-submissions_open_at", "-pk"]
        indexes = [models.Index(fields=["status", "is_hidden", "submissions_close_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(submissions_close_at__gt=models.F("submissions_open_at")),
                name="contests_entries_close_after_open",
                violation_error_message=_("Entries must close after they open."),
            ),
            models.CheckConstraint(
                condition=Q(judging_close_at__gt=models.F("submissions_close_at")),
                name="contests_judging_after_entries",
                violation_error_message=_("Judging must end after entries close."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contests:detail", kwargs={"slug": self.slug})


class Nomination(models.Model):
    """A nomination and its rubric: the criteria judges score 1–5."""

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("contest"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    # [{"key": "idea", "title": "Идея и новизна"}, ...]: 1 to 8 criteria.
    criteria = models.JSONField(_("criteria"), default=list)
    # Places that make prize-winners (the first is the winner).
    prize_places = models.PositiveSmallIntegerField(
        _("prize places"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["contest", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Entry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DISQUALIFIED = "disqualified", _("disqualified")

    class Result(models.TextChoices):
        NONE = "", _("no result yet")
        WINNER = "winner", _("winner")
        PRIZE = "prize", _("prize-winner")
        PARTICIPANT = "participant", _("participant")

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("contest"),
    )
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("nomination"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_entries_submitted",
        verbose_name=_("submitted by"),
    )
    # Every author, the one who submitted included (at most 10).
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="contest_entries",
        verbose_name=_("authors"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=50_000, blank=True)
    text_html = models.TextField(_("text, as shown"), editable=False, blank=True)
    material = models.ForeignKey(
        "materials.Material",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contest_entries",
        verbose_name=_("material from the library"),
    )
    # The material's version as entered (set on submitting and whenever the
    # material changes): what the jury judges and the entry's page shows,
    # whatever versions the material gets later.
    material_version = models.ForeignKey(
        "materials.MaterialVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version of the material entered"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    disqualified_reason = models.TextField(
        _("reason for disqualification"), blank=True, max_length=2000
    )
    disqualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disqualified by"),
    )
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Kept by the services: scores written, their mean (of each judge's mean
    # over the criteria), public votes; the place and result frozen at the end.
    score_count = models.PositiveSmallIntegerField(_("scores"), default=0)
    score = models.DecimalField(
        _("score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    vote_count = models.PositiveIntegerField(_("public votes"), default=0)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=12, choices=Result.choices, default="", blank=True
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["contest", "nomination", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="disqualified") | ~Q(disqualified_reason=""),
                name="contests_disqualified_with_reason",
                violation_error_message=_("A disqualification needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "contests:entry", kwargs={"slug": self.contest.slug, "pk": self.pk}
        )


class Judge(models.Model):
    """A member of a contest's jury: for one nomination, or every one."""

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="judges",
        verbose_name=_("contest"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_judging",
        verbose_name=_("judge"),
    )
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="judges",
        verbose_name=_("nomination"),
        help_text=_("Empty: every nomination."),
    )
    # None: an expert of the subject joined the jury herself.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("jury")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user"], name="contests_one_seat_per_judge"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Score(models.Model):
    """A judge's score of an entry against its nomination's rubric."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="scores", verbose_name=_("entry")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_scores",
        verbose_name=_("judge"),
    )
    # {"<criterion key>": 1..5} for every criterion of the nomination.
    marks = models.JSONField(_("marks"), default=dict)
    total = models.DecimalField(_("mean mark"), max_digits=4, decimal_places=2)
    comment = models.TextField(_("comment to the authors"), max_length=5000, blank=True)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        ordering = ["entry", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge"], name="contests_one_score_per_judge"
            )
        ]

    def __str__(self) -> str:
        # Never the judge's name: judging is blind.
        return _("Jury score of %(title)s") % {"title": self.entry.title}


class PublicVote(models.Model):
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        related_name="public_votes",
        verbose_name=_("nomination"),
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        related_name="public_votes",
        verbose_name=_("entry"),
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("voter"),
    )
    created_at = models.DateTimeField(_("voted"), auto_now_add=True)

    class Meta:
        verbose_name = _("public vote")
        verbose_name_plural = _("public votes")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "voter"],
                name="contests_one_public_vote_per_nomination",
            )
        ]

    def __str__(self) -> str:
        return str(self.entry)


class Diploma(models.Model):
    """A contest's diploma, issued once per entry and author; what it says is
    kept as issued."""

    class Kind(models.TextChoices):
        WINNER = "winner", pgettext_lazy("diploma", "winner")
        PRIZE = "prize", pgettext_lazy("diploma", "prize-winner")
        PARTICIPANT = "participant", pgettext_lazy("diploma", "participant")

    entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        related_name="diplomas",
        verbose_name=_("entry"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_diplomas",
        verbose_name=_("holder"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=32, unique=True)
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=_code
    )
    holder_name = models.CharField(_("holder's name"), max_length=200)
    contest_title = models.CharField(_("contest"), max_length=200)
    nomination_title = models.CharField(_("nomination"), max_length=200)
    entry_title = models.CharField(_("entry"), max_length=200)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    organiser_name = models.CharField(_("organiser"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "holder"], name="contests_one_diploma_per_author"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certificate_verify", kwargs={"code": self.code})


# --- Network projects ------------------------------------------------------------


class ProjectQuerySet(models.QuerySet):
    def public(self) -> "ProjectQuerySet":
        return self.exclude(status=Project.Status.DRAFT).filter(is_hidden=False)


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        RECRUITING = "recruiting", _("teams forming")
        ACTIVE = "active", _("under way")
        COMPLETED = "completed", _("completed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    goal = models.TextField(_("goal and product"), max_length=20_000)
    goal_html = models.TextField(_("goal, as shown"), editable=False, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="projects_coordinated",
        verbose_name=_("coordinator"),
    )
    subject = models.ForeignKey(
        "community.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    team_size = models.PositiveSmallIntegerField(
        _("members in a team at most"),
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # The final product, published as a material with each member of the
    # team that made it credited.
    product = models.ForeignKey(
        "materials.Material",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final product"),
    )
    product_team = models.ForeignKey(
        "Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team of the final product"),
    )
    # Kept by the services.
    team_count = models.PositiveIntegerField(_("teams"), default=0)
    member_count = models.PositiveIntegerField(_("participants"), default=0)
    published_at = models.DateTimeField(_("announced"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("network project")
        verbose_name_plural = _("network projects")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"slug": self.slug})


class Stage(models.Model):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("project"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    task = models.TextField(_("task"), max_length=10_000, blank=True)
    task_html = models.TextField(_("task, as shown"), editable=False, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    # The teams reminded before the deadline: claimed once.
    reminder_claimed_at = models.DateTimeField(
        _("reminder claimed"), null=True, blank=True, editable=False
    )
    reminded_at = models.DateTimeField(
        _("reminded"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Team(models.Model):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="teams",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Kept by the services: members, and how many schools and regions they
    # come from (a project prefers teams of several).
    member_count = models.PositiveSmallIntegerField(_("members"), default=0)
    school_count = models.PositiveSmallIntegerField(_("schools"), default=0)
    region_count = models.PositiveSmallIntegerField(_("regions"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["project", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="contests_team_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    # The project too: one team per member and project.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_teams",
        verbose_name=_("member"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="contests_one_team_per_project"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class StageResult(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for feedback")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for revision")

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="results", verbose_name=_("stage")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="results", verbose_name=_("team")
    )
    text = models.TextField(_("text"), max_length=50_000, blank=True)
    text_html = models.TextField(_("text, as shown"), editable=False, blank=True)
    material = models.ForeignKey(
        "materials.Material",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material from the library"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    feedback = models.TextField(
        _("coordinator's feedback"), max_length=10_000, blank=True
    )
    feedback_html = models.TextField(
        _("feedback, as shown"), editable=False, blank=True
    )
    feedback_at = models.DateTimeField(_("feedback given"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        ordering = ["stage", "team", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "team"], name="contests_one_result_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} — {self.stage}"
