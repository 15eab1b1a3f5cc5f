"""Settings shared by every environment, read from the environment.

With nothing set the site runs embedded: SQLite file, Celery eager, local-memory
cache, console e-mail. DATABASE_URL, REDIS_URL and EMAIL_URL switch each piece to
its production service. Every variable is listed in .env.example and the README.
"""

from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from community.embed_providers import FRAME_SOURCES

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -------------------------------------------------------------------

# Only the embedded default has a key in code; production.py requires one.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-local-only-kollegi-key-never-used-in-production",
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first, so that their templates override third-party ones.
    "community",
    "accounts",
    "forums",
    "materials",
    "masterclasses",
    "circles",
    "conversations",
    "courses",
    "growth",
    "contests",
    # Django's admin on our site: a list's address never breaks its page.
    "community.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.vk",
    "allauth.socialaccount.providers.yandex",
    "allauth.socialaccount.providers.mailru",
    "taggit",
    "markdownx",
    "django_celery_beat",
    "csp",
]

MIDDLEWARE = [
    # Outermost: a NUL character (which PostgreSQL refuses) reaches no code.
    "community.middleware.NulCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: lists, search, feeds and sitemaps may read the
    # replica (DATABASE_REPLICA_URL), unless the browser just wrote.
    "community.dbrouter.ReplicaReadsMiddleware",
    # After authentication: a member's own language wins over the cookie.
    "community.middleware.LanguageMiddleware",
    "community.middleware.TimezoneMiddleware",
    # Anonymous visitors' pages from the cache (after language and time zone).
    "community.pagecache.AnonymousPageCacheMiddleware",
    # Embedded links made cards, before a visitor's page is kept.
    "community.middleware.EmbedCardsMiddleware",
    "accounts.middleware.VisitMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.htmx: a button posted by htmx gets its fragment, not a redirect.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "community.middleware.TraceMiddleware",
    # Innermost: a service's refusal to a suspended member becomes a page.
    "community.middleware.ParticipationMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.site",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with SQLite's real parameter limit (community/sqlite).
    DATABASES["default"]["ENGINE"] = "community.sqlite"
    # The embedded default serves a few members clicking at once. WAL: pages
    # read while a request writes. IMMEDIATE: a transaction takes the write
    # lock when it begins, so one that read first cannot fail at once with
    # "database is locked" when it comes to write; writers queue for up to
    # `timeout` seconds instead (busy timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("DJANGO_SQLITE_TIMEOUT", default=20),
        }
    )
# A PostgreSQL streaming replica (optional): the reads of pages that may be a
# few seconds old go there (community.dbrouter: visitors' lists, search,
# feeds, sitemaps), everything else to the primary. A browser that wrote
# reads the primary for DJANGO_REPLICA_STICKY_SECONDS more.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        **{
            key: DATABASES["default"][key]
            for key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
            if key in DATABASES["default"]
        },
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
    }
    DATABASE_ROUTERS = ["community.dbrouter.ReplicaRouter"]
REPLICA_STICKY_SECONDS = env.int("DJANGO_REPLICA_STICKY_SECONDS", default=10)
# Behind pgbouncer in transaction mode a server connection is ours for one
# transaction only, so nothing may outlive one: QuerySet.iterator() outside a
# transaction opens a server-side cursor WITH HOLD and fetches from it in the
# next ones. Advisory locks are taken per transaction (pg_advisory_xact_lock),
# no code LISTENs, and pgbouncer keeps the time zone Django SETs per client.
PGBOUNCER = env.bool("DJANGO_PGBOUNCER", default=False)
if PGBOUNCER:
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True

REDIS_URL = env("REDIS_URL", default="")
# Several installations (or test runs) sharing one Redis keep apart by a
# prefix: the cache's keys and, when it is set, every key of the broker.
REDIS_PREFIX = env("DJANGO_REDIS_PREFIX", default="")

