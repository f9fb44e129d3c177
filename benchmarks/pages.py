"""Server time and query count of the main page of each role, on a generated city (run by ``benchmarks/run.py``).

Each city lives in a child process whose ``DATABASE_URL`` names an empty migrated database: it builds the city there
and then measures a page when the parent asks (:func:`serve`, :class:`Server`). The parent measures every page on
every city in turns (:func:`measure_paired`): p50 / p95 / p99 over ``repeat`` requests (at most ``budget`` seconds a
page and city), the query count and HTML size of a first request with the cache emptied, the load average before
and after. Public pages are measured cold (the query count) and warm (from the page cache, production's Redis).
"""

import gc
import json
import math
import time


def pages(city) -> list[tuple[str, str, str]]:
    """(label, role, url) of each page measured."""
    i = city.ids
    return [
        ("home (host unit)", "host", "/"),
        ("home (city staff)", "staff", "/"),
        ("application list (host unit)", "host", "/applications/"),
        ("application list (city staff)", "staff", "/applications/"),
        ("application detail", "staff", f"/applications/{i['application']}/"),
        ("recommender desk", "clerk", f"/applications/calls/{i['call']}/recommend/"),
        ("city candidate view", "staff", f"/applications/calls/{i['old_call']}/candidates/"),
        ("review round page", "staff", f"/review/rounds/{i['round']}/"),
        ("review round (expert)", "expert", f"/review/rounds/{i['round']}/"),
        ("supervisor oversight", "supervisor", f"/review/rounds/{i['round']}/oversight/"),
        ("compliance board", "staff", "/workstations/board/"),
        ("ledger list (city staff)", "staff", "/subsidies/"),
        ("ledger page", "host", f"/subsidies/workstations/{i['ledger_ws']}/"),
        ("city subsidy overview", "staff", "/subsidies/overview/"),
        ("subsidy audit list", "staff", "/subsidies/audits/"),
        ("audit trail", "staff", "/audit/"),
        ("exits list", "staff", "/workstations/exits/"),
        ("workstation list (city staff)", "staff", "/workstations/"),
        ("workstation list (host unit)", "host", "/workstations/"),
        ("workstation detail", "staff", f"/workstations/{i['workstation']}/"),
        ("public publicity page", "public", f"/public/publicity/{i['list']}/"),
        ("public directory", "public", "/public/workstations/"),
    ]


def clear_cache(cache) -> None:
    """Empty this run's part of the cache: the keys under its prefix on Redis (never FLUSHDB), all of a local cache."""
    import os

    from benchmarks.public import forget_cache

    prefix = os.environ.get("BENCH_CACHE_PREFIX", "")
    if os.environ.get("REDIS_URL") and prefix:
        forget_cache(os.environ["REDIS_URL"], prefix)
    else:
        cache.clear()


def clients_for(city) -> dict:
    from django.test import Client

    clients = {}
    for role, user in city.users.items():
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[role].force_login(user)
    clients["public"] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    return clients


def cold(client, url: str) -> dict:
    """The first request of a page with the cache emptied: its status, query count, time and HTML size."""
    from django.core.cache import cache
    from django.db import connection

    clear_cache(cache)
    queries: list[str] = []

    def count(execute, sql, params, many, context, queries=queries):
        queries.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):  # not queries_log: request_started resets it
        response = client.get(url)
    took = (time.perf_counter() - start) * 1000
    return {"status": response.status_code, "queries": len(queries), "cold_ms": took, "bytes": len(response.content)}


def warm(client, url: str, n: int, budget: float) -> list[float]:
    """``n`` requests of a page (at most ``budget`` seconds), each one's time in ms."""
    times: list[float] = []
    stop_at = time.perf_counter() + budget
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > stop_at:
            break
    return times


