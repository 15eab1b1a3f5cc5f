"""Contests, polls and network projects in the admin site: moderators read,
hide, close and seat judges.

Every change goes through the services: a contest, an entry or a project
hidden or shown again (``services.contests.contest_hide``,
``services.entries.entry_hide``, ``services.projects.project_hide``), a
jury's comment hidden (``moderation.score_hide``), a poll closed
(``services.polls.poll_close``), a judge seated or unseated
(``services.judging.judge_assign``, ``judge_remove``). The services are
imported inside the methods that call them. Scores, public votes,
diplomas, teams and stage results are records: only read here.

A poll's ballots and their choices have no admin at all: with secret
voters nobody — a moderator or a superuser either — reads who voted. A
poll's page here shows its answers with their counts and the number of
voters only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contests import moderation
from contests.models import (
    Contest,
    Diploma,
    Entry,
    Judge,
    Nomination,
    Poll,
    PollOption,
    Project,
    PublicVote,
    Score,
    Stage,
    StageResult,
    Team,
    TeamMember,
)


def _all_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields]


def _error(admin_: admin.ModelAdmin, request: HttpRequest, obj, error) -> None:
    text = error.messages[0] if isinstance(error, ValidationError) else str(error)
    admin_.message_user(request, f"{obj}: {text}", messages.ERROR)


class _Record:
    """Only read: nothing added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class _ReadInline(_Record, admin.TabularInline):
    extra = 0
    can_delete = False


