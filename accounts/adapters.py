"""allauth glue: profiles for new accounts, mail sent by Celery after commit,
and a new member's first sign-in."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import services
from accounts.models import Profile, User
from community.emails import render_email_subject, render_email_text

# Set on the request by ``AccountAdapter.login``: the member signs in for the
# first time (the welcome page greets instead of "signed in as").
FIRST_SIGN_IN = "_kollegi_first_sign_in"
# Set by ``AccountAdapter.add_message``: the address confirmed by this request
# while nobody was signed in; what to say depends on whether a sign-in follows.
CONFIRMED_EMAIL = "_kollegi_confirmed_email"


def _member_for(email: str, context: dict) -> User | None:
    """The member a letter goes to: the one it is about, or the address's owner."""
    user = context.get("user")
    if isinstance(user, User) and user.pk:
        return user
    address = (
        EmailAddress.objects.filter(email__iexact=email)
        .select_related("user")
        .order_by("-verified", "-primary")
        .first()
    )
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).exclude(email="").first()


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now, in the member's language; send from a Celery task.

        A letter to a member is written in the language of their profile (a
        password reset asked for signed out, on someone else's computer,
        still reaches them in their own language); a letter to an address
        with no account, in the language of the page that asked for it.

        The task is enqueued after commit, so a rolled-back sign-up sends
        nothing, and a slow or failing SMTP server never fails the page.
        """
        from community.tasks import email_send_task

        request = allauth_context.request
        member = _member_for(email, context)
        profile = (
            Profile.objects.filter(user=member).only("display_name", "language").first()
            if member is not None
            else None
        )
        language = translation.get_language()
        if profile is not None and profile.language in dict(settings.LANGUAGES):
            language = profile.language
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "recipient_name": profile.display_name if profile is not None else "",
            "site_url": settings.SITE_URL,
            "contact_email": settings.CONTACT_EMAIL,
            **context,
        }
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                body
                for body, mime in getattr(message, "alternatives", [])
                if mime == "text/html"
            ),
            "",
        )
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "html": html,
            "headers": dict(message.extra_headers),
        }
        transaction.on_commit(lambda: email_send_task.delay(**payload))

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        # The member the notice is about: a notice to an address just removed
        # from the account still greets them and speaks their language.
        super().send_notification_mail(
            template_prefix, user, {"user": user, **(context or {})}, email
        )

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMultiAlternatives:
        """Our letters (``templates/account/email/``): a text part and an HTML part.

        The subject and the text part are not HTML: rendered without
        escaping, as every letter of the site (``community.emails``).
        """
        to = [email] if isinstance(email, str) else email
        subject = self.format_email_subject(
            render_email_subject(f"{template_prefix}_subject.txt", context)
        )
        body = render_email_text(f"{template_prefix}_message.txt", context).strip()
        message = EmailMultiAlternatives(
            subject, body, self.get_from_email(), to, headers=headers
        )
        try:
            html = render_to_string(f"{template_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = ""
        if html:
            message.attach_alternative(html.strip(), "text/html")
        return message

    def format_email_subject(self, subject: str) -> str:
        # The site's name in the letter's language, not the domain.
        return f"[{gettext('Kollegi')}] {subject}"

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Sign in; note on the request whether this is the member's first time."""
        first = user.last_login is None
        super().login(request, user)
        setattr(request, FIRST_SIGN_IN, first)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """A first sign-in opens the welcome page; later ones, the home page."""
        if getattr(request, FIRST_SIGN_IN, False):
            return reverse("accounts:welcome")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: EmailAddress) -> str:
        """Called when a confirmation signs nobody in: say so, and ask to sign in.

        Confirming in the browser that signed up signs the member in (allauth
        keeps the sign-up in that session). A link opened anywhere else only
        confirms: anyone who sees the link must not get into the account.
        """
        confirmed = getattr(self.request, CONFIRMED_EMAIL, None)
        if confirmed is not None and not self.request.user.is_authenticated:
            messages.success(
                self.request,
                gettext(
                    "The address %(email)s is confirmed. Sign in with it and "
                    "your password to continue."
                )
                % {"email": confirmed},
            )
        return super().get_email_verification_redirect_url(email_address)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """allauth's messages, except around a confirmation and a first sign-in.

        "Address confirmed" while signed out waits: either a sign-in follows
        (then one message says both) or the confirming browser is asked to
        sign in (``get_email_verification_redirect_url``). A first sign-in
        opens the welcome page, which greets the member itself.
        """
        context = message_context or {}
        if (
            message_template == "account/messages/email_confirmed.txt"
            and not request.user.is_authenticated
        ):
            setattr(request, CONFIRMED_EMAIL, context.get("email", ""))
            return
        if message_template == "account/messages/logged_in.txt":
            confirmed = getattr(request, CONFIRMED_EMAIL, None)
            if confirmed is not None:
                messages.success(
                    request,
                    gettext("The address %(email)s is confirmed: you are signed in.")
                    % {"email": confirmed},
                )
                return
            if getattr(request, FIRST_SIGN_IN, False):
                return
        super().add_message(
            request, level, message_template, message_context, extra_tags, message
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(
        self, request: HttpRequest, sociallogin: Any, form: Any = None
    ) -> User:
        user = super().save_user(request, sociallogin, form)
        extra = sociallogin.account.extra_data or {}
        name = " ".join(
            part
            for part in (extra.get("first_name", ""), extra.get("last_name", ""))
            if part
        ) or str(extra.get("real_name") or extra.get("name") or "")
        services.profile_ensure(
            user=user, display_name=name, language=translation.get_language()
        )
        return user
