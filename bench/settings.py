"""Production settings for benchmarks, plus the bare template view (the ceiling)."""

from community.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "testserver"]  # noqa: F405
SECURE_SSL_REDIRECT = False
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