class _HideActions:
    """Everything is read only but «hidden», which the service writes (and
    what follows it: the feed, search, visitors' pages); the actions hide
    and show again through ``hide(obj, moderator, hidden=)``."""

    actions = ["hide_selected", "show_selected"]

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        raise NotImplementedError

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return moderation.can_moderate_contests(request.user)

    def _hide(self, request: HttpRequest, obj, *, hidden: bool) -> None:
        try:
            self.hide(obj, request.user, hidden=hidden)
        except (ValidationError, PermissionDenied) as error:
            _error(self, request, obj, error)

    def save_model(self, request, obj, form, change) -> None:
        # The one editable field goes through the service; a form saved
        # without changing it is no moderator's call.
        hidden = obj.is_hidden
        obj.is_hidden = type(obj).objects.get(pk=obj.pk).is_hidden
        if hidden != obj.is_hidden:
            self._hide(request, obj, hidden=hidden)

    @admin.action(description=_("Hide selected"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self._hide(request, obj, hidden=True)
        self.message_user(request, _("Done."), messages.SUCCESS)

    @admin.action(description=_("Show selected again"), permissions=["moderate"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self._hide(request, obj, hidden=False)
        self.message_user(request, _("Done."), messages.SUCCESS)


# --- Polls ----------------------------------------------------------------------------


class PollOptionInline(_ReadInline):
    model = PollOption
    fields = ["position", "text", "value", "vote_count"]
    readonly_fields = fields
    ordering = ["position", "pk"]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    """Polls on forum topics: read, and closed early through the service.
    The answers with their counts and the number of voters; never who
    voted."""

    list_display = [
        "question",
        "topic",
        "kind",
        "results",
        "voters_shown",
        "voter_count",
        "closes_at",
        "closed_at",
    ]
    list_select_related = ["topic"]
    list_filter = ["kind", "results", "voters_shown", "audience"]
    search_fields = ["question", "topic__title"]
    date_hierarchy = "created_at"
    readonly_fields = _all_fields(Poll)
    inlines = [PollOptionInline]
    actions = ["close_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return moderation.can_moderate_contests(request.user)

    def save_model(self, request, obj, form, change) -> None:
        # Nothing here is written by a form: closing is the action's.
        return

    @admin.action(description=_("Close selected polls"), permissions=["moderate"])
    def close_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        from contests.services import polls

        for poll in queryset.filter(closed_at__isnull=True):
            try:
                polls.poll_close(poll=poll, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                _error(self, request, poll, error)
        self.message_user(request, _("Done."), messages.SUCCESS)


@admin.register(PollOption)
class PollOptionAdmin(_Record, admin.ModelAdmin):
    list_display = ["text", "poll", "position", "vote_count"]
    list_select_related = ["poll"]
    search_fields = ["text", "poll__question"]
    readonly_fields = _all_fields(PollOption)


# --- Contests -----------------------------------------------------------------------


class NominationInline(_ReadInline):
    model = Nomination
    fields = ["position", "title", "prize_places", "criteria"]
    readonly_fields = fields
    ordering = ["position", "pk"]


@admin.register(Contest)
class ContestAdmin(_HideActions, admin.ModelAdmin):
    list_display = [
        "title",
        "organiser",
        "community",
        "status",
        "submissions_close_at",
        "judging_close_at",
        "entry_count",
        "is_hidden",
    ]
    list_select_related = ["organiser", "community"]
    list_filter = ["status", "is_hidden", "public_vote", "subject"]
    search_fields = ["title", "slug", "organiser__email"]
    date_hierarchy = "submissions_open_at"
    readonly_fields = [name for name in _all_fields(Contest) if name != "is_hidden"]
    inlines = [NominationInline]

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        from contests.services import contests

        contests.contest_hide(
            contest=obj, moderator=moderator, reason="", hidden=hidden
        )


@admin.register(Nomination)
class NominationAdmin(_Record, admin.ModelAdmin):
    list_display = ["title", "contest", "position", "prize_places"]
    list_select_related = ["contest"]
    search_fields = ["title", "contest__title"]
    readonly_fields = _all_fields(Nomination)


# What names an entry's authors (its material leads to them in the library).
AUTHOR_FIELDS = ("submitted_by", "author_names", "material", "material_version")


@admin.register(Entry)
class EntryAdmin(_HideActions, admin.ModelAdmin):
    """Entries, their authors shown — but never to a moderator who judges
    the entry's contest before its results are out: judging is blind. The
    rows carry whether the viewer judges their contest (``viewer_judges``);
    a row read without it is taken as judged."""

    list_display = [
        "title",
        "contest",
        "nomination",
        "submitter",
        "status",
        "score",
        "vote_count",
        "result",
        "place",
        "is_hidden",
    ]
    list_select_related = ["contest", "nomination", "submitted_by"]
    list_filter = ["status", "result", "is_hidden"]
    search_fields = ["title", "contest__title", "submitted_by__email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        *(name for name in _all_fields(Entry) if name != "is_hidden"),
        "author_names",
    ]
    exclude = ["authors"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                viewer_judges=Exists(
                    Judge.objects.filter(
                        contest_id=OuterRef("contest_id"), user_id=request.user.pk
                    )
                )
            )
        )

    def get_fields(self, request: HttpRequest, obj=None) -> list:
        fields = super().get_fields(request, obj)
        if obj is not None and _blind(obj):
            return [name for name in fields if name not in AUTHOR_FIELDS]
        return fields

    def get_search_fields(self, request: HttpRequest) -> list:
        # A judge of a contest without results does not find entries by
        # their author's address (in any contest: the search is one).
        fields = super().get_search_fields(request)
        judging = (
            Judge.objects.filter(user_id=request.user.pk)
            .exclude(contest__status=Contest.Status.FINISHED)
            .exists()
        )
        if judging:
            return [name for name in fields if not name.startswith("submitted_by")]
        return fields

    @admin.display(description=_("submitted by"))
    def submitter(self, obj: Entry) -> str:
        if _blind(obj):
            return "—"
        return str(obj.submitted_by)

    @admin.display(description=_("authors"))
    def author_names(self, obj: Entry) -> str:
        if _blind(obj):
            return "—"
        names = [
            user.profile.shown_name
            for user in obj.authors.select_related("profile").order_by("pk")
        ]
        return ", ".join(names) or "—"

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        from contests.services import entries

        entries.entry_hide(entry=obj, moderator=moderator, reason="", hidden=hidden)


def _blind(entry: Entry) -> bool:
    """The viewer judges the entry's contest (read with the row; unknown
    counts as yes) and its results are not out."""
    return (
        getattr(entry, "viewer_judges", True)
        and entry.contest.status != Contest.Status.FINISHED
    )


class JudgeForm(forms.ModelForm):
    class Meta:
        model = Judge
        fields = ["contest", "user", "nomination"]

    def clean(self):
        data = super().clean()
        contest, nomination = data.get("contest"), data.get("nomination")
        if contest and nomination and nomination.contest_id != contest.pk:
            raise ValidationError(
                _("The nomination is not one of this contest's."), code="nomination"
            )
        return data


@admin.register(Judge)
class JudgeAdmin(admin.ModelAdmin):
    """The juries: a moderator seats a judge by adding one (an expert, told
    of it) and unseats one who scored nothing by deleting."""

    form = JudgeForm
    list_display = ["user", "contest", "nomination", "assigned_by", "created_at"]
    list_select_related = ["user", "contest", "nomination", "assigned_by"]
    search_fields = ["contest__title", "user__email"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        from contests.services import judging

        try:
            judge = judging.judge_assign(
                contest=form.cleaned_data["contest"],
                user=form.cleaned_data["user"],
                nomination=form.cleaned_data.get("nomination"),
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _error(self, request, obj, error)
            return
        obj.pk = judge.pk

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            # Refused by the service: its reason is in the messages.
            return HttpResponseRedirect(reverse("admin:contests_judge_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj) -> None:
        from contests.services import judging

        try:
            judging.judge_remove(judge=obj, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            _error(self, request, obj, error)

    def delete_queryset(self, request, queryset) -> None:
        for judge in queryset.select_related("contest", "user"):
            self.delete_model(request, judge)


@admin.register(Score)
class ScoreAdmin(_HideActions, admin.ModelAdmin):
    """A jury's scores: the marks are a record; the comment to the authors
    may be hidden."""

    list_display = ["__str__", "judge", "total", "is_hidden", "created_at"]
    list_select_related = ["entry", "judge"]
    list_filter = ["is_hidden"]
    search_fields = ["entry__title", "entry__contest__title", "comment"]
    readonly_fields = [name for name in _all_fields(Score) if name != "is_hidden"]

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        moderation.score_hide(score=obj, moderator=moderator, reason="", hidden=hidden)


@admin.register(PublicVote)
class PublicVoteAdmin(_Record, admin.ModelAdmin):
    """The contests' public votes, with the voter: what abuse is checked
    against (the request traces are the site's)."""

    list_display = ["entry", "nomination", "voter", "created_at"]
    list_select_related = ["entry", "nomination", "voter"]
    search_fields = ["entry__title", "voter__email"]
    date_hierarchy = "created_at"
    readonly_fields = _all_fields(PublicVote)


@admin.register(Diploma)
class DiplomaAdmin(_Record, admin.ModelAdmin):
    list_display = ["number", "holder", "kind", "contest_title", "place", "issued_at"]
    list_select_related = ["holder"]
    list_filter = ["kind"]
    search_fields = ["number", "code", "holder_name", "contest_title"]
    date_hierarchy = "issued_at"
    readonly_fields = _all_fields(Diploma)


# --- Network projects ------------------------------------------------------------


class StageInline(_ReadInline):
    model = Stage
    fields = ["position", "title", "deadline", "reminded_at"]
    readonly_fields = fields
    ordering = ["position", "pk"]


@admin.register(Project)
class ProjectAdmin(_HideActions, admin.ModelAdmin):
    list_display = [
        "title",
        "coordinator",
        "status",
        "team_count",
        "member_count",
        "is_hidden",
        "published_at",
    ]
    list_select_related = ["coordinator"]
    list_filter = ["status", "is_hidden", "subject"]
    search_fields = ["title", "slug", "coordinator__email"]
    date_hierarchy = "published_at"
    readonly_fields = [name for name in _all_fields(Project) if name != "is_hidden"]
    inlines = [StageInline]

    def hide(self, obj, moderator, *, hidden: bool) -> None:
        from contests.services import projects

        projects.project_hide(
            project=obj, moderator=moderator, reason="", hidden=hidden
        )


@admin.register(Stage)
class StageAdmin(_Record, admin.ModelAdmin):
    list_display = ["title", "project", "position", "deadline", "reminded_at"]
    list_select_related = ["project"]
    search_fields = ["title", "project__title"]
    readonly_fields = _all_fields(Stage)


class TeamMemberInline(_ReadInline):
    model = TeamMember
    fields = ["user", "joined_at"]
    readonly_fields = fields


@admin.register(Team)
class TeamAdmin(_Record, admin.ModelAdmin):
    list_display = [
        "name",
        "project",
        "member_count",
        "school_count",
        "region_count",
        "created_at",
    ]
    list_select_related = ["project"]
    search_fields = ["name", "project__title"]
    readonly_fields = _all_fields(Team)
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(_Record, admin.ModelAdmin):
    list_display = ["user", "team", "project", "joined_at"]
    list_select_related = ["user", "team", "project"]
    search_fields = ["team__name", "project__title", "user__email"]
    readonly_fields = _all_fields(TeamMember)


@admin.register(StageResult)
class StageResultAdmin(_Record, admin.ModelAdmin):
    list_display = ["__str__", "status", "submitted_by", "submitted_at", "feedback_at"]
    list_select_related = ["stage", "team", "submitted_by"]
    list_filter = ["status"]
    search_fields = ["stage__title", "team__name", "stage__project__title"]
    readonly_fields = _all_fields(StageResult)
