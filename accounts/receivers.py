"""Hooks into code we do not own (django.contrib.auth); each body is one service."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from accounts import services


def profile_ensure_on_login(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    services.profile_ensure(user=user)


def visit_touch_on_login(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    services.visit_touch(user=user)


def connect() -> None:
    user_logged_in.connect(profile_ensure_on_login, dispatch_uid="profile_ensure")
    user_logged_in.connect(visit_touch_on_login, dispatch_uid="visit_touch")
