"""What members can bookmark: each app registers its models in ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from community.registry import Registry


@dataclass(frozen=True)
class Bookmarkable:
    key: str
    model: type[Model]
    label: Promise
    visible_to: Callable[[object], QuerySet]


_registry: Registry[str, Bookmarkable] = Registry()


def bookmarkable_register(
    model: type[Model],
    *,
    key: str,
    label: Promise,
    visible_to: Callable[[object], QuerySet],
) -> None:
    """Let members bookmark ``model``; ``visible_to(user)`` limits what they may."""
    _registry.register(key, Bookmarkable(key, model, label, visible_to))


def bookmarkable_get(key: str) -> Bookmarkable | None:
    return _registry.get(key)


def bookmarkable_for_model(model: type[Model]) -> Bookmarkable | None:
    return next((item for item in _registry.values() if item.model is model), None)


def bookmarkables() -> list[Bookmarkable]:
    return list(_registry.values())


def register_defaults() -> None:
    from django.utils.translation import gettext_lazy as _

    from accounts.models import BlogPost

    bookmarkable_register(
        BlogPost,
        key="blogpost",
        label=_("Blog post"),
        visible_to=lambda user: BlogPost.objects.visible_to(user).select_related(
            "author"
        ),
    )
