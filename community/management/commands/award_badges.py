"""Evaluate the badge rules now: for some members or for everyone."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from community import recognition


class Command(BaseCommand):
    help = "Award the badges members have earned (the nightly run, on demand)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="EMAIL",
            help="only this member (by e-mail); may be given more than once",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be awarded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        if options["member"]:
            users = get_user_model().objects.filter(
                email__in=options["member"], is_active=True
            )
            found = {user.email.lower() for user in users}
            missing = [
                email for email in options["member"] if email.lower() not in found
            ]
            if missing:
                raise CommandError(f"No active member with e-mail {', '.join(missing)}")
            awards = recognition.badges_evaluate(
                user_ids=[user.pk for user in users], dry_run=dry_run
            )
            for key, user_id, occurrence in awards:
                self.stdout.write(f"{key}\tmember {user_id}\t#{occurrence}")
            count = len(awards)
        else:
            count = recognition.badges_evaluate_everyone(
                dry_run=dry_run,
                progress=lambda done, total: self.stderr.write(
                    f"\r{done}/{total} members", ending=""
                ),
            )
            self.stderr.write("")
        verb = "would be awarded" if dry_run else "awarded"
        self.stdout.write(self.style.SUCCESS(f"{count} badges {verb}."))
