"""How materials read for the site search."""

from django.utils.translation import gettext_lazy as _

from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def material_document(material) -> SearchDocument | None:
    if not material.is_published or material.is_hidden:
        return None
    return SearchDocument(
        title=material.title,
        url=material.get_absolute_url(),
        date=material.published_at,
        body=f"{material.summary} {plain_text(material.description_html)}",
        tags=[tag.name for tag in material.tags.all()],
        subject_ids=[material.subject_id],
        grade_slugs=[grade.slug for grade in material.grades.all()],
        author_id=material.author_id,
    )


def register() -> None:
    from materials.models import Material

    searchable_register(
        SearchKind(
            key="materials",
            label=_("Materials"),
            model=Material,
            document=material_document,
            queryset=lambda: Material.objects.prefetch_related("tags", "grades"),
            order=30,
        )
    )
