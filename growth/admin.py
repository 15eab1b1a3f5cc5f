"""«Мой путь» in the admin site: the frameworks, and nothing of the members'.

A framework version is edited on its page: its competencies and its targets
inline, each target's criteria on the target's page. The evidence that
counts for a competency is chosen among the sources apps registered
(``community.attainments``); its suggestion tags are written as a list.

A version plans were made with is only read: a plan keeps the version it
was made with, so a change is made on a copy («Копировать как новую
версию», ``services.framework.framework_version_copy``), which is then made
current (``framework_version_make_current``); the plans made before keep
theirs.

Plans, their items, comments and history, mentorships and evidence are the
member's and her mentor's own (``community.privacy``): the staff have no
page for them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from growth.models import Competency, Criterion, FrameworkVersion, Plan, Target
from growth.services.framework import (
    framework_version_copy,
    framework_version_make_current,
)


def _source_choices() -> list[tuple[str, str]]:
    from community.attainments import attainment_sources

    return [(source.key, source.title) for source in attainment_sources()]


def _in_use(obj) -> bool:
    """Whether a plan was made with the version (``obj``, or a target's),
    which is then only read; asked once per object."""
    if obj is None or obj.pk is None:
        return False
    if not hasattr(obj, "_growth_in_use"):
        version_id = obj.pk if isinstance(obj, FrameworkVersion) else obj.version_id
        obj._growth_in_use = Plan.objects.filter(target__version_id=version_id).exists()
    return obj._growth_in_use


class TagListField(forms.CharField):
    """A list of tag names written with commas: lower-cased, each once."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        tags: list[str] = []
        for part in text.split(","):
            tag = " ".join(part.split()).lower()
            if tag and tag not in tags:
                tags.append(tag)
        return tags

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for tag in value:
            if len(tag) > 100:
                raise ValidationError(
                    _("A tag is at most 100 characters long: “%(tag)s”."),
                    code="long",
                    params={"tag": tag[:40]},
                )


class CompetencyForm(forms.ModelForm):
    evidence_kinds = forms.MultipleChoiceField(
        label=_("evidence that counts"),
        choices=_source_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What members do on Kollegi that counts for this competency."),
    )
    suggestion_tags = TagListField(
        label=_("suggestion tags"),
        required=False,
        help_text=_(
            "Separated by commas: courses, master-classes and communities so "
            "tagged are suggested where evidence is thin."
        ),
    )

    class Meta:
        model = Competency
        fields = [
            "code",
            "function",
            "title",
            "description",
            "evidence_kinds",
            "suggestion_tags",
            "order",
        ]


class _VersionPart:
    """An inline of a version's page: only read once plans use the version."""

    extra = 0

    def _locked(self, obj) -> bool:
        # ``obj``: the page's version, or the target whose criteria these are.
        return _in_use(obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class CompetencyInline(_VersionPart, admin.StackedInline):
    model = Competency
    form = CompetencyForm
    ordering = ["order", "code"]


class TargetInline(_VersionPart, admin.TabularInline):
    model = Target
    fields = ["code", "title", "description", "order", "criteria_link"]
    readonly_fields = ["criteria_link"]
    ordering = ["order", "pk"]

    @admin.display(description=_("criteria"))
    def criteria_link(self, obj: Target) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:growth_target_change", args=[obj.pk]),
            _("Criteria of the target"),
        )


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    """The standard and the attestation targets, version by version."""

    list_display = [
        "number",
        "title",
        "is_current",
        "competency_count",
        "target_count",
        "in_use",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    fields = ["number", "title", "note", "is_current"]
    readonly_fields = ["is_current"]
    inlines = [CompetencyInline, TargetInline]
    actions = ["copy_as_new_version", "make_current"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                competencies_total=Count("competencies", distinct=True),
                targets_total=Count("targets", distinct=True),
                used=Exists(Plan.objects.filter(target__version=OuterRef("pk"))),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # The number is chosen once: plans and the files name it.
        return ["number", "is_current"] if obj is not None else ["is_current"]

    @admin.display(description=_("competencies"), ordering="competencies_total")
    def competency_count(self, obj: FrameworkVersion) -> int:
        return obj.competencies_total

    @admin.display(description=_("targets"), ordering="targets_total")
    def target_count(self, obj: FrameworkVersion) -> int:
        return obj.targets_total

    @admin.display(description=_("plans made with it"), boolean=True)
    def in_use(self, obj: FrameworkVersion) -> bool:
        return obj.used

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _in_use(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and (obj.is_current or _in_use(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None and request.method == "GET" and _in_use(version):
            self.message_user(
                request,
                _(
                    "Plans were made with this version, and each keeps the version "
                    "it was made with: it is only read. To change it, copy it as a "
                    "new version, edit the copy and make it current."
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request: HttpRequest) -> dict:
        # Deleting in bulk would list what protects a version in use: the
        # members' plans, which the staff do not read. One by one instead,
        # on the version's page (refused once plans use it).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Copy as a new version"), permissions=["add"])
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet) -> None:
        for version in queryset.order_by("number"):
            copy = framework_version_copy(version, actor=request.user)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Copied as version %(number)d:") % {"number": copy.number},
                    reverse("admin:growth_frameworkversion_change", args=[copy.pk]),
                    copy,
                ),
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Make current (new plans are made with it)"),
        permissions=["change"],
    )
    def make_current(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one version to make current."), messages.ERROR
            )
            return
        version = queryset.get()
        try:
            framework_version_make_current(version, actor=request.user)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return
        self.message_user(
            request,
            _("New plans are made with version %(number)d.")
            % {"number": version.number},
            messages.SUCCESS,
        )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "code",
            "title",
            "description",
            "competencies",
            "min_evidence",
            "order",
        ]
        widgets = {"competencies": forms.CheckboxSelectMultiple}

    def __init__(self, *args, target: Target | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        if "competencies" in self.fields and target is not None:
            self.fields["competencies"].queryset = Competency.objects.filter(
                version_id=target.version_id
            ).order_by("order", "code")

    def clean_competencies(self):
        chosen = self.cleaned_data["competencies"]
        if self.target is not None and any(
            competency.version_id != self.target.version_id for competency in chosen
        ):
            raise ValidationError(
                _("A criterion counts competencies of its own version only."),
                code="version",
            )
        return chosen


class CriterionInline(_VersionPart, admin.StackedInline):
    model = Criterion
    form = CriterionForm
    ordering = ["order", "pk"]

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Each form offers the competencies of the target's version.
        formset.form = type(
            "CriterionForm",
            (formset.form,),
            {"__init__": _with_target(formset.form.__init__, obj)},
        )
        return formset


def _with_target(init, target):
    def __init__(self, *args, **kwargs):
        init(self, *args, target=target, **kwargs)

    return __init__


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """An attestation target and its criteria (added on its version's page)."""

    list_display = ["title", "code", "version", "order", "criterion_count"]
    list_select_related = ["version"]
    list_filter = ["version", "code"]
    fields = ["version", "code", "title", "description", "order"]
    readonly_fields = ["version", "code"]
    inlines = [CriterionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(criteria_total=Count("criteria", distinct=True))
        )

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criterion_count(self, obj: Target) -> int:
        return obj.criteria_total

    def get_actions(self, request: HttpRequest) -> dict:
        # As versions: never a list of what protects a target (the plans).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _in_use(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _in_use(obj):
            return False
        return super().has_delete_permission(request, obj)
