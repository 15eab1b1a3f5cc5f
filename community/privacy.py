"""What the site's staff do not read: items private to the members they concern.

An app names its private models in ``AppConfig.ready()`` with
``private_model_register`` (conversations: a conversation, a message). The
admin site then names no such item by its title where it lists what points
to one (a notification about a new message: the conversation's subject is
its participants' own) and finds none by its title. A reported private item
is read through its report (``community.reports.Reportable.context_url``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from community.registry import Registry

_models: Registry[str, type[Model]] = Registry()


def private_model_register(model: type[Model]) -> None:
    """Have ``model``'s rows named by no title in the staff's lists."""
    _models.register(model._meta.label, model)


def is_private_model(model: type[Model] | None) -> bool:
    return model is not None and model._meta.label in _models


def private_content_type_ids() -> list[int]:
    """The content types of the private models (cached by Django)."""
    return [ContentType.objects.get_for_model(model).pk for model in _models.values()]
