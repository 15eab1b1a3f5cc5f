"""allauth glue: profiles for new accounts, and mail sent by Celery after commit."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest

from accounts import services
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now, in the request's language; send from a Celery task.

        The task is enqueued after commit, so a rolled-back sign-up sends
        nothing, and a slow or failing SMTP server never fails the page.
        """
        from community.tasks import email_send_task

        # What allauth's own send_mail adds: the templates greet with the
        # site's name and domain and some quote the address.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
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
        services.profile_ensure(user=user, display_name=name)
        return user
