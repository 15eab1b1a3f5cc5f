"""Settings: what the environment switches on, and production's hardening.

Settings modules are read once per process, so each environment is imported
in a fresh Python process.
"""

import importlib
import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

LOCAL = "community.settings.local"
PRODUCTION = "community.settings.production"
# Every variable the settings read; the parent's values must not leak in.
_READ_BY_SETTINGS = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")
_PROVIDER_PREFIXES = ("VK_", "YANDEX_", "MAILRU_")

PRINT_SETTINGS = """
import json
from django.conf import settings

print(json.dumps({
    "database_engine": settings.DATABASES["default"]["ENGINE"],
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker_url": settings.CELERY_BROKER_URL,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", None),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "email_user": getattr(settings, "EMAIL_HOST_USER", None),
    "session_engine": settings.SESSION_ENGINE,
    "debug": settings.DEBUG,
    "providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "language_cookie_secure": settings.LANGUAGE_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def clean_environment(**variables: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in _READ_BY_SETTINGS
        and not name.startswith("DJANGO_")
        and not name.startswith(_PROVIDER_PREFIXES)
    }
    environment.update(variables)
    return environment


def run_python(args: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_of(module: str, **variables: str) -> dict:
    result = run_python(
        ["-c", PRINT_SETTINGS], DJANGO_SETTINGS_MODULE=module, **variables
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_variables() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "DJANGO_ALLOWED_HOSTS": "kollegi.example",
    }


def test_local_settings_with_nothing_set_run_embedded():
    values = settings_of(LOCAL)

    assert values["database_engine"] == "community.sqlite"
    assert values["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker_url"] == "memory://"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["session_engine"] == "django.contrib.sessions.backends.db"
    assert values["debug"] is True
    assert values["providers"] == []


def test_local_settings_with_service_urls_use_the_services():
    values = settings_of(
        LOCAL,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://user:pw@mail.example:587",
    )

    assert values["database_engine"] == "django.db.backends.postgresql"
    assert values["cache_backend"] == "community.cache.RedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/0"
    assert values["eager"] is False
    assert values["broker_url"] == "redis://127.0.0.1:6379/0"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "mail.example"
    assert values["email_port"] == 587
    assert values["email_user"] == "user"
    assert values["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_social_provider_is_offered_only_when_both_keys_are_set():
    values = settings_of(
        LOCAL,
        VK_CLIENT_ID="51234567",
        VK_SECRET="vk-secret",
        YANDEX_CLIENT_ID="only-the-id",
    )

    assert values["providers"] == ["vk"]


def test_production_settings_are_hardened():
    values = settings_of(PRODUCTION, **production_variables())

    assert values["debug"] is False
    assert values["session_cookie_secure"] is True
    assert values["csrf_cookie_secure"] is True
    assert values["language_cookie_secure"] is True
    assert values["hsts_seconds"] > 0
    assert values["ssl_redirect"] is True
    assert values["allowed_hosts"] == ["kollegi.example"]


def test_production_settings_without_secret_key_fail_to_import():
    variables = production_variables()
    del variables["DJANGO_SECRET_KEY"]

    result = run_python(
        ["-c", PRINT_SETTINGS], DJANGO_SETTINGS_MODULE=PRODUCTION, **variables
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_without_allowed_hosts_fail_to_import():
    variables = production_variables()
    del variables["DJANGO_ALLOWED_HOSTS"]

    result = run_python(
        ["-c", PRINT_SETTINGS], DJANGO_SETTINGS_MODULE=PRODUCTION, **variables
    )

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_deploy_check_finds_no_issues():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        **production_variables(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


class _CheapArgon2(Argon2PasswordHasher):
    """Django's Argon2 hasher with costs low enough for a test."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


def test_base_settings_hash_passwords_with_argon2_first():
    base = importlib.import_module("community.settings.base")

    assert (
        base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    # argon2-cffi is installed, or no member could sign up or log in.
    hasher = _CheapArgon2()
    encoded = hasher.encode("пароль", "somesalt1234")
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("пароль", encoded)
    assert not hasher.verify("не тот", encoded)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.inline_handlers: list[str] = []
        self.style_attributes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        for name, _value in attrs:
            if name.startswith("on"):
                self.inline_handlers.append(f"{tag} {name}")
            if name == "style":
                self.style_attributes += 1


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture(params=["anonymous", "member"])
def any_client(request, client):
    if request.param == "member":
        return request.getfixturevalue("member_client")
    return client


@pytest.mark.django_db
def test_home_content_security_policy_forbids_inline_and_eval_scripts(any_client):
    response = any_client.get("/")

    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_home_has_no_inline_script_for_the_policy_to_block(any_client):
    page = _Page()
    page.feed(any_client.get("/").content.decode())

    assert page.scripts  # the page does load its scripts, from files
    assert all(script.get("src") for script in page.scripts)
    assert page.inline_handlers == []
    assert page.style_attributes == 0