# The cache with Redis. Redis away costs speed, not pages: every cache
# operation then answers as an empty cache (community.cache), and short
# timeouts bound what each costs while Redis cannot be reached.
REDIS_CACHE = {
    "BACKEND": "community.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": REDIS_PREFIX or "kollegi",
    "OPTIONS": {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SOCKET_CONNECT_TIMEOUT": 0.3,
        "SOCKET_TIMEOUT": 1,
    },
}
if REDIS_URL:
    CACHES = {"default": REDIS_CACHE}
    # Sessions outlive a Redis restart: stored in the database, read through Redis.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kollegi",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Template fragments the same for many requests (the navigation bar, keyed by
# everything it shows): in each process's memory, not worth a round trip.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kollegi-fragments",
    "TIMEOUT": 10 * 60,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- Celery -----------------------------------------------------------------

# Without a broker every task runs in-process (eager), so the embedded site works.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Moscow"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Four queues, so that a long run never holds up what must come on time (a
# digest run or the nightly badges never delay the reminder an hour before a
# master-class): "celery", the default, for notifications, reminders, pushes and
# everything short (its name unchanged, so tasks queued before an upgrade are
# still consumed); "email" for letters; "digests"; "heavy" for runs over every
# row and slow work (thumbnails, embedded links' pictures). A worker started
# without -Q consumes all four (development, CI, the benchmarks; the embedded
# default runs tasks in-process, eagerly, and routes nothing); production gives
# each group its workers (deploy/systemd, Procfile). Each queue
# has its own exchange and routing key: sharing Celery's default ones, every
# message would be copied into each queue bound to them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in ("celery", "email", "digests", "heavy")
]
# By task name, applied wherever a task is sent (beat's entries, the outbox
# sweep and a task's own .delay()); an explicit queue= still wins. A task not
# named here goes to "celery". community/tests/test_task_queues.py keeps every
# task's queue in a table: a new task fails it until its queue is decided.
CELERY_TASK_ROUTES = {
    # Letters: one, a fan-out's batch, and the sweep of those owed (it only
    # enqueues letters).
    "community.tasks.email_send_task": {"queue": "email"},
    "community.tasks.notification_email_task": {"queue": "email"},
    "community.tasks.notification_emails_task": {"queue": "email"},
    "community.tasks.notification_emails_sweep_task": {"queue": "email"},
    # Digests: the hourly run that enqueues them, and each member's (rendered
    # and sent by the task itself).
    "community.tasks.digests_send_due_task": {"queue": "digests"},
    "community.tasks.digest_send_task": {"queue": "digests"},
    # Runs over every member, community, plan or old row.
    "community.tasks.badges_nightly_task": {"queue": "heavy"},
    "community.tasks.contributions_task": {"queue": "heavy"},
    "community.tasks.traces_purge_task": {"queue": "heavy"},
    "circles.tasks.communities_tend_task": {"queue": "heavy"},
    "growth.tasks.evidence_refresh_all_task": {"queue": "heavy"},
    # A section opened to everyone: all its topics back into the feed.
    "forums.tasks.feed_record_task": {"queue": "heavy"},
    # Slow by nature: pictures made from files, other sites asked (up to
    # EMBED_FETCH_TIMEOUT each).
    "materials.tasks.material_thumbnail_task": {"queue": "heavy"},
    "community.tasks.embed_previews_fetch_task": {"queue": "heavy"},
    "community.tasks.embed_previews_refresh_task": {"queue": "heavy"},
}
# Redis redelivers an unacknowledged task after this long; no task may run longer.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 1,
}
if REDIS_PREFIX:
    # Queues, their bindings and unacknowledged tasks: all under the prefix.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{REDIS_PREFIX}:"
