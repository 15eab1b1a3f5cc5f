"""Each task goes to the queue decided for it, and each queue has a worker.

E-mail, digests and long jobs are kept off the "celery" queue, so that a
digest run or the nightly badges never delay the reminder an hour before a
master-class. Celery applies ``CELERY_TASK_ROUTES`` whenever a task is sent;
the tests below send every task, and every beat entry, through the broker
(memory:// on the embedded default, this run's Redis under REDIS_URL) and read
the queue it landed in. ``QUEUES`` is the decision for each task: a new task
fails here until it has one. The deployment files (deploy/systemd, Procfile)
must consume every queue, and the worker of "celery" none of the slow ones.
"""

import contextlib
import datetime
import shlex
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import outbox, services
from community.celery import app
from community.models import Notification
from community.tasks import digest_send_task
from community.tests.processes import celery_worker_command, service_env
from masterclasses import kinds
from masterclasses import services as masterclasses
from masterclasses.models import Registration
from masterclasses.tasks import reminders_task
from masterclasses.tests.factories import MasterClassFactory

ROOT = Path(settings.BASE_DIR)
UNITS = ROOT / "deploy" / "systemd"
ALL = frozenset({"celery", "email", "digests", "heavy"})
SLOW = frozenset({"digests", "heavy"})

# Every task and its queue. "celery": notifications, reminders, pushes, fan-outs
# and everything short; "email": letters; "digests"; "heavy": runs over every
# row, pictures, other sites asked.
QUEUES = {
    "accounts.tasks.visits_flush_task": "celery",
    "circles.tasks.communities_tend_task": "heavy",
    "circles.tasks.community_visits_flush_task": "celery",
    "community.tasks.badges_evaluate_task": "celery",
    "community.tasks.badges_nightly_task": "heavy",
    "community.tasks.contributions_task": "heavy",
    "community.tasks.digest_send_task": "digests",
    "community.tasks.digests_send_due_task": "digests",
    "community.tasks.email_send_task": "email",
    "community.tasks.embed_previews_fetch_task": "heavy",
    "community.tasks.embed_previews_refresh_task": "heavy",
    "community.tasks.heartbeat_record_task": "celery",
    "community.tasks.notification_email_task": "email",
    "community.tasks.notification_emails_sweep_task": "email",
    "community.tasks.notification_emails_task": "email",
    "community.tasks.outbox_send_task": "celery",
    "community.tasks.push_retry_task": "celery",
    "community.tasks.push_send_task": "celery",
    "community.tasks.push_sweep_task": "celery",
    "community.tasks.traces_purge_task": "heavy",
    "contests.tasks.deadlines_task": "celery",
    "contests.tasks.diplomas_issue_task": "celery",
    "conversations.tasks.line_deadlines_task": "celery",
    "conversations.tasks.message_fanout_task": "celery",
    "conversations.tasks.message_fanouts_sweep_task": "celery",
    "conversations.tasks.reads_flush_task": "celery",
    "courses.tasks.deadlines_task": "celery",
    "courses.tasks.progress_evidence_task": "celery",
    "courses.tasks.review_deadlines_task": "celery",
    "forums.tasks.feed_record_task": "heavy",
    "forums.tasks.post_fanouts_sweep_task": "celery",
    "forums.tasks.post_published_fanout_task": "celery",
    "forums.tasks.topic_fanout_task": "celery",
    "forums.tasks.topic_read_mark_task": "celery",
    "forums.tasks.topic_views_flush_task": "celery",
    "growth.tasks.evidence_refresh_all_task": "heavy",
    "growth.tasks.evidence_refresh_task": "celery",
    "growth.tasks.reminders_task": "celery",
    "masterclasses.tasks.finish_due_task": "celery",
    "masterclasses.tasks.reminders_task": "celery",
    "materials.tasks.download_record_task": "celery",
    "materials.tasks.material_thumbnail_task": "heavy",
    "materials.tasks.review_deadlines_task": "celery",
}
# Beat's entries sent to a queue of their own choosing: a heartbeat through
# each queue but "celery" (whose heartbeat is the plain "worker-heartbeat").
BEAT_QUEUES = {
    "worker-heartbeat-email": "email",
    "worker-heartbeat-digests": "digests",
    "worker-heartbeat-heavy": "heavy",
}


def _registered() -> set[str]:
    app.loader.import_default_modules()  # every app's tasks.py, as a worker
    return {name for name in app.tasks if not name.startswith("celery.")}


def _by_queue(names_and_queues) -> dict[str, list[str]]:
    landed: dict[str, list[str]] = {queue: [] for queue in ALL}
    for name, queue in names_and_queues:
        landed[queue].append(name)
    return {queue: sorted(names) for queue, names in landed.items()}


