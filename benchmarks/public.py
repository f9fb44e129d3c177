"""Public pages under gunicorn, driven by ``wrk`` (issue 21 item 5), against production's cache and worker settings.

Started by ``benchmarks/run.py`` against the largest city's database. One gunicorn serving ``benchmarks.wsgi`` (the
portal, a trivial Django view at ``/bench/trivial/`` and a bare WSGI app at ``/bench/bare/``), started in the project
directory so it reads ``gunicorn.conf.py`` (``max_requests`` with jitter), with the ``--workers`` and ``--timeout`` of
docker-compose.yml's web service, and ``REDIS_URL`` as its cache (portal.cache.ResilientRedisCache, under this run's
own key prefix). ``wrk`` (installed with apt-get when missing) drives each URL for ``seconds``; a Lua script
(``wrk_report.lua``) prints requests, errors and p50/p95/p99/max latency over every request. Cases: the three
baselines; the publicity page and the directory; both with a random query string per request (cache busting); both
while a writer changes public data every second (invalidation under load); the public notice PDF. The city is
bulk-loaded, past the services, so nothing has sent the notice PDF's render task: it is run once for the measured list
before the first request (``render_notice_main``), as production's worker runs it after the list is published.
The load average is read before and after each figure. Then the heavy staff pages are loaded once per worker and the
peak memory (VmHWM) of each web worker is read.
"""

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

from benchmarks.stats import load, settle

LUA = Path(__file__).with_name("wrk_report.lua")


def ensure_wrk() -> str:
    """The path of ``wrk``; installed from Debian's packages (apt-get) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it: run `apt-get install -y wrk`")
    return found


def production_web_options(root: Path) -> dict:
    """``--workers`` and ``--timeout`` of the web service in docker-compose.yml (production's command line)."""
    import yaml

    command = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["web"]["command"]
    options = {"workers": 1, "timeout": 30}
    for name in options:
        if f"--{name}" in command:
            options[name] = int(command[command.index(f"--{name}") + 1])
    return options


def get(port: int, path: str, cookie: str = "", timeout: float = 120) -> tuple[int, int, float]:
    """(status, body bytes, seconds) of one request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept-Language": "zh-CN"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body), time.perf_counter() - start
    finally:
        conn.close()


def wrk(binary: str, port: int, path: str, seconds: float, connections: int, *, random_query=False) -> dict:
    """One wrk run; the figures of its Lua report plus the load average before and after."""
    env = {**os.environ, "WRK_RANDOM_QUERY": "1" if random_query else "0"}
    threads = min(2, connections)
    before = load()
    done = subprocess.run(
        [
            binary,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds:g}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            "-H",
            "Accept-Language: zh-CN",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no report for {path}:\n{done.stdout}\n{done.stderr}")
    report = json.loads(line.removeprefix("WRKJSON "))
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    report["errors"] = sum(v for k, v in report.items() if k.startswith("err_"))
    report["load"] = [before, load()]
    return report


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


class WorkerWatch:
    """The web workers' pids, sampled five times a second while a case runs: how many were replaced (max_requests)."""

    def __init__(self, master: int):
        self.master, self.seen, self.stop = master, set(worker_pids(master)), threading.Event()
        self.first = set(self.seen)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self.seen.update(worker_pids(self.master))

    def replaced(self) -> int:
        self.stop.set()
        self.thread.join()
        return len(self.seen - self.first)


def wait_ready(port: int, workers: int, master: int, path: str, timeout: float = 120) -> None:
    """Until every worker is up (none being replaced) and has served ``path``: a worker gunicorn has just replaced
    (max_requests) loads the URLconf, templates and connections on its first request, seconds on a busy machine."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(worker_pids(master)) >= workers:
            break
        time.sleep(0.2)
    for _ in range(3):  # ``workers`` requests at once reach every worker (each sync worker takes one connection)
        pool = [threading.Thread(target=_quiet_get, args=(port, path)) for _ in range(workers)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    if len(worker_pids(master)) < workers:
        raise SystemExit("gunicorn's workers did not come back")


def _quiet_get(port: int, path: str) -> None:
    with contextlib.suppress(OSError):
        get(port, path.replace("?q=<random>", ""), timeout=60)


def writer_main(seconds: float, out: str) -> None:
    """Change public data once a second for ``seconds``, as a member of staff would (run in a child process): each
    change touches a workstation the directory lists and the publicity list, and bumps the public version, as the
    services do (``portal.publiccache.bump_public_version``)."""
    from django.db import transaction
    from django.utils import timezone

    from portal.publiccache import bump_public_version
    from review.publicity.models import PublicityList
    from workstations.models import State, Workstation

    ws_ids = list(Workstation.objects.filter(state=State.ACTIVE).values_list("pk", flat=True)[:50])
    stop_at = time.monotonic() + seconds
    changes = 0
    while time.monotonic() < stop_at:
        tick = time.monotonic()
        with transaction.atomic():
            now = timezone.now()
            Workstation.objects.filter(pk=ws_ids[changes % len(ws_ids)]).update(updated_at=now)
            PublicityList.objects.filter(pk=PublicityList.objects.order_by("-pk").values("pk")[:1]).update(
                updated_at=now
            )
            bump_public_version()
        changes += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    Path(out).write_text(json.dumps({"changes": changes}))


def render_notice_main(list_id: int, out: str) -> None:
    """Run the notice PDF's render task for list ``list_id`` here and now (a child process with the run's cache), as
    production's worker does once the list is published (``review.publicity.notice_pdf.render_notice_pdf``)."""
    from review.publicity.notice_pdf import render_notice_pdf

    start = time.perf_counter()
    if not render_notice_pdf(list_id):
        raise SystemExit(f"no publicity list {list_id}")
    Path(out).write_text(json.dumps({"seconds": time.perf_counter() - start}))