# A request that enqueues a task while the broker is away must not hang: one
# quick retry (a connection dropped by a restart), then the task waits in the
# outbox (community.outbox) and is sent by the sweep below.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The embedded default has no beat: `make run` sets this for runserver, whose
# process then runs the schedule below in a thread (community.periodic).
# Ignored with REDIS_URL: there, Celery beat runs it.
EMBEDDED_PERIODIC = env.bool("DJANGO_EMBEDDED_PERIODIC", default=False)
CELERY_BEAT_SCHEDULE = {
    # Pushes held through quiet hours, or whose task was lost (community.push);
    # in the embedded default every push (PUSH_SEND_AFTER_COMMIT off).
    "push-sweep": {
        "task": "community.tasks.push_sweep_task",
        "schedule": 60.0,
    },
    # Embedded links' titles and pictures older than EMBED_REFRESH_DAYS.
    "embed-refresh": {
        "task": "community.tasks.embed_previews_refresh_task",
        "schedule": 60.0 * 60 * 24,
    },
    "worker-heartbeat": {
        "task": "community.tasks.heartbeat_record_task",
        "schedule": 60.0,
    },
    # The same through each other queue (CELERY_TASK_QUEUES), under the name
    # "worker-<queue>" in the admin's heartbeats: a queue nobody consumes (its
    # worker not enabled anywhere) shows an old time there.
    **{
        f"worker-heartbeat-{queue}": {
            "task": "community.tasks.heartbeat_record_task",
            "schedule": 60.0,
            "kwargs": {"name": f"worker-{queue}"},
            "options": {"queue": queue},
        }
        for queue in ("email", "digests", "heavy")
    },
    # Tasks a request could not hand to the broker, sent once it answers.
    "outbox": {
        "task": "community.tasks.outbox_send_task",
        "schedule": 60.0,
    },
    # GET requests write nothing: what they note waits in the cache until these
    # write it (topic views every minute, members' visit times to the site and to
    # their communities' pages every 2 minutes).
    "topic-views": {
        "task": "forums.tasks.topic_views_flush_task",
        "schedule": 60.0,
    },
    "visits": {
        "task": "accounts.tasks.visits_flush_task",
        "schedule": 60.0 * 2,
    },
    "community-visits": {
        "task": "circles.tasks.community_visits_flush_task",
        "schedule": 60.0 * 2,
    },
    # E-mails owed whose task was lost or whose worker died (community.claims).
    "notification-emails": {
        "task": "community.tasks.notification_emails_sweep_task",
        "schedule": 60.0 * 5,
    },
    # Forum posts whose watchers were never told (a lost fan-out task).
    "post-fanouts": {
        "task": "forums.tasks.post_fanouts_sweep_task",
        "schedule": 60.0 * 5,
    },
    # Every hour: members whose local time is the digest hour get theirs.
    "digests": {
        "task": "community.tasks.digests_send_due_task",
        "schedule": 60.0 * 60,
    },
    "review-deadlines": {
        "task": "materials.tasks.review_deadlines_task",
        "schedule": 60.0 * 60,
    },
    # Every 5 minutes: the "in an hour" reminder must not come late.
    "masterclass-reminders": {
        "task": "masterclasses.tasks.reminders_task",
        "schedule": 60.0 * 5,
    },
    "masterclass-finish": {
        "task": "masterclasses.tasks.finish_due_task",
        "schedule": 60.0 * 60,
    },
    # Nightly (every 24 hours from beat's start): badges anything missed,
    # and the month's contribution points.
    "badges-nightly": {
        "task": "community.tasks.badges_nightly_task",
        "schedule": 60.0 * 60 * 24,
    },
    "contributions": {
        "task": "community.tasks.contributions_task",
        "schedule": 60.0 * 60 * 24,
    },
    "traces-purge": {
        "task": "community.tasks.traces_purge_task",
        "schedule": 60.0 * 60 * 24,
    },
    # Communities gone quiet, archived, or left by their owner (CIRCLES_*_DAYS).
    "communities-lifecycle": {
        "task": "circles.tasks.communities_tend_task",
        "schedule": 60.0 * 60 * 24,
    },
    # How far members have read their conversations, noted on GET in the
    # cache (conversations.services.reads).
    "conversation-reads": {
        "task": "conversations.tasks.reads_flush_task",
        "schedule": 60.0,
    },
    # Messages nobody was told about (a lost task, a dead worker).
    "message-fanouts": {
        "task": "conversations.tasks.message_fanouts_sweep_task",
        "schedule": 60.0 * 5,
    },
    # Consultation lines: the expert's reminder before the deadline and the
    # question's release after it, each once.
    "line-deadlines": {
        "task": "conversations.tasks.line_deadlines_task",
        "schedule": 60.0 * 15,
    },
    # Courses: learners reminded before a unit's deadline and told a unit
    # opened, each once.
    "course-deadlines": {
        "task": "courses.tasks.deadlines_task",
        "schedule": 60.0 * 15,
    },
    # Expert reviews of courses: reminders before the deadline, releases after.
    "course-review-deadlines": {
        "task": "courses.tasks.review_deadlines_task",
        "schedule": 60.0 * 60,
    },
    # Contests and projects: judges reminded before judging ends, teams
    # before a stage's deadline, each once.
    "contest-deadlines": {
        "task": "contests.tasks.deadlines_task",
        "schedule": 60.0 * 15,
    },
    # My path: plan items due soon and professional development due, each
    # reminded once.
    "growth-reminders": {
        "task": "growth.tasks.reminders_task",
        "schedule": 60.0 * 60 * 24,
    },
    # My path: every plan owner's evidence gathered again (a backstop for a
    # change whose refresh task was lost).
    "growth-evidence": {
        "task": "growth.tasks.evidence_refresh_all_task",
        "schedule": 60.0 * 60 * 24,
    },
}

