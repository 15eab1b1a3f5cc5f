from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from conversations import hooks, hooks_lines, hooks_moderation

        hooks.register()
        hooks_lines.register()
        hooks_moderation.register()
