"""Make the thumbnails materials are missing (after an upgrade, a lost task)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.management.base import SiteCommand
from materials import services


class Command(SiteCommand):
    help = gettext_lazy(
        "Make the pictures of the first page of materials' PDFs that are "
        "missing, and remove those whose PDF is gone. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--material",
            action="append",
            type=int,
            default=[],
            metavar="ID",
            help=_("only this material (by number); may be given more than once"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("count the materials that need a picture; change nothing"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = services.materials_without_thumbnail()
        if options["material"]:
            ids = ids.filter(pk__in=options["material"])
        ids = list(ids)
        if options["dry_run"]:
            message = ngettext(
                "%(count)d material needs a picture.",
                "%(count)d materials need a picture.",
                len(ids),
            )
            self.stdout.write(message % {"count": len(ids)})
            return
        changed = sum(
            services.material_thumbnail_update(material_id=material_id)
            for material_id in ids
        )
        message = ngettext(
            "%(count)d material updated.", "%(count)d materials updated.", changed
        )
        self.stdout.write(self.style.SUCCESS(message % {"count": changed}))