def serve(city) -> None:
    """Answer the parent's commands, one JSON line each on stdin, until ``quit``: ``{"cold": i}`` or
    ``{"warm": i, "n": n, "budget": s}`` for page ``i`` of :func:`pages`. Answers are written on stdout as one line
    after the ``@@`` mark (anything else the portal prints there is not an answer)."""
    import sys

    clients = clients_for(city)
    listed = pages(city)
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("quit"):
            break
        if "cold" in command:
            _label, role, url = listed[command["cold"]]
            answer: dict = cold(clients[role], url)
        else:
            _label, role, url = listed[command["warm"]]
            answer = {"times": warm(clients[role], url, command["n"], command["budget"])}
        print("@@" + json.dumps(answer), flush=True)


class Server:
    """A child process holding one city, measuring a page when asked (parent side of :func:`serve`)."""

    def __init__(self, args: list[str], env: dict, cwd):
        import subprocess

        pipe = subprocess.PIPE
        self.process = subprocess.Popen(args, cwd=cwd, env=env, stdin=pipe, stdout=pipe, text=True)
        self.info = self._answer()  # the city, once built

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("@@"):
                return json.loads(line[2:])
        raise RuntimeError(f"the page server stopped (exit status {self.process.wait()})")

    def ask(self, **command) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.write(json.dumps({"quit": True}) + "\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def measure_paired(servers: dict, repeat: int, budget: float, rounds: int = 4) -> dict[int, list[dict]]:
    """Every page on every city, the cities taking turns: ``rounds`` rounds of ``repeat / rounds`` requests each,
    the order of the cities reversed every other round. The figures a ratio compares are taken within the same
    seconds, so a machine that slows down or speeds up during the run (a shared host) moves both alike."""
    from benchmarks.stats import load, settle, summary

    sizes = sorted(servers)
    listed = servers[sizes[0]].info["pages"]
    settle()  # the cities' builds are over (one process a page from here: the load stays near 1)
    results: dict[int, list[dict]] = {size: [] for size in sizes}
    for index, (label, role, _url) in enumerate(listed):
        load_before = load()
        first = {size: servers[size].ask(cold=index) for size in sizes}
        times: dict[int, list[float]] = {size: [] for size in sizes}
        for turn in range(rounds):
            for size in sizes if turn % 2 == 0 else reversed(sizes):
                if first[size]["status"] == 200:
                    answer = servers[size].ask(warm=index, n=math.ceil(repeat / rounds), budget=budget / rounds)
                    times[size] += answer["times"]
        load_after = load()
        for size in sizes:
            url_here = servers[size].info["pages"][index][2]
            if first[size]["status"] != 200:
                results[size].append({"page": label, "url": url_here, "status": first[size]["status"]})
                continue
            results[size].append(
                {
                    "page": label,
                    "role": role,
                    "url": url_here,
                    "status": 200,
                    "queries": first[size]["queries"],
                    "cold_ms": first[size]["cold_ms"],
                    "ms": summary(times[size]),
                    "bytes": first[size]["bytes"],
                    "load": [load_before, load_after],
                }
            )
    return results


def session_cookie(user) -> str:
    """A logged-in session for the load generator (authenticated page under gunicorn)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main(size: int, out: str, *, serving: bool) -> None:
    """Build the city; then write what the public section needs to ``out``, or (``serving``) announce it on stdout
    and answer the parent's measurements (:func:`serve`)."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from benchmarks.city import build_city

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    today = timezone.localdate()
    start = time.perf_counter()
    city = build_city(size, today)
    built = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # What building the city left in this process is not a web worker's heap (a worker is forked from a master that
    # only loaded the portal): collected and frozen, so the garbage collector's pauses do not grow with the city.
    gc.collect()
    gc.freeze()
    data = {
        "size": size,
        "build_s": built,
        "counts": city.counts,
        "ids": city.ids,
        "session": session_cookie(city.users["staff"]),
        "pages": pages(city),
    }
    if serving:
        print("@@" + json.dumps(data), flush=True)
        serve(city)
    else:
        with open(out, "w") as fh:
            json.dump(data, fh)
