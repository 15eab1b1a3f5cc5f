"""The contests' list's filters, rendered once and kept in the cache.

The list spent about a third of its time rendering its filters' form (every
subject an option), the same for every reader of the same address. The form
is now kept, as the catalogue's is (``materials.list_fragments``): under the
address and its query (what the form shows, which filters are applied and
any error), the subjects (``materials.selectors_lists.vocabulary_digest``:
the admin edits them with no change function, so they are read with the
page, one query), the language and the templates' text
(``community.releases``). A GET form: no CSRF token, nothing of the viewer's.
"""

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from community.releases import kept_key, release_digest
from materials.selectors_lists import vocabulary_digest

FILTERS_TEMPLATE = "partials/components/filters.html"
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (FILTERS_TEMPLATE, "partials/form_fields.html")
TIMEOUT = 10 * 60


def filters_html(request, form) -> SafeString:
    """The list's filters (``FILTERS_TEMPLATE`` with ``form``), kept."""
    query = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))
    key = kept_key(
        "contests",
        "filters",
        (
            request.path,
            query,
            vocabulary_digest(),
            translation.get_language(),
            release_digest(TEMPLATES, icons=True),
        ),
    )
    html = cache.get(key)
    if html is None:
        html = get_template(FILTERS_TEMPLATE).render({"form": form, "request": request})
        cache.set(key, html, TIMEOUT)
    # Our own template's output: what the address carried was escaped.
    return mark_safe(html)  # noqa: S308
