"""Index every searchable row again, in batches, with a progress bar."""

import click
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.changes import public_pages_changed
from community.management.base import SiteCommand
from community.search import search_kinds, search_rebuild


class Command(SiteCommand):
    help = gettext_lazy(
        "Fill the search index for existing rows (all kinds, or the ones named)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "kinds",
            nargs="*",
            metavar="KIND",
            help=_("kinds to rebuild: %(kinds)s (default: every kind)")
            % {"kinds": ", ".join(kind.key for kind in search_kinds())},
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            metavar="N",
            help=_("rows read and indexed at a time (default: %(default)s)"),
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help=_("no progress bar (for logs)"),
        )

    def handle(self, *args, kinds: list[str], batch_size: int, **options) -> None:
        known = {kind.key: kind for kind in search_kinds()}
        unknown = sorted(set(kinds) - set(known))
        if unknown:
            raise CommandError(
                ngettext(
                    "Unknown kind: %(unknown)s (known: %(known)s).",
                    "Unknown kinds: %(unknown)s (known: %(known)s).",
                    len(unknown),
                )
                % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
            )
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        for key in kinds or list(known):
            kind = known[key]
            total = kind.queryset().count()
            if options["no_progress"]:
                searchable = search_rebuild(kind, batch_size=batch_size)
            else:
                with click.progressbar(
                    length=total, label=f"{key:>14}", show_pos=True, file=self.stderr
                ) as bar:
                    searchable = search_rebuild(
                        kind, batch_size=batch_size, progress=bar.update
                    )
            self.stdout.write(
                ngettext(
                    "%(kind)s: %(searchable)d of %(total)d row searchable",
                    "%(kind)s: %(searchable)d of %(total)d rows searchable",
                    total,
                )
                % {"kind": key, "searchable": searchable, "total": total}
            )
        public_pages_changed()  # the search pages visitors were kept
