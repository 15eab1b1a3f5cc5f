"""Evaluate the badge rules now: for some members or for everyone."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community import recognition
from community.management.base import SiteCommand


class Command(SiteCommand):
    help = gettext_lazy(
        "Award the badges members have earned (the nightly run, on demand)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="EMAIL",
            help=_("only this member (by e-mail); may be given more than once"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("list what would be awarded; award nothing"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        if options["member"]:
            users = get_user_model().objects.filter(
                email__in=options["member"], is_active=True
            )
            emails = {user.pk: user.email for user in users}
            found = {email.lower() for email in emails.values()}
            missing = [
                email for email in options["member"] if email.lower() not in found
            ]
            if missing:
                raise CommandError(
                    ngettext(
                        "No active member has the e-mail address %(emails)s.",
                        "No active members have the e-mail addresses %(emails)s.",
                        len(missing),
                    )
                    % {"emails": ", ".join(missing)}
                )
            awards = recognition.badges_evaluate(user_ids=list(emails), dry_run=dry_run)
            for key, user_id, occurrence in awards:
                self.stdout.write(
                    _("%(badge)s → %(email)s (award no. %(occurrence)d)")
                    % {"badge": key, "email": emails[user_id], "occurrence": occurrence}
                )
            count = len(awards)
        else:
            count = recognition.badges_evaluate_everyone(
                dry_run=dry_run,
                progress=lambda done, total: self.stderr.write(
                    "\r"
                    + ngettext(
                        "%(done)d of %(total)d member",
                        "%(done)d of %(total)d members",
                        total,
                    )
                    % {"done": done, "total": total},
                    ending="",
                ),
            )
            self.stderr.write("")
        if dry_run:
            message = ngettext(
                "%(count)d badge would be awarded.",
                "%(count)d badges would be awarded.",
                count,
            )
        else:
            message = ngettext(
                "%(count)d badge awarded.", "%(count)d badges awarded.", count
            )
        self.stdout.write(self.style.SUCCESS(message % {"count": count}))
