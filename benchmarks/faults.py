"""Fault figures for docs/operations.md (issue 22): e-mails once under killed workers, plaque renders after a
worker's main process is killed, and the time until another worker picks up what the dead one held.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/faults.py
    .venv/bin/python benchmarks/faults.py --only renders --plaques 30

Everything is its own: a throw-away PostgreSQL database on the server of ``DATABASE_URL`` (created, migrated and
dropped here), a ``redis-server`` on a free port, a temporary private-files directory, and real
``celery -A portal worker`` processes with the production settings (``portal.settings``). All are stopped at the end.
"""

import argparse
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """A throw-away database, a private Redis and a files directory; workers started through :meth:`worker`."""

    def __init__(self, server_url: str):
        import psycopg

        self.server = server_url.rsplit("/", 1)[0] + "/"
        self.db = f"faults_{secrets.token_hex(3)}"
        self.tmp = Path(tempfile.mkdtemp(prefix="portal_faults_"))
        self.workers: list[subprocess.Popen] = []
        with psycopg.connect(self.server + "postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db}"')
        self.port = free_port()
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": self.server + self.db,
            "REDIS_URL": f"redis://127.0.0.1:{self.port}/0",
            "PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True)

    def setup_django(self, **extra) -> None:
        import django

        os.environ.update(self.env | extra)
        django.setup()

    def worker(self, name: str, *, concurrency: int = 2, **extra) -> subprocess.Popen:
        """A worker in its own process group (so that it and its pool can be killed together, as a container dies)."""
        proc = subprocess.Popen(
            [
                *(CELERY, "-A", "portal", "worker", "-n", f"{name}@%h", "--concurrency", str(concurrency)),
                *("--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=self.env | extra,
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp / f"{name}.log").open("ab"),
            start_new_session=True,
        )
        self.workers.append(proc)
        self.wait_ready(name)
        return proc

    @staticmethod
    def wait_ready(name: str, timeout: float = 60) -> None:
        from portal.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=1):
                return
        raise SystemExit(f"worker {name} did not start")

    def close(self) -> None:
        import psycopg

        for proc in self.workers:
            with _suppress():
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with _suppress():
                    os.killpg(proc.pid, signal.SIGKILL)
            with _suppress():  # pool processes orphaned by a killed main process
                os.killpg(proc.pid, signal.SIGKILL)
        self.redis.terminate()
        self.redis.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(self.server + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], (ProcessLookupError, PermissionError, OSError))


# --- e-mails ----------------------------------------------------------------------------------------------------


def mail_scenario(stack: Stack, n: int, kills: int, lease: int) -> dict:
    """``n`` notifications queued; ``kills`` workers killed outright (pool and all) mid-sending; a last worker and
    the sweeper finish. Every transmission is logged with its Message-ID by benchmarks.faultmail."""
    from django.db import transaction

    from portal.models import EmailState, Notification, Organisation, User
    from portal.notifications import notify
    from portal.roles import OrgKind
    from portal.tasks import sweep_unsent_notifications

    mail_dir = stack.tmp / "mail"
    mail_dir.mkdir()
    extra = {
        "EMAIL_BACKEND": "benchmarks.faultmail.SlowLoggingBackend",
        "FAULT_MAIL_DIR": str(mail_dir),
        "FAULT_MAIL_DELAY": "0.4",
        "NOTIFICATION_EMAIL_LEASE_SECONDS": str(lease),
    }
    unit = Organisation.objects.create(kind=OrgKind.HOST_UNIT, name="故障演练单位")
    users = [
        User.objects.create(username=f"fault{i}", email=f"fault{i}@example.test", organisation=unit) for i in range(n)
    ]
    for i, user in enumerate(users):
        with transaction.atomic():
            notify(recipients=[user], message="drill.fault", params={"n": i})
    started = time.monotonic()
    killed_mid_send: set[int] = set()
    for k in range(kills):
        proc = stack.worker(f"mail{k}", **extra)
        time.sleep(1.5)
        leased = set(Notification.objects.filter(email_state=EmailState.SENDING).values_list("pk", flat=True))
        os.killpg(proc.pid, signal.SIGKILL)  # worker and pool gone at once, as when a container is killed
        proc.wait()
        killed_mid_send |= leased
    stack.worker("mail-last", **extra)
    deadline = time.monotonic() + lease * 4 + 120
    while Notification.objects.exclude(email_state=EmailState.SENT).exists() and time.monotonic() < deadline:
        sweep_unsent_notifications.delay()  # what beat does every two minutes
        time.sleep(5)
    elapsed = time.monotonic() - started
    transmissions: dict[str, int] = {}
    for log in mail_dir.glob("*.jsonl"):
        for line in log.read_text(encoding="utf-8").splitlines():
            mid = json.loads(line)["message_id"]
            transmissions[mid] = transmissions.get(mid, 0) + 1
    rows = list(Notification.objects.values_list("email_state", "email_message_id", "email_attempts"))
    sent = sum(state == EmailState.SENT for state, _, _ in rows)
    delivered = sum(mid in transmissions for _, mid, _ in rows)
    return {
        "notifications": n,
        "workers killed mid-sending": kills,
        "notifications being sent when a worker was killed": len(killed_mid_send),
        "rows sent in the end": sent,
        "notifications delivered (at least one transmission)": delivered,
        "distinct Message-IDs received": len(transmissions),
        "transmissions": sum(transmissions.values()),
        "notifications transmitted twice (same Message-ID)": sum(c > 1 for c in transmissions.values()),
        "Message-IDs that belong to no notification": len(set(transmissions) - {mid for _, mid, _ in rows}),
        "lease (s)": lease,
        "seconds until all were sent": round(elapsed, 1),
    }


