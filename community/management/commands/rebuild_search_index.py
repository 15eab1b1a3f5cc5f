"""Index every searchable row again, in batches, with a progress bar."""

import click
from django.core.management.base import BaseCommand, CommandError

from community.search import search_kinds, search_rebuild


class Command(BaseCommand):
    help = "Fill the search index for existing rows (all kinds, or the ones named)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "kinds", nargs="*", help="kinds to rebuild (default: every kind)"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar (for logs)"
        )

    def handle(self, *args, kinds: list[str], batch_size: int, **options) -> None:
        known = {kind.key: kind for kind in search_kinds()}
        unknown = sorted(set(kinds) - set(known))
        if unknown:
            raise CommandError(
                f"unknown kinds: {', '.join(unknown)} (known: {', '.join(known)})"
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
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
            self.stdout.write(f"{key}: {searchable} of {total} rows searchable")
