"""The registry of what members can report, and how a moderator hides it.

Apps register their kinds in ``AppConfig.ready()`` with
``reportable_register``: the model, who may see it, who wrote it (a member
cannot report their own), and the app's own service that hides it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from community.registry import Registry


@dataclass(frozen=True)
class Reportable:
    key: str
    model: type[Model]
    label: Promise
    visible_to: Callable[[object], QuerySet]
    owner_id: Callable[[Model], int | None]
    # hide(obj, moderator, reason): the app's service, with its own checks.
    hide: Callable[[Model, object, str], object]
    # auto_hide(obj, hidden): hidden by reports until a moderator looks.
    auto_hide: Callable[[Model, bool], object]
    # moderated_by(user, obj): a moderator of part of the site (a forum
    # section's) who may resolve reports on this item; site moderators always may.
    moderated_by: Callable[[object, Model], bool] | None = None
    # title(obj): how moderators and the reporter see the item named; str() if None.
    title: Callable[[Model], str] | None = None
    # context_url(report): a private item (a message in a conversation) is
    # read by the moderators only at this address, which puts each reading on
    # record; the reports' pages name it by its title and link there, and show
    # neither its text nor where it was said.
    context_url: Callable[[Model], str] | None = None


_registry: Registry[str, Reportable] = Registry()


def reportable_register(
    model: type[Model],
    *,
    key: str,
    label: Promise,
    visible_to: Callable[[object], QuerySet],
    owner_id: Callable[[Model], int | None],
    hide: Callable[[Model, object, str], object],
    auto_hide: Callable[[Model, bool], object],
    moderated_by: Callable[[object, Model], bool] | None = None,
    title: Callable[[Model], str] | None = None,
    context_url: Callable[[Model], str] | None = None,
) -> None:
    reportable = Reportable(
        key,
        model,
        label,
        visible_to,
        owner_id,
        hide,
        auto_hide,
        moderated_by,
        title,
        context_url,
    )
    _registry.register(key, reportable)


def reportable_get(key: str) -> Reportable | None:
    return _registry.get(key)


def reportable_for_model(model: type[Model]) -> Reportable | None:
    for item in _registry.values():
        if item.model is model:
            return item
    return None


def report_context_url(report) -> str:
    """Where the moderators read a reported private item (its kind's
    ``context_url``), or "" for an item read at its own address."""
    kind = reportable_for_model(report.target_type.model_class())
    if kind is None or kind.context_url is None:
        return ""
    return kind.context_url(report)


def can_resolve_report(user, kind: Reportable | None, target: Model | None) -> bool:
    # Site moderators; for some kinds also the moderators of the item's part.
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.has_perm("community.change_report"):
        return True
    return bool(
        kind is not None
        and target is not None
        and kind.moderated_by is not None
        and kind.moderated_by(user, target)
    )