def run(database_url: str, city: dict, *, seconds: float, connections: int, tmp: Path) -> dict:
    from benchmarks.run import PYTHON, ROOT, child_env, free_port, run_child

    binary = ensure_wrk()
    web = production_web_options(ROOT)
    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    env = child_env(database_url, redis=True)
    ids = city["ids"]
    # Before any request: the notice PDF of the measured list rendered and stored by its task, as after publishing.
    notice_task = run_child("notice", database_url, tmp / "notice.json", {"redis": True}, list=ids["list"])
    server = subprocess.Popen(
        [
            *(str(gunicorn), "benchmarks.wsgi:application", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
            *("--workers", str(web["workers"]), "--timeout", str(web["timeout"])),
        ],
        cwd=ROOT,  # gunicorn.conf.py: max_requests and its jitter, as in production
        env=env,
    )
    figures: dict[str, dict] = {}
    cold: dict[str, dict] = {}
    try:
        deadline = time.time() + 60
        while True:
            try:
                if get(port, "/bench/trivial/")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        publicity, directory = f"/public/publicity/{ids['list']}/", "/public/workstations/"
        notice = f"{publicity}notice.pdf"
        # Every worker up and past its own first request (the URLconf and WeasyPrint imported), as production's are:
        # the first requests below measure the first request for the content, not a worker's start.
        wait_ready(port, web["workers"], server.pid, "/bench/trivial/")
        for name, path in (("publicity page", publicity), ("directory", directory), ("notice PDF", notice)):
            status, size, took = get(port, path)  # the pages: rendered and stored; the PDF: read from the store
            cold[name] = {"status": status, "bytes": size, "ms": took * 1000, "load": load()}
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status} under gunicorn")
        cases = [
            ("bare WSGI app", "/bench/bare/", False, False),
            ("trivial Django view", "/bench/trivial/", False, False),
            ("publicity page", publicity, False, False),
            ("directory", directory, False, False),
            ("publicity page, random query string", publicity, True, False),
            ("directory, random query string", directory, True, False),
            ("publicity page, writer every second", publicity, False, True),
            ("directory, writer every second", directory, False, True),
            ("notice PDF (rendered once)", notice, False, False),
            ("trivial Django view, again at the end", "/bench/trivial/", False, False),
        ]
        for _name, path, _r, _w in cases[:4]:  # every worker's imports and connections
            wrk(binary, port, path, min(2.0, seconds), connections)
        for name, path, random_query, writer in cases:
            settle()  # each case starts on a machine no longer busy with the one before (benchmarks/stats.py)
            child = None
            if writer:
                out = tmp / f"writer-{len(figures)}.json"
                args = [PYTHON, str(ROOT / "benchmarks" / "run.py"), "--child", "writer"]
                args += ["--seconds", str(seconds + 2), "--out", str(out)]
                child = subprocess.Popen(args, cwd=ROOT, env=env)
                time.sleep(1.5)  # the writer is connected and has made its first change
            wait_ready(port, web["workers"], server.pid, path)
            watch = WorkerWatch(server.pid)
            try:
                figure = wrk(binary, port, path, seconds, connections, random_query=random_query)
            finally:
                figure_restarts = watch.replaced()
                if child:
                    child.wait(timeout=60)
            figure["restarts"] = figure_restarts
            if child:
                figure["changes"] = json.loads(out.read_text())["changes"]
            figure["path"] = path + ("?q=<random>" if random_query else "")
            figures[name] = figure
            print(
                f"  {name:<38} {figure['rps']:8.1f} req/s  p50/p95/p99 {figure['p50_us'] / 1000:.1f}/"
                f"{figure['p95_us'] / 1000:.1f}/{figure['p99_us'] / 1000:.1f} ms  errors {figure['errors']}  "
                f"workers replaced {figure['restarts']}  load {figure['load'][1]:.2f}",
                flush=True,
            )
        staff = {}
        for path in ("/workstations/board/", "/subsidies/overview/", f"/review/rounds/{ids['round']}/", "/audit/"):
            for _ in range(web["workers"]):
                status, size, took = get(port, path, cookie=city["session"], timeout=web["timeout"] + 10)
                staff[path] = {"status": status, "ms": took * 1000}
        rss = [peak_rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "figures": figures,
        "cold": cold,
        "notice_task_s": notice_task["seconds"],
        "web": web,
        "connections": connections,
        "seconds": seconds,
        "rss": rss,
        "staff": staff,
    }


def forget_cache(redis_url: str, prefix: str) -> None:
    """Delete the keys this run wrote to Redis (only those under its own prefix)."""
    import redis

    if not (redis_url and prefix):
        return
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        for i in range(0, len(keys), 500):
            client.delete(*keys[i : i + 500])
    except redis.exceptions.RedisError:
        pass