# --- Moderation ---------------------------------------------------------------

# Content reported by this many established members (in the network for at
# least MODERATION_ESTABLISHED_DAYS) is hidden until a moderator looks; 0: never.
MODERATION_AUTOHIDE_REPORTS = env.int("DJANGO_MODERATION_AUTOHIDE_REPORTS", default=3)
MODERATION_ESTABLISHED_DAYS = env.int("DJANGO_MODERATION_ESTABLISHED_DAYS", default=30)
# New members' limits, all here. A new member's first forum posts wait for a
# moderator (0 turns this off); for their first days they write at most so often.
MODERATION_PREMODERATED_POSTS = env.int(
    "DJANGO_MODERATION_PREMODERATED_POSTS", default=2
)
MODERATION_NEW_MEMBER_DAYS = env.int("DJANGO_MODERATION_NEW_MEMBER_DAYS", default=7)
MODERATION_NEW_MEMBER_TOPICS_PER_HOUR = env.int(
    "DJANGO_MODERATION_NEW_MEMBER_TOPICS_PER_HOUR", default=3
)
MODERATION_NEW_MEMBER_POSTS_PER_HOUR = env.int(
    "DJANGO_MODERATION_NEW_MEMBER_POSTS_PER_HOUR", default=10
)
# Every kind of writing a new member does in an hour (community.limits); staff,
# moderators and experts are not limited.
MODERATION_NEW_MEMBER_PER_HOUR = {
    "topics": MODERATION_NEW_MEMBER_TOPICS_PER_HOUR,
    "posts": MODERATION_NEW_MEMBER_POSTS_PER_HOUR,
    "blog_posts": env.int(
        "DJANGO_MODERATION_NEW_MEMBER_BLOG_POSTS_PER_HOUR", default=3
    ),
    "comments": env.int("DJANGO_MODERATION_NEW_MEMBER_COMMENTS_PER_HOUR", default=10),
    "ratings": env.int("DJANGO_MODERATION_NEW_MEMBER_RATINGS_PER_HOUR", default=20),
    "collections": env.int(
        "DJANGO_MODERATION_NEW_MEMBER_COLLECTIONS_PER_HOUR", default=5
    ),
    "collection_items": env.int(
        "DJANGO_MODERATION_NEW_MEMBER_COLLECTION_ITEMS_PER_HOUR", default=30
    ),
    "reports": env.int("DJANGO_MODERATION_NEW_MEMBER_REPORTS_PER_HOUR", default=10),
    "masterclasses": env.int(
        "DJANGO_MODERATION_NEW_MEMBER_MASTERCLASSES_PER_HOUR", default=2
    ),
    "materials": env.int("DJANGO_MODERATION_NEW_MEMBER_MATERIALS_PER_HOUR", default=5),
    "images": env.int("DJANGO_MODERATION_NEW_MEMBER_IMAGES_PER_HOUR", default=20),
    "courses": env.int("DJANGO_MODERATION_NEW_MEMBER_COURSES_PER_HOUR", default=2),
    "contest_entries": env.int(
        "DJANGO_MODERATION_NEW_MEMBER_CONTEST_ENTRIES_PER_HOUR", default=3
    ),
    "polls": env.int("DJANGO_MODERATION_NEW_MEMBER_POLLS_PER_HOUR", default=3),
}
# Addresses and browsers of writes (kept for abuse checks) are deleted after
# so many days by a nightly task.
MODERATION_TRACE_DAYS = env.int("DJANGO_MODERATION_TRACE_DAYS", default=90)

