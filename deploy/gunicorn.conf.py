"""gunicorn for Kollegi: ``gunicorn -c deploy/gunicorn.conf.py community.wsgi``.

Everything a host may need to change comes from the environment (systemd reads
it from /etc/kollegi/env, see deploy/env.example):

- ``GUNICORN_BIND``: where to listen, default ``127.0.0.1:8000``. On a web host
  behind a load balancer on another machine, ``0.0.0.0:8000`` with the port
  firewalled to the balancer only.
- ``GUNICORN_WORKERS``: default 2 × CPUs + 1. Each worker holds at most one
  database connection: web hosts × workers (+ Celery) must stay under
  PostgreSQL's ``max_connections``, or go through pgbouncer (README).
- ``GUNICORN_FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-*``
  headers are believed, default the local nginx only.
- ``GUNICORN_LOG_LEVEL``: default ``info``.
- ``GUNICORN_CONTROL_SOCKET``: the socket of ``gunicornc`` (gunicorn ≥ 25);
  unset: none. The systemd unit puts it under /run/kollegi-web/.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Sync workers: nginx buffers whole requests and responses, so a slow client
# never holds a worker, and each request runs alone in its process.
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cpus() + 1))

# A worker is replaced after about this many requests, so a slow leak (a
# growing cache in some library) never grows for long; the jitter keeps the
# workers from restarting all at once.
max_requests = 1000
max_requests_jitter = 100

# A request silent for 30 s is killed (nginx gives up at 35 s, see
# proxy_read_timeout). On restart or HUP, requests in flight get 30 s to end;
# systemd's TimeoutStopSec is above it.
timeout = 30
graceful_timeout = 30

# The proxy that terminates TLS sets X-Forwarded-Proto/-For; only its address
# is believed. Django reads the scheme itself (SECURE_PROXY_SSL_HEADER) and
# allauth the client's address (DJANGO_TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr: journald (or the PaaS) keeps them. The access log
# ends with the request time in seconds (%(L)s), the client address as nginx
# saw it, and the request id nginx passes on.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "%(L)ss rid=%({x-request-id}i)s"
)

# The workers' heartbeat files in memory, not on a disk that may stall
# (gunicorn's own advice for containers and systemd).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Not preloaded: each worker imports Django itself. Preloading would save some
# memory (less than it seems: CPython's reference counts unshare the pages),
# but then `systemctl reload` (HUP) would fork new workers from the old code,
# and anything opened at import (a Redis or database connection) would be
# shared by every worker. Without it, HUP loads new code worker by worker with
# no request dropped, and a worker replaced by max_requests starts clean.
preload_app = False

_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control:
    control_socket = _control
else:
    control_socket_disable = True
