"""The tags in the admin site: taggit's own admin, replaced by one whose
"Merge into one tag" action asks which of the selected tags survives and
merges through ``community.tags.tag_merge``."""

import taggit.admin  # noqa: F401 - registers taggit's admin first, to replace it
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.models import Tag

from community.tags import can_merge_tags, tag_merge, tag_rename


class TagMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=gettext_lazy("Keep this tag"),
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=gettext_lazy(
            "Everything tagged with the others gets this tag; the others are deleted."
        ),
    )

    def __init__(self, *args, tags: list[Tag], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        target.queryset = Tag.objects.filter(pk__in=[tag.pk for tag in tags])
        uses = {tag.pk: getattr(tag, "uses", 0) for tag in tags}
        # The most used one is the likely survivor.
        target.initial = max(tags, key=lambda tag: uses[tag.pk]).pk
        target.label_from_instance = lambda tag: (
            _("%(name)s (used %(count)s)")
            % {
                "name": tag.name,
                "count": uses.get(tag.pk, 0),
            }
        )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "uses"]
    ordering = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(uses=Count("taggit_taggeditem_items"))
        )

    @admin.display(description=gettext_lazy("uses"), ordering="uses")
    def uses(self, tag: Tag) -> int:
        return tag.uses

    def save_model(self, request: HttpRequest, obj: Tag, form, change: bool) -> None:
        if change and {"name", "slug"} & set(form.changed_data):
            tag_rename(tag=obj, moderator=request.user)  # search shows tag names
        elif not change:
            super().save_model(request, obj, form, change)

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return can_merge_tags(request.user)

    @admin.action(description=gettext_lazy("Merge into one tag"), permissions=["merge"])
    def merge_tags(self, request: HttpRequest, queryset: QuerySet):
        tags = list(queryset.order_by("name", "pk"))
        if len(tags) < 2:
            self.message_user(
                request, _("Select at least two tags to merge."), messages.WARNING
            )
            return None
        form = TagMergeForm(request.POST if "post" in request.POST else None, tags=tags)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [tag for tag in tags if tag.pk != target.pk]
            try:
                tag_merge(sources=sources, target=target, moderator=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _("Merged %(sources)s into «%(target)s».")
                % {
                    "sources": ", ".join(f"«{tag.name}»" for tag in sources),
                    "target": target.name,
                },
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.model._meta,
            "tags": tags,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/taggit/tag/merge_confirmation.html", context
        )