# --- Materials ----------------------------------------------------------------

# Materials' files live outside MEDIA_ROOT: only the download view serves them.
MATERIALS_FILES_ROOT = env.path(
    "DJANGO_MATERIALS_FILES_ROOT", default=BASE_DIR / "private-media" / "materials"
)
MATERIALS_MAX_FILE_SIZE = env.int("DJANGO_MATERIALS_MAX_FILE_MB", default=50) * 2**20
MATERIALS_MAX_FILES = 10
# With nginx in front: the internal location that maps MATERIALS_FILES_ROOT
# (e.g. "/protected/materials/"); empty: Django sends the file itself.
MATERIALS_X_ACCEL_PREFIX = env.str("DJANGO_MATERIALS_X_ACCEL_PREFIX", default="")
# Expert review: how many reviews a submission needs, the reviewers' time,
# the reminder before the deadline, whether authors see reviewers' names, and
# the rule: recommended at this average (1-5) when no reviewer says "reject".
MATERIALS_REVIEWS_REQUIRED = env.int("DJANGO_MATERIALS_REVIEWS_REQUIRED", default=2)
MATERIALS_REVIEW_DAYS = env.int("DJANGO_MATERIALS_REVIEW_DAYS", default=14)
MATERIALS_REVIEW_REMINDER_DAYS = 3
MATERIALS_BLIND_REVIEW = env.bool("DJANGO_MATERIALS_BLIND_REVIEW", default=True)
MATERIALS_RECOMMEND_THRESHOLD = 4.0

# --- Communities ----------------------------------------------------------------

# A proposed community opens when this many people (the founder counted) are
# in it: never born empty.
CIRCLES_QUORUM = env.int("DJANGO_CIRCLES_QUORUM", default=3)
# Communities one member may propose in seven days (against spam communities).
CIRCLES_PROPOSALS_PER_WEEK = env.int("DJANGO_CIRCLES_PROPOSALS_PER_WEEK", default=2)
# Communities on a page of /communities/.
CIRCLES_PER_PAGE = env.int("DJANGO_CIRCLES_PER_PAGE", default=20)
# Members on a page of a community's member list.
CIRCLES_MEMBERS_PER_PAGE = env.int("DJANGO_CIRCLES_MEMBERS_PER_PAGE", default=30)
# Never abandoned (the nightly run, circles.services.lifecycle): a community
# nobody has written in for so many days goes quiet (dormant, its members are
# told), and is archived read-only after so many more days of silence.
CIRCLES_DORMANT_DAYS = env.int("DJANGO_CIRCLES_DORMANT_DAYS", default=90)
CIRCLES_ARCHIVE_DAYS = env.int("DJANGO_CIRCLES_ARCHIVE_DAYS", default=180)
# An owner neither on the site nor writing in the community for so many days:
# its ownership is offered to its most active member. Longer than a teacher's
# annual leave (56 days), so a holiday costs nobody a community; shorter than
# CIRCLES_DORMANT_DAYS, so a community whose owner left gets one who answers
# its requests before it goes quiet.
CIRCLES_OWNER_INACTIVE_DAYS = env.int("DJANGO_CIRCLES_OWNER_INACTIVE_DAYS", default=60)

