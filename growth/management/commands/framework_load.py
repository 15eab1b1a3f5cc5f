"""Load a checked-in framework file (``growth/data/framework-N.json``)."""

from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.management.base import SiteCommand
from growth.framework_data import framework_load, framework_read
from growth.models import FrameworkVersion


class Command(SiteCommand):
    help = gettext_lazy(
        "Load a version of the professional standard and the attestation "
        "targets from its checked-in file (growth/data/framework-N.json). A "
        "version already loaded is left as it is: safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "number",
            type=int,
            help=_("the version's number: the N of framework-N.json"),
        )
        parser.add_argument(
            "--not-current",
            action="store_true",
            help=_("load it without making it the version new plans are made with"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        number = options["number"]
        try:
            data = framework_read(number)
        except FileNotFoundError as error:
            raise CommandError(
                _("There is no framework file number %(number)d.") % {"number": number}
            ) from error
        if data.get("number") != number:
            raise CommandError(
                _("The file framework-%(number)d.json describes another version.")
                % {"number": number}
            )
        with transaction.atomic():
            if FrameworkVersion.objects.filter(number=number).exists():
                self.stdout.write(
                    _("Version %(number)d is already loaded: nothing changed.")
                    % {"number": number}
                )
                return
            version = framework_load(data, current=not options["not_current"])
        self.stdout.write(
            _(
                "Version %(number)d loaded: %(competencies)d competencies, "
                "%(targets)d targets."
            )
            % {
                "number": version.number,
                "competencies": version.competencies.count(),
                "targets": version.targets.count(),
            }
        )
