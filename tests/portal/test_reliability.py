"""With Redis stopped the portal keeps working and nothing is lost; a worker killed mid-task loses and doubles nothing.

These tests start their own redis-server on a free port (so that stopping it disturbs no other test) and, for the
worker test, a real Celery worker process against the test database (PostgreSQL, as in CI).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from portal.celery import app as celery_app
from portal.models import EmailState, Notification
from portal.notifications import notify
from portal.tasks import send_notification_emails, sweep_unsent_notifications

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server on this machine")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisProcess:
    def __init__(self, port: int):
        self.port = port
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)


@pytest.fixture
def redis_process():
    server = RedisProcess(_free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def celery_on(redis_process, settings):
    """Point Celery and the cache at the private Redis, with tasks really sent (not eager)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": redis_process.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=redis_process.url, task_always_eager=False)
    _reset_connections()
    yield redis_process
    celery_app.conf.update(**saved)
    _reset_connections()


def _reset_connections() -> None:
    """Celery keeps a connection pool and a producer pool per broker; drop both when the broker changes."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_work_actions_commit_and_mail_follows_later(client, celery_on, host_user, staff):
    client.force_login(staff)
    celery_on.stop()

    started = time.monotonic()
    with transaction.atomic():
        notify(
            recipients=[host_user], message="application.returned", params={"name": "甲"}, text="请补充名单。", url="/"
        )
    elapsed = time.monotonic() - started
    note = Notification.objects.get(recipient=host_user)
    assert note.email_state == EmailState.PENDING
    assert elapsed < 10, f"a user action waited {elapsed:.1f}s for the broker"
    for url in ["/", "/inbox/", "/workstations/", "/audit/"]:
        assert client.get(url).status_code == 200, url
    assert mail.outbox == []

    celery_on.start()
    _reset_connections()
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
        sweep_unsent_notifications.delay()
        for _ in range(100):
            note.refresh_from_db()
            if note.email_state == EmailState.SENT:
                break
            time.sleep(0.1)
    assert note.email_state == EmailState.SENT
    assert [m.subject for m in mail.outbox] == ["申报被退回修改：甲"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres  # a worker process shares the test database
def test_a_worker_killed_mid_task_neither_loses_nor_doubles_the_work(tmp_path, celery_on, host_user):
    with transaction.atomic():
        notify(recipients=[host_user], message="application.recommended", params={"name": "甲", "rec": "乙", "rank": 1})
    note = Notification.objects.get(recipient=host_user)
    outbox = tmp_path / "mail"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": celery_on.url,
        "EMAIL_BACKEND": "tests.support.slow_mail.SlowFileBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "SLOW_MAIL_MARKER": str(tmp_path / "sending"),
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "NOTIFICATION_EMAIL_LEASE_SECONDS": "3",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def worker():
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "worker.log").open("ab"),
        )

    first = worker()
    try:
        send_notification_emails.delay([note.pk])
        marker = Path(env["SLOW_MAIL_MARKER"])
        for _ in range(300):
            if marker.exists():
                break
            time.sleep(0.1)
        assert marker.exists(), "the first worker never started the task"
        first.send_signal(signal.SIGKILL)  # mid-send: the mail is not out, the row is leased to the dead worker
        first.wait(5)
        note.refresh_from_db()
        assert note.email_state == EmailState.SENDING

        marker.unlink()
        second = worker()
        try:
            time.sleep(3.5)  # the dead worker's lease expires; only then does the sweeper send it again
            sweep_unsent_notifications.delay()
            for _ in range(600):
                note.refresh_from_db()
                if note.email_state == EmailState.SENT:
                    break
                time.sleep(0.1)
        finally:
            second.terminate()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert note.email_state == EmailState.SENT
    messages = "".join(p.read_text(encoding="utf-8") for p in outbox.glob("*.log"))
    assert messages.count("\nSubject: ") == 1 and "乙推荐，排序第1。" in messages  # the body, in the reader's language
    assert note.email_message_id in messages  # the header is folded: look for the value