@pytest.fixture
def broker():
    """Tasks sent to the real broker instead of run, the four queues emptied
    before and after; yields a function that takes out what landed in each
    queue (task names)."""
    _registered()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        channel = conn.default_channel

        def take() -> dict[str, list[str]]:
            landed = []
            for name, queue in app.amqp.queues.items():
                queue(channel).declare()
                while (message := channel.basic_get(name, no_ack=True)) is not None:
                    landed.append((message.headers["task"], name))
            return _by_queue(landed)

        take()
        try:
            yield take
        finally:
            app.conf.task_always_eager = eager
            take()


def test_every_task_has_its_queue_decided():
    registered = _registered()

    assert sorted(registered - QUEUES.keys()) == [], "decide their queue in QUEUES"
    assert sorted(QUEUES.keys() - registered) == [], "no such task any longer"


def test_routes_name_registered_tasks_and_declared_queues():
    registered = _registered()

    for name, route in settings.CELERY_TASK_ROUTES.items():
        assert name in registered, name
        assert route["queue"] in ALL, name


def test_a_worker_without_queues_consumes_all_four_each_apart():
    queues = app.amqp.queues

    assert app.conf.task_default_queue == "celery"
    assert set(queues.consume_from) == ALL
    for name, queue in queues.items():
        # Shared with another queue, an exchange and key would copy messages.
        assert (queue.exchange.name, queue.routing_key) == (name, name)


def test_each_task_lands_in_its_queue_only(broker):
    for name in sorted(_registered()):
        app.send_task(name)

    assert broker() == _by_queue(QUEUES.items())


# Transactional: the scheduler closes the connection between its writes.
@pytest.mark.django_db(transaction=True)
def test_beat_sends_each_entry_to_its_task_queue(broker):
    # As beat does: the schedule stored in the database, each entry sent
    # (its own queue only where it names one).
    scheduler = DatabaseScheduler(app=app)
    entries = scheduler.schedule
    for entry in entries.values():
        scheduler.apply_async(entry, advance=False)

    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(entries)
    assert BEAT_QUEUES.keys() <= set(entries)
    expected = [
        (
            entry.task,
            BEAT_QUEUES.get(name)
            or QUEUES.get(entry.task, app.conf.task_default_queue),
        )
        for name, entry in entries.items()
    ]
    assert broker() == _by_queue(expected)


@pytest.mark.django_db
def test_tasks_kept_in_the_outbox_go_to_their_queue_once_sent(broker):
    # As a request stores them while the broker is away.
    outbox.outbox_store(
        name="community.tasks.digest_send_task", args=[1, "daily", "2026-12-01"]
    )
    outbox.outbox_store(
        name="community.tasks.heartbeat_record_task",
        kwargs={"name": "worker-heavy"},
        options={"queue": "heavy"},
    )

    assert outbox.outbox_send() == 2
    landed = broker()
    assert landed["digests"] == ["community.tasks.digest_send_task"]
    assert landed["heavy"] == ["community.tasks.heartbeat_record_task"]
    assert landed["celery"] == []


# --- The deployment files -----------------------------------------------------


@dataclass(frozen=True)
class Worker:
    source: str
    queues: frozenset[str]
    node: str


def _option(argv: list[str], short: str, long: str) -> str | None:
    for position, arg in enumerate(argv):
        if arg in (short, long):
            return argv[position + 1]
        if arg.startswith(f"{long}="):
            return arg.split("=", 1)[1]
        if arg.startswith(short) and len(arg) > len(short):
            return arg[len(short) :]
    return None


def _worker(source: str, command: str) -> Worker | None:
    """The worker a command line starts (None: no Celery worker)."""
    argv = shlex.split(command)
    if not argv or Path(argv[0]).name != "celery" or "worker" not in argv:
        return None
    queues = _option(argv, "-Q", "--queues")
    return Worker(
        source=source,
        queues=frozenset(queues.split(",")) if queues else ALL,
        node=_option(argv, "-n", "--hostname") or "celery@%h",
    )


def _unit(path: Path) -> dict[str, dict[str, str]]:
    """A systemd unit's sections and settings (each set once in ours)."""
    sections: dict[str, dict[str, str]] = {}
    section: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        key, value = line.split("=", 1)
        assert key not in section, f"{path.name}: {key} twice"
        section[key] = value.replace("%%", "%")  # systemd's escape
    return sections


def _systemd_workers() -> list[Worker]:
    workers = []
    for path in sorted(UNITS.glob("*.service")):
        worker = _worker(path.name, _unit(path)["Service"]["ExecStart"])
        if worker is not None:
            workers.append(worker)
    return workers


def _procfile_workers() -> list[Worker]:
    workers = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            kind, command = line.split(":", 1)
            worker = _worker(kind, command)
            if worker is not None:
                workers.append(worker)
    return workers


@pytest.mark.parametrize("workers", [_systemd_workers, _procfile_workers])
def test_deployment_consumes_every_queue_and_celery_apart_from_slow_ones(workers):
    started = workers()

    assert len(started) >= 3
    assert frozenset().union(*(worker.queues for worker in started)) == ALL
    for worker in started:
        assert worker.queues <= ALL, worker
        if "celery" in worker.queues:
            assert not worker.queues & SLOW, worker
    # Several workers on one host: each its own node name.
    assert len({worker.node for worker in started}) == len(started)


