"""Consultation lines in the admin site, for site moderators.

Only lines: there is no admin list of conversations, messages, participants
or questions — staff read a conversation only through a report on one of its
messages (``hooks_moderation``). A line saved here goes through the services
(``services.lines.line_create``, ``line_update``), which render its
description and move the pages that list it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conversations.models import Line
from conversations.services import lines as services

FIELDS = ("title", "description", "answer_within_days", "is_active")


class LineAdminForm(forms.ModelForm):
    class Meta:
        model = Line
        fields = ["title", "subject", "community", "description", *FIELDS[2:]]

    def clean(self):
        data = super().clean()
        # A line's owner is chosen once, when it is made.
        if (
            self.instance.pk is None
            and "subject" in self.fields
            and bool(data.get("subject")) == bool(data.get("community"))
        ):
            raise ValidationError(_("Choose a subject or a community: one of them."))
        return data


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    form = LineAdminForm
    list_display = ["title", "owner", "answer_within_days", "is_active", "created_at"]
    list_filter = ["is_active", "subject"]
    search_fields = ["title", "slug"]
    ordering = ["title"]
    raw_id_fields = ["community"]
    readonly_fields = ["slug", "created_by", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Made for a subject or a community, it stays theirs.
        if obj is not None:
            return [*self.readonly_fields, "subject", "community"]
        return self.readonly_fields

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("subject", "community")

    @admin.display(description=_("belongs to"))
    def owner(self, obj: Line) -> str:
        if obj.subject_id:
            return obj.subject.name
        return obj.community.name if obj.community_id else "—"

    def view_on_site(self, obj: Line) -> str:
        return reverse("lines:detail", args=[obj.slug])

    def save_model(self, request: HttpRequest, obj: Line, form, change: bool) -> None:
        values = {
            name: form.cleaned_data.get(name, getattr(obj, name)) for name in FIELDS
        }
        try:
            if change:
                services.line_update(
                    line=Line.objects.get(pk=obj.pk), by=request.user, **values
                )
            else:
                line = services.line_create(
                    by=request.user,
                    subject=form.cleaned_data.get("subject"),
                    community=form.cleaned_data.get("community"),
                    **values,
                )
                obj.pk, obj.slug, obj.created_by = line.pk, line.slug, line.created_by
                obj.created_at = line.created_at
        except ValidationError as error:
            # The form checked the same rules: only a race gets here.
            raise PermissionDenied(error.messages[0]) from error

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A line with questions is switched off, not deleted: its questions
        # are conversations of their askers.
        return False