# --- plaque renders ---------------------------------------------------------------------------------------------


def render_scenario(stack: Stack, n: int) -> dict:
    """``n`` plaque renders queued on a worker (2 pool processes); its main process is killed (SIGKILL) after a few
    PDFs; a fresh worker starts at once. Measures when each plaque got its PDF and checks every file."""
    from django.conf import settings
    from django.utils import timezone

    from benchmarks.city import build_city
    from workstations.models.plaques import Plaque
    from workstations.tasks import render_plaque_pdf

    build_city(max(n * 2, 20), timezone.localdate(), prefix="f")
    ids = list(Plaque.objects.filter(pdf="").order_by("pk").values_list("pk", flat=True)[:n])
    first = stack.worker("render1")
    for pk in ids:
        render_plaque_pdf.delay(pk)
    while Plaque.objects.filter(pk__in=ids).exclude(pdf="").count() < 4:
        time.sleep(0.1)
    done_at_kill = Plaque.objects.filter(pk__in=ids).exclude(pdf="").count()
    os.kill(first.pid, signal.SIGKILL)  # the main process only; its pool processes are orphaned
    killed = time.monotonic()
    stack.worker("render2")
    finished: dict[int, float] = {}
    deadline = killed + settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 180
    while len(finished) < len(ids) and time.monotonic() < deadline:
        now = time.monotonic() - killed
        for pk in Plaque.objects.filter(pk__in=ids).exclude(pdf="").values_list("pk", flat=True):
            finished.setdefault(pk, now)
        time.sleep(0.5)
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    complete = 0
    for plaque in Plaque.objects.filter(pk__in=ids).exclude(pdf=""):
        path = root / plaque.pdf.name
        data = path.read_bytes() if path.is_file() else b""
        complete += data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    files = [p for p in root.rglob("*") if p.is_file()]
    named = set(Plaque.objects.exclude(pdf="").values_list("pdf", flat=True))
    after = sorted(t for t in finished.values())
    gaps = [b - a for a, b in itertools.pairwise(after)]
    stranded_from = next((i + 1 for i, g in enumerate(gaps) if g > 30), None)
    queue_end = stranded_from or len(after)
    return {
        "plaques queued": len(ids),
        "PDFs stored before the kill": done_at_kill,
        "plaques with a complete PDF in the end": complete,
        "plaques without a PDF": len(ids) - len(finished),
        "partial or unnamed files on disk": len([p for p in files if p.relative_to(root).as_posix() not in named]),
        "seconds after the kill until the queue was done": round(after[queue_end - 1], 1) if after else None,
        "tasks held by the killed worker, picked up later": len(after) - queue_end,
        "seconds after the kill until those were done": round(after[-1], 1) if stranded_from else "none stranded",
        "visibility timeout (s)": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    }


def child_scenario(stack: Stack, n: int) -> dict:
    """``n`` renders on a worker with 2 pool processes; one pool process is killed (SIGKILL) mid-render. Its task is
    handed back at once (``reject_on_worker_lost``) instead of waiting for the visibility timeout."""
    from django.conf import settings
    from django.utils import timezone

    from benchmarks.city import build_city
    from workstations.models.plaques import Plaque
    from workstations.tasks import render_plaque_pdf

    build_city(max(n * 2, 20), timezone.localdate(), prefix="k")
    ids = list(Plaque.objects.filter(pdf="").order_by("pk").values_list("pk", flat=True)[:n])
    worker = stack.worker("child")
    for pk in ids:
        render_plaque_pdf.delay(pk)
    while Plaque.objects.filter(pk__in=ids).exclude(pdf="").count() < 2:
        time.sleep(0.1)
    victim = int(Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()[0])
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    deadline = killed + settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60
    while Plaque.objects.filter(pk__in=ids, pdf="").exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    done = Plaque.objects.filter(pk__in=ids).exclude(pdf="").count()
    return {
        "plaques queued": len(ids),
        "plaques with their PDF in the end": done,
        "seconds after the pool process was killed until all were done": round(time.monotonic() - killed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="mail,renders,child")
    parser.add_argument("--notifications", type=int, default=30)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--lease", type=int, default=20, help="e-mail lease for the run (production: 300 s)")
    parser.add_argument("--plaques", type=int, default=30)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    stack = Stack(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    results = {}
    try:
        stack.setup_django(NOTIFICATION_EMAIL_LEASE_SECONDS=str(args.lease))
        only = args.only.split(",")
        if "mail" in only:
            results["E-mails under killed workers"] = mail_scenario(stack, args.notifications, args.kills, args.lease)
        if "renders" in only:
            results["Plaque renders after the worker's main process is killed"] = render_scenario(stack, args.plaques)
        if "child" in only:
            results["Plaque renders after one pool process is killed"] = child_scenario(stack, 10)
    finally:
        stack.close()
    load = os.getloadavg()
    for title, figures in results.items():
        print(f"\n### {title}\n\n| figure | value |\n|---|---|")
        for key, value in figures.items():
            print(f"| {key} | {value} |")
    print(f"\nload average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} ({os.cpu_count()} cores)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
