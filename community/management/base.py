"""What every Kollegi management command shares: it speaks the site's language.

Django runs a command in whatever language happens to be active, and its own
``--help`` is English whatever the site's language. A ``SiteCommand`` runs
and describes itself in ``settings.LANGUAGE_CODE`` (Russian), the language of
the people who run the site: its output, its errors and every line of its
``--help``, Django's common options included.
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, DjangoHelpFormatter
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _common_help() -> dict[str, str]:
    """Help for the options argparse and Django add to every command, by dest."""
    return {
        "help": _("show this help and exit"),
        "version": _("show the Django version and exit"),
        "verbosity": _(
            "how much to say: 0 = as little as possible, 1 = normally, 2 and 3 = more"
        ),
        "settings": _(
            "the settings module, e.g. community.settings.production "
            "(otherwise DJANGO_SETTINGS_MODULE)"
        ),
        "pythonpath": _("a directory to add to the Python path"),
        "traceback": _("show the full traceback when the command fails"),
        "no_color": _("no colours in the output"),
        "force_color": _("colours in the output even when it is not a terminal"),
        "skip_checks": _("skip Django's system checks"),
    }


class SiteCommand(BaseCommand):
    """A management command that speaks the site's language.

    Subclasses write their ``help`` with ``gettext_lazy``, their options' help
    and their output with ``gettext``/``ngettext``.
    """

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> ArgumentParser:
        with translation.override(settings.LANGUAGE_CODE):
            usage = pgettext("command line", "usage: ")

            class Formatter(DjangoHelpFormatter):
                def add_usage(self, *args: Any, **kwargs: Any) -> None:
                    kwargs.setdefault("prefix", usage)
                    super().add_usage(*args, **kwargs)

            kwargs.setdefault("formatter_class", Formatter)
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            # argparse formats the description itself: a lazy string would
            # break it, and the language must be the site's, not the caller's.
            parser.description = str(self.help) if self.help else None
            # argparse's own words and Django's common options are English.
            parser._positionals.title = pgettext("command line", "arguments")
            parser._optionals.title = pgettext("command line", "options")
            common = _common_help()
            for action in parser._actions:
                if action.dest in common:
                    action.help = common[action.dest]
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
