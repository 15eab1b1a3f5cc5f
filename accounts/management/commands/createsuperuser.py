"""``createsuperuser`` for a site where members sign in by e-mail.

Django's own asks for a username nobody signs in with, and makes an account
that allauth will not let in until it confirms an address nobody wrote to.
This one asks for the address (and a name and a password) and makes a member
who signs in at once: ``accounts.services.superuser_create``.
"""

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import User
from accounts.selectors import email_taken
from community.management.base import SiteCommand


class Command(SiteCommand):
    help = gettext_lazy(
        "Create an administrator: a member with a confirmed e-mail address who "
        "signs in at once and works in the admin site."
    )
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email",
            help=_("the e-mail address to sign in with (or DJANGO_SUPERUSER_EMAIL)"),
        )
        parser.add_argument(
            "--display-name",
            help=_(
                "the name members see (otherwise asked; with --noinput, the part "
                "of the address before «@»)"
            ),
        )
        parser.add_argument(
            "--username",
            help=_(
                "the name in the address of the profile page (or "
                "DJANGO_SUPERUSER_USERNAME; made from the e-mail address as at "
                "sign-up when not given)"
            ),
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=_(
                "ask nothing: the password comes from DJANGO_SUPERUSER_PASSWORD "
                "(without it the account has none until it is reset)"
            ),
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        self.stdin = options.get("stdin", sys.stdin)  # tests pass their own
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        # Django's createsuperuser reads the same variables from the
        # environment: they are the command's input, not the site's settings.
        username = options["username"] or os.environ.get(
            "DJANGO_SUPERUSER_USERNAME", ""
        )
        if options["interactive"]:
            if not (hasattr(self.stdin, "isatty") and self.stdin.isatty()):
                self.stdout.write(
                    _(
                        "Not a terminal: nothing was asked and no administrator "
                        "was made. Run the command in a terminal, or with "
                        "--noinput (see --help)."
                    )
                )
                return
            try:
                email, display_name, password = self._ask(options)
            except (KeyboardInterrupt, EOFError):
                self.stderr.write("\n" + _("Cancelled: no administrator was made."))
                sys.exit(1)
        else:
            email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            if not email.strip():
                raise CommandError(
                    _("Give the e-mail address: --email or DJANGO_SUPERUSER_EMAIL.")
                )
            display_name = options["display_name"] or ""
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or None
        try:
            user = services.superuser_create(
                email=email,
                password=password,
                username=username,
                display_name=display_name,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if options["verbosity"] < 1:
            return
        if password:
            message = _("Administrator %(email)s is ready and can sign in now.")
        else:
            message = _(
                "Administrator %(email)s is made without a password: set one "
                "through the password reset, %(reset)s."
            )
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {"email": user.email, "reset": reverse("account_reset_password")}
            )
        )

    def _ask(self, options: dict[str, Any]) -> tuple[str, str, str]:
        email = (options["email"] or "").strip()
        error = self._email_error(email) if email else None
        if error:
            self.stderr.write(error)
        while not email or error:
            email = input(_("E-mail address: ")).strip()
            error = self._email_error(email)
            if error:
                self.stderr.write(error)
        display_name = options["display_name"]
        if display_name is None:
            default = email.partition("@")[0]
            display_name = (
                input(
                    _("Name members see (leave blank for «%(name)s»): ")
                    % {"name": default}
                ).strip()
                or default
            )
        while True:
            password = getpass.getpass(_("Password: "))
            again = getpass.getpass(_("Password (again): "))
            if password != again:
                self.stderr.write(_("The two passwords differ."))
                continue
            if not password.strip():
                self.stderr.write(_("The password cannot be blank."))
                continue
            try:
                validate_password(password, User(email=email))
            except ValidationError as problems:
                self.stderr.write("\n".join(problems.messages))
                continue
            return email, display_name, password

    def _email_error(self, email: str) -> str | None:
        """What is wrong with the address, or None."""
        if not email:
            return _("Enter an e-mail address.")
        try:
            validate_email(email)
        except ValidationError as error:
            return "; ".join(error.messages)
        if email_taken(email):
            return _("This e-mail address is already taken.")
        return None