# --- Messages -----------------------------------------------------------------

# Members of one conversation at most, its owner counted.
CONVERSATIONS_MAX_MEMBERS = env.int("DJANGO_CONVERSATIONS_MAX_MEMBERS", default=10)
# Conversations a new member (MODERATION_NEW_MEMBER_DAYS) may start in a day.
MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY = env.int(
    "DJANGO_MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY", default=5
)
# After a member reports a request, its sender sends them no other for so long.
CONVERSATIONS_REPORTED_REQUEST_DAYS = env.int(
    "DJANGO_CONVERSATIONS_REPORTED_REQUEST_DAYS", default=30
)
# Messages on a page of a conversation; conversations on a page of the inbox.
CONVERSATIONS_MESSAGES_PER_PAGE = env.int(
    "DJANGO_CONVERSATIONS_MESSAGES_PER_PAGE", default=30
)
CONVERSATIONS_PER_PAGE = env.int("DJANGO_CONVERSATIONS_PER_PAGE", default=20)

# Courses: lists' page size; assignment files (checked by content as the
# materials' are); how many days before a cohort's deadline learners hear.
COURSES_PER_PAGE = env.int("DJANGO_COURSES_PER_PAGE", default=20)
COURSES_ASSIGNMENT_MAX_FILE_SIZE = (
    env.int("DJANGO_COURSES_ASSIGNMENT_MAX_FILE_MB", default=20) * 2**20
)
COURSES_DEADLINE_REMINDER_DAYS = env.int(
    "DJANGO_COURSES_DEADLINE_REMINDER_DAYS", default=2
)
# A consultation line's expert is reminded so many hours before the deadline.
LINES_REMINDER_HOURS = env.int("DJANGO_LINES_REMINDER_HOURS", default=24)
# My path: a plan item's owner hears so many days before it is due; the
# owner of an active plan hears that professional development (a course every
# three years) is due so many months before, once for each.
GROWTH_ITEM_DUE_DAYS = env.int("DJANGO_GROWTH_ITEM_DUE_DAYS", default=7)
GROWTH_DEVELOPMENT_REMIND_MONTHS = (6, 1)
# The three-year rule counts professional development of at least so many
# academic hours: a «курс повышения квалификации» (п. 18 of the order of
# 24.03.2025 № 266, as ``courses.models.QUALIFICATION_MIN_HOURS``); a shorter
# seminar does not count.
GROWTH_DEVELOPMENT_MIN_HOURS = 16

# Contests and network projects: lists' page size; a member votes in a
# contest's public vote once she has been a member so many days; judges and
# teams hear so many days before judging ends or a stage is due.
CONTESTS_PER_PAGE = env.int("DJANGO_CONTESTS_PER_PAGE", default=20)
CONTESTS_VOTER_MIN_DAYS = env.int("DJANGO_CONTESTS_VOTER_MIN_DAYS", default=30)
CONTESTS_REMINDER_DAYS = env.int("DJANGO_CONTESTS_REMINDER_DAYS", default=2)

# --- E-mail -----------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The site's public address, for links in e-mails sent by background tasks.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
# Who issues the certificates of master-classes and courses: printed at the
# top of each and under its signature line.
CERTIFICATE_ISSUER = env("DJANGO_CERTIFICATE_ISSUER", default="Kollegi")
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Коллеги <noreply@kollegi.local>"
)
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = 20

# --- Accounts ---------------------------------------------------------------

AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# allauth's form, answering two sign-ups with one address at once as one.
ACCOUNT_FORMS = {"signup": "accounts.forms_signup.AccountSignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming in the browser that signed up signs the new member in and opens
# the welcome page; a link opened elsewhere only confirms (allauth keeps the
# sign-up in the session, so the link alone never opens the account).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:welcome"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
# A letter after every change to the account: password, address, social login.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Account letters are ours (templates/account/email/); the adapter puts the
# site's name, in the letter's language, before every subject (no
# ACCOUNT_EMAIL_SUBJECT_PREFIX).

# Where members write when a letter does not come ("check your mail" pages,
# the foot of account letters). Unless set: help@ at the sender's domain (the
# sender itself is often a "noreply" nobody reads).
CONTACT_EMAIL = env(
    "DJANGO_CONTACT_EMAIL",
    default="help@"
    + (parseaddr(DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"),
)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("DJANGO_HTTP_PROTOCOL", default="http")
# A whole staff room signs up from one school address: per-IP limits stay
# generous, per-account and per-key limits do the real work (allauth defaults).
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "60/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "60/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {}
# A provider is offered on the login page only when its keys are set.
for _provider, _prefix in (("vk", "VK"), ("yandex", "YANDEX"), ("mailru", "MAILRU")):
    _client_id = env(f"{_prefix}_CLIENT_ID", default="")
    _secret = env(f"{_prefix}_SECRET", default="")
    if _client_id and _secret:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret, "key": ""}],
        }

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Moscow"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "materials": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MATERIALS_FILES_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Markdown ---------------------------------------------------------------

MARKDOWNX_MARKDOWNIFY_FUNCTION = "community.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/heic", "image/heif"]
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}

# --- Embedded players (community.embeds) -------------------------------------

# Title and picture of an embedded link: fetched once by a task, within these.
# By default only with a worker (REDIS_URL): the embedded default runs tasks in
# the request, which must not wait on another site; its cards stay plain.
EMBED_FETCH = env.bool("DJANGO_EMBED_FETCH", default=bool(REDIS_URL))
EMBED_FETCH_TIMEOUT = 5.0
EMBED_FETCH_MAX_BYTES = 2 * 1024 * 1024
EMBED_REFRESH_DAYS = 30

# --- The installable site (community.installable) ----------------------------

# The member's reading the service worker keeps for offline, in pages: past
# this, the oldest go first and her reading lists last.
OFFLINE_MAX_PAGES = 50

# --- Web push (community.push) ----------------------------------------------

# Off until the VAPID keys are given (``manage.py check --deploy`` warns when
# it is on without them); keys come from the environment, never the repository.
PUSH_ENABLED = env.bool("DJANGO_PUSH_ENABLED", default=False)
PUSH_VAPID_PUBLIC_KEY = env("DJANGO_PUSH_VAPID_PUBLIC_KEY", default="")
PUSH_VAPID_PRIVATE_KEY = env("DJANGO_PUSH_VAPID_PRIVATE_KEY", default="")
PUSH_CONTACT = env("DJANGO_PUSH_CONTACT", default="mailto:support@kollegi.example")
PUSH_MAX_DEVICES = 10
PUSH_MAX_FAILURES = 5
PUSH_MAX_BYTES = 3 * 1024
PUSH_TTL = 60 * 60 * 24
# Quiet hours in the member's time zone: pushes that can wait, wait until the end.
PUSH_QUIET_START = 21
PUSH_QUIET_END = 8
# The push services a browser's subscription may name: a host, or every host
# under a name written with a leading dot (Chrome and the browsers built on
# it, Firefox, Safari, Edge). Any other address is refused when a device is
# added; every address is checked again when a push is sent.
PUSH_SERVICE_HOSTS = [
    "fcm.googleapis.com",
    ".push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
]
# Pushes go by a task after commit (a worker). Off in the embedded default,
# whose tasks run in the request: there notify only marks what is owed and
# the sweep (beat's schedule, run in the background) sends it within a minute,
# so no request waits on a push service.
PUSH_SEND_AFTER_COMMIT = env.bool(
    "DJANGO_PUSH_SEND_AFTER_COMMIT", default=bool(REDIS_URL)
)

# --- Security ---------------------------------------------------------------

# No inline script anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Players only from the registered services (community.embed_providers).
        "frame-src": FRAME_SOURCES,
        "worker-src": [SELF],
        "manifest-src": [SELF],
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

CSRF_FAILURE_VIEW = "community.views.csrf_failure"
