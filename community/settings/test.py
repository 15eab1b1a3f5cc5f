"""The test suite: only what makes it fast, deterministic and isolated."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
# No test reaches another host: links make cards, but their titles and
# pictures are fetched only where a test turns this on (a local server).
EMBED_FETCH = False
# Pushes by the task after commit, as with a worker (the tests of the
# embedded default's sweep turn this off).
PUSH_SEND_AFTER_COMMIT = True

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

# Two runs of the suite at once on one machine (two clones) must not meet:
# .ci/run gives each its own KOLLEGI_TEST_RUN, and the run's PostgreSQL
# databases (test_<name>_<run>_gwN), cache keys and broker keys (queues
# included) are named after it.
TEST_RUN = env("KOLLEGI_TEST_RUN", default="")
if not re.fullmatch(r"[A-Za-z0-9_]{0,40}", TEST_RUN):
    raise ImproperlyConfigured("KOLLEGI_TEST_RUN: letters, digits and _ only")
if TEST_RUN and DATABASES["default"]["ENGINE"] != "community.sqlite":
    DATABASES["default"]["NAME"] = f"{DATABASES['default']['NAME']}_{TEST_RUN}"
if "replica" in DATABASES:
    # The suite reads visitors' pages through the replica's alias, a second
    # connection to the test database itself (on the primary, behind pgbouncer
    # when it is), so that each test sees the rows it wrote. The real replica:
    # KOLLEGI_TEST_REPLICA_URL and community/tests/test_replica_router.py.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
if DATABASES["default"]["ENGINE"] == "community.sqlite":
    # In memory, as for Django's own SQLite backend (pytest-xdist recognises
    # only that one by name and would name a file after the database's path).
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"

if REDIS_URL:
    # Each pytest-xdist worker gets its own Redis database, and each run its
    # own prefix in it, so that a worker's cache.clear() (our prefix only:
    # community.cache) never wipes another's rate-limit counters.
    _worker = env("PYTEST_XDIST_WORKER", default="gw0").removeprefix("gw") or "0"
    _parts = urlsplit(REDIS_URL)
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{10 + int(_worker)}"))
    REDIS_PREFIX = f"kollegi-test-{TEST_RUN}" if TEST_RUN else "kollegi-test"
    CACHES["default"]["LOCATION"] = REDIS_URL
    CACHES["default"]["KEY_PREFIX"] = REDIS_PREFIX
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"{REDIS_PREFIX}:",
    }
