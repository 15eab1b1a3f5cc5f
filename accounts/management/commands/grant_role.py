"""Give or take a staff role: `manage.py grant_role teacher@example.org moderator`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User

ROLES = {"moderator": services.MODERATORS, "expert": services.EXPERTS}


class Command(BaseCommand):
    help = "Make a member a moderator or an expert (or, with --revoke, undo it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No member with the e-mail {options['email']}.")
        service = (
            services.user_revoke_role if options["revoke"] else services.user_grant_role
        )
        try:
            service(user=user, role=ROLES[options["role"]])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        action = "revoked from" if options["revoke"] else "granted to"
        self.stdout.write(
            self.style.SUCCESS(f"{options['role']} {action} {user.email}")
        )
