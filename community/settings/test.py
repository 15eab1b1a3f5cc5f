"""The test suite: only what makes it fast, deterministic and isolated."""

from urllib.parse import urlsplit, urlunsplit

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
MEDIA_ROOT = BASE_DIR / ".test-media"
MATERIALS_FILES_ROOT = BASE_DIR / ".test-media" / "private-materials"
STORAGES["materials"]["OPTIONS"] = {"location": MATERIALS_FILES_ROOT}
# Tasks run in-process; the Celery integration test switches to the broker.
CELERY_TASK_ALWAYS_EAGER = True

if REDIS_URL:
    # Each pytest-xdist worker gets its own Redis database, so that one
    # worker's cache.clear() never wipes another's rate-limit counters.
    _worker = env("PYTEST_XDIST_WORKER", default="gw0").removeprefix("gw") or "0"
    _parts = urlsplit(REDIS_URL)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{10 + int(_worker)}"))
    CACHES["default"]["LOCATION"] = REDIS_URL
    CELERY_BROKER_URL = REDIS_URL