def _shared(unit: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """A unit without what is each worker's own: command, priority, name."""
    own = {"ExecStart", "Nice", "Description"}
    return {
        name: {key: value for key, value in section.items() if key not in own}
        for name, section in unit.items()
    }


def test_worker_units_differ_only_in_queues_and_priority():
    main = _unit(UNITS / "kollegi-worker.service")
    others = [_unit(path) for path in sorted(UNITS.glob("kollegi-worker-*.service"))]

    assert len(others) == 2
    for unit in others:
        # The same user, paths, hardening, shutdown and target.
        assert _shared(unit) == _shared(main)
        assert int(unit["Service"]["Nice"]) > int(main["Service"]["Nice"])


def test_the_target_names_every_unit():
    target = (UNITS / "kollegi.target").read_text()

    for path in UNITS.glob("*.service"):
        assert path.stem in target, path.name
        assert _unit(path)["Install"]["WantedBy"] == "kollegi.target", path.name


# --- A digest run does not hold a reminder back (PostgreSQL and Redis) -----------


class StalledSMTP:
    """An SMTP server that accepts and never finishes its greeting: a byte now
    and then, so the client's timeout (EMAIL_TIMEOUT) never runs out. The task
    sending a letter to it waits until ``release()``, then fails (and is
    retried later, as for a server that went away)."""

    TRICKLE_SECONDS = 2.0

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted = threading.Event()
        self.clients: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        trickled = time.monotonic()
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
                self.clients.append(client)
                self.accepted.set()
            except TimeoutError:
                pass
            if time.monotonic() - trickled > self.TRICKLE_SECONDS:
                trickled = time.monotonic()
                for client in self.clients:
                    with contextlib.suppress(OSError):
                        client.sendall(b"x")  # no line yet, no reply code

    def holding(self) -> bool:
        """Whether the first client still waits for the greeting."""
        try:
            peeked = self.clients[0].recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return True  # open, nothing sent
        except (IndexError, OSError):
            return False
        return peeked != b""

    def release(self) -> None:
        self._stop.set()
        self._thread.join()
        for client in self.clients:
            client.close()
        self.server.close()


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _purge(*queues: str) -> None:
    with app.connection_for_write() as conn:
        for name in queues:
            conn.default_channel.queue_purge(name)


@pytest.fixture
def workers(tmp_path):
    """The digests worker, its letters going to a stalled SMTP server, and the
    main one ("celery" and "email", letters dropped), as production runs them,
    on this test's database and this run's queues (emptied before and after);
    yields the server."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    smtp = StalledSMTP()
    _purge(*ALL)
    started = []
    for name, queues, email in (
        ("digests", "digests", f"smtp://127.0.0.1:{smtp.port}"),
        ("main", "celery,email", "dummymail://"),
    ):
        log = tmp_path / f"{name}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(  # noqa: S603 - our own command line
                celery_worker_command("-Q", queues, "-n", f"{name}@%h"),
                cwd=ROOT,
                env=service_env(EMAIL_URL=email),
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        started.append((name, process, log))
    eager = app.conf.task_always_eager
    try:
        yield smtp
    finally:
        app.conf.task_always_eager = eager
        smtp.release()  # the digest fails at once and is retried later
        for _, process, _ in started:
            process.terminate()
        for name, process, log in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            print(f"--- {name} worker ---\n{log.read_text(errors='replace')}")
        _purge(*ALL)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_reminder_runs_while_a_digest_holds_the_digests_worker(workers, vocabulary):
    reader = UserFactory()
    services.notify(recipient=reader, kind="follow", url="/u/x/")
    accounts.notification_settings_update(
        user=reader, choices={"followers": "digest"}, digest_frequency="daily"
    )
    starts = timezone.now() + datetime.timedelta(minutes=40)
    masterclass = MasterClassFactory(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    member = UserFactory()
    masterclasses.register(masterclass=masterclass, user=member)
    app.conf.task_always_eager = False  # from here on, through Redis

    digest_send_task.delay(reader.pk, "daily", timezone.localdate().isoformat())
    assert workers.accepted.wait(60), "the digest never reached the SMTP server"
    reminders_task.delay()

    # Held by the stalled server, a digest on the reminder's queue would keep
    # the reminder waiting however long this waits.
    reminded = _wait_for(
        lambda: Notification.objects.filter(
            recipient=member, kind=kinds.REMINDER_HOUR, emailed_at__isnull=False
        ).exists(),
        seconds=60,
    )
    assert reminded, "the hour's reminder and its letter did not come"
    assert workers.holding(), "the digest was no longer running"
    assert Registration.objects.get(user=member).reminded_hour_at is not None
