from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from courses import hooks, hooks_learning, hooks_moderation, navigation

        hooks.register()
        hooks_learning.register()
        hooks_moderation.register()
        navigation.register()
