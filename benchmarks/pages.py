"""Server time and query count of the main page of each role, on a generated city (run by ``benchmarks/run.py``).

Runs in a child process whose ``DATABASE_URL`` names an empty migrated database; builds the city there, requests
each page with Django's test client (p50 / p95 / p99 over ``repeat`` requests, at most ``budget`` seconds a page; the
query count and HTML size of one request; the load average before and after), and writes JSON. Public pages are
measured cold (cache cleared: the query count) and warm (served from the page cache, production's Redis).
"""

import gc
import json
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


def measure(city, repeat: int, budget: float) -> list[dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from benchmarks.stats import load, summary

    clients = {}
    for role, user in city.users.items():
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[role].force_login(user)
    clients["public"] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    results = []
    for label, role, url in pages(city):
        client = clients[role]
        clear_cache(cache)
        load_before = load()
        start = time.perf_counter()
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # not queries_log: request_started resets it
            response = client.get(url)
        cold = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            results.append({"page": label, "url": url, "status": response.status_code})
            continue
        times = []
        stop_at = time.perf_counter() + budget
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if time.perf_counter() > stop_at:
                break
        results.append(
            {
                "page": label,
                "role": role,
                "url": url,
                "status": 200,
                "queries": len(queries),
                "cold_ms": cold,
                "ms": summary(times),
                "bytes": len(response.content),
                "load": [load_before, load()],
            }
        )
    return results


def session_cookie(user) -> str:
    """A logged-in session for the load generator (authenticated page under gunicorn)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main(size: int, repeat: int, budget: float, out: str) -> None:
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
    rows = measure(city, repeat, budget) if repeat else []  # 0: the city only (``--only public``)
    data = {
        "size": size,
        "build_s": built,
        "counts": city.counts,
        "pages": rows,
        "ids": city.ids,
        "session": session_cookie(city.users["staff"]),
    }
    with open(out, "w") as fh:
        json.dump(data, fh)
