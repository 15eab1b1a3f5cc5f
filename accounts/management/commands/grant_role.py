"""Give or take a staff role: `manage.py grant_role teacher@example.org moderator`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import User
from community.management.base import SiteCommand

ROLES = {"moderator": services.MODERATORS, "expert": services.EXPERTS}


class Command(SiteCommand):
    help = gettext_lazy(
        "Make a member a moderator or an expert (or, with --revoke, undo it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "email", metavar="EMAIL", help=_("the member's e-mail address")
        )
        parser.add_argument(
            "role",
            choices=sorted(ROLES),
            help=_("moderator (works in the admin site) or expert (reviews materials)"),
        )
        parser.add_argument(
            "--revoke", action="store_true", help=_("take the role away instead")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(
                _("No member has the e-mail address %(email)s.") % {"email": email}
            )
        grant = not options["revoke"]
        try:
            changed = services.user_role_change(
                user=user, role=ROLES[options["role"]], grant=grant
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        messages = {
            ("moderator", True, True): _("%(email)s is a moderator now."),
            ("moderator", True, False): _(
                "%(email)s is already a moderator; nothing changed."
            ),
            ("moderator", False, True): _("%(email)s is no longer a moderator."),
            ("moderator", False, False): _(
                "%(email)s is not a moderator; nothing changed."
            ),
            ("expert", True, True): _("%(email)s is an expert now."),
            ("expert", True, False): _(
                "%(email)s is already an expert; nothing changed."
            ),
            ("expert", False, True): _("%(email)s is no longer an expert."),
            ("expert", False, False): _("%(email)s is not an expert; nothing changed."),
        }
        message = messages[options["role"], grant, changed] % {"email": user.email}
        self.stdout.write(self.style.SUCCESS(message) if changed else message)
