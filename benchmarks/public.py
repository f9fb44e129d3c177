"""Requests per second of the public pages under gunicorn, as a ratio to a trivial Django view (target ≥ 0.8).

Started by ``benchmarks/run.py`` against the large city's database: one gunicorn (``benchmarks.settings``: the
portal plus ``/bench/trivial/``) on 127.0.0.1, and a bounded load generator (threads, http.client, a request cap per
round) alternating the URLs. Also loads the heaviest staff pages once through the same server, then reads the peak
resident memory (``VmHWM``) of each web worker.
"""

import http.client
import secrets
import subprocess
import threading
import time
from pathlib import Path

TARGET = 0.8
MAX_REQUESTS_PER_ROUND = 20_000


def get(port: int, path: str, cookie: str = "") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = path.replace("{rand}", secrets.token_hex(6))  # a made-up query string per request (cache busting)
    headers = {"Accept-Language": "zh-CN"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, path: str, seconds: float, threads: int) -> float:
    """Requests per second over ``seconds`` (at most MAX_REQUESTS_PER_ROUND); every response must be 200."""
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


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(database_url: str, city: dict, *, quick: bool, tmp: Path) -> dict:
    from benchmarks.run import PYTHON, ROOT, child_env, free_port

    seconds, rounds, threads, workers = (1.5, 2, 4, 2) if quick else (3.0, 3, 4, 2)
    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    env = child_env(database_url, redis=True)
    server = subprocess.Popen(
        [
            str(gunicorn),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
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
        ids = city["ids"]
        urls = {
            "trivial view": "/bench/trivial/",
            "public publicity page": f"/public/publicity/{ids['list']}/",
            "public directory": "/public/workstations/",
            "public publicity page, random query string": f"/public/publicity/{ids['list']}/?q={{rand}}",
            "public notice PDF (stored)": f"/public/publicity/{ids['list']}/notice.pdf",
        }
        for path in urls.values():  # render each page once (the PDF is rendered and stored by this request)
            if get(port, path) != 200:
                raise SystemExit(f"{path}: not 200 under gunicorn")
        for path in urls.values():  # warm every worker's cache and imports
            load(port, path, 1.0, threads)
        rates: dict[str, list[float]] = {name: [] for name in urls}
        for round_no in range(1, rounds + 1):
            for name, path in urls.items():
                rate = load(port, path, seconds, threads)
                rates[name].append(rate)
                print(f"round {round_no}: {name:<22} {rate:8.1f} req/s", flush=True)
        # The heavy staff pages, once per worker, so that the memory figure covers them too.
        for path in ("/workstations/board/", "/subsidies/overview/", "/workstations/", "/applications/", "/audit/"):
            for _ in range(workers):
                status = get(port, path, cookie=city["session"])
                if status != 200:
                    raise SystemExit(f"{path}: HTTP {status} under gunicorn")
        rss = [peak_rss_mb(pid) for pid in worker_pids(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    mean = {name: sum(v) / len(v) for name, v in rates.items()}
    trivial = mean["trivial view"]
    rows, ok = [], True
    for name, path in urls.items():
        ratio = mean[name] / trivial
        if name not in ("trivial view", "public notice PDF (stored)"):
            ok = ok and ratio >= TARGET
        rows.append([f"{name} `{path}`", f"{mean[name]:.0f}", f"{ratio:.2f}"])
    note = (
        "Production's cache: Redis through portal.cache.ResilientRedisCache. "
        f"gunicorn, {workers} sync workers, {threads} client threads on the same machine, {rounds} alternating rounds "
        f"of {seconds:g} s per URL (mean shown; at most {MAX_REQUESTS_PER_ROUND:,} requests a round). "
        f"Target: ratio ≥ {TARGET}; " + ("met." if ok else "NOT met.")
    )
    note += " The notice PDF row is not judged by the ratio (its goal is ≥ 100 req/s once rendered)."
    return {"rows": rows, "note": note, "ok": ok, "max_rss_mb": max(rss or [0]), "rss_all": rss}


def forget_cache(redis_url: str, prefix: str) -> None:
    """Delete the keys this run wrote to Redis (only those under its own prefix)."""
    import redis

    if not (redis_url and prefix):
        return
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        for key in client.scan_iter(f"{prefix}:*", count=1000):
            client.delete(key)
    except redis.exceptions.RedisError:
        pass
