"""Requests per second of the public publicity page against a trivial Django view, on one gunicorn, in one run.

    .venv/bin/python benchmarks/public_pages.py [--seconds 3] [--rounds 3] [--threads 4] [--workers 2] [--strict]

Builds a throw-away SQLite database (a published list of 12 candidates), starts gunicorn on 127.0.0.1 with
``benchmarks.settings`` (the portal plus a trivial view), and alternates timed rounds of the two URLs with a small
load generator (threads, http.client, a request cap per round). Prints both rates and their ratio (target ≥ 0.8);
with ``--strict`` it exits 1 below the target.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TARGET = 0.8
MAX_REQUESTS_PER_ROUND = 20_000

SETUP = r"""
import datetime as dt
import django
django.setup()
from django.utils import timezone
from portal.models import Organisation, User
from portal.workdays.models import CalendarDay
from review.publicity.services import publicity_publish
from workstations.models import State, Workstation

today = timezone.localdate()
for offset in range(-10, 30):  # keep the benchmark runnable beyond the seeded calendar years
    day = today + dt.timedelta(days=offset)
    CalendarDay.objects.get_or_create(date=day, defaults={"is_working_day": day.weekday() < 5})
city = Organisation.objects.create(kind="city_bureau", name="平顶山市人力资源和社会保障局")
county = Organisation.objects.create(kind="county_bureau", name="新华区人力资源和社会保障局", short_name="新华区")
staff = User.objects.create(username="bench-staff", organisation=city)
candidates = []
for i in range(12):
    host = Organisation.objects.create(kind="host_unit", name=f"鹰城创业孵化基地{i}", county=county)
    candidates.append(Workstation.objects.create(
        host_unit=host, recommender=county, lead_mentor_name=f"导师{i}", state=State.REVIEW_PASSED))
pl = publicity_publish(workstations=candidates, title="拟认定名单公示", intro="现予以公示。",
    contact_office="就业促进科", contact_phone="0375-2660000",
    published_at=timezone.now() - dt.timedelta(days=1), actor=staff)
print(pl.pk)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def measure(port: int, path: str, seconds: float, threads: int) -> float:
    """Requests per second over ``seconds`` (bounded by MAX_REQUESTS_PER_ROUND); every response must be 200."""
    done = [0] * threads
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds
    budget = MAX_REQUESTS_PER_ROUND // threads

    def worker(i: int) -> None:
        while time.perf_counter() < stop_at and done[i] < budget:
            status = get(port, path)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
                return
            done[i] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(errors[0])
    return sum(done) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        env = {
            **os.environ,
            "PORTAL_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        print("preparing the database …", flush=True)
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run([PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        list_pk = int(out.stdout.strip().splitlines()[-1])
        port = free_port()
        gunicorn = Path(PYTHON).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            deadline = time.time() + 30
            while True:
                try:
                    if get(port, "/bench/trivial/") == 200:
                        break
                except OSError:
                    pass
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start")
                time.sleep(0.2)
            urls = {"trivial view": "/bench/trivial/", "public publicity page": f"/public/publicity/{list_pk}/"}
            for path in urls.values():  # warm every worker's cache and imports
                measure(port, path, 1.0, args.threads)
            rates: dict[str, list[float]] = {name: [] for name in urls}
            for round_no in range(1, args.rounds + 1):
                for name, path in urls.items():
                    rate = measure(port, path, args.seconds, args.threads)
                    rates[name].append(rate)
                    print(f"round {round_no}: {name:<22} {rate:8.1f} req/s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    trivial = sum(rates["trivial view"]) / len(rates["trivial view"])
    public = sum(rates["public publicity page"]) / len(rates["public publicity page"])
    ratio = public / trivial
    print(f"trivial view          {trivial:8.1f} req/s")
    print(f"public publicity page {public:8.1f} req/s")
    print(f"ratio                 {ratio:8.2f}  (target ≥ {TARGET})")
    return 1 if args.strict and ratio < TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
