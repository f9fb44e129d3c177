"""All benchmarks of the portal in one run (issues 9 and 21), every goal of issue 21 judged, exit status 1 if one is
not met. PostgreSQL at 127.0.0.1:5432 and Redis (``REDIS_URL``, required: production's cache) are needed.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/run.py              # the full run, about 20 min
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/run.py --quick      # a few minutes, small sizes
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/run.py --only public,ballot

The full run (all sections, not ``--quick``) rewrites ``benchmarks/RESULTS.md``; ``--write FILE`` chooses another
file (or writes a partial run). It refuses to start while the 1-minute load average exceeds the core count
(``--allow-load`` runs anyway); every figure first waits (up to 2 minutes) for the load left by the one before to
decay, carries the load before and after it and is marked LOADED when the machine was busy as it started (the load
before it over the core count; the load after counts the measurement's own processes). Sections (``--only``):
``pages`` (every role's pages on cities of 100, 1,000 and 10,000 workstations, in-process, p50/p95/p99 of 200
requests, queries and HTML size), ``public`` (gunicorn with production's
settings driven by ``wrk``: benchmarks/public.py), ``ballot`` (50 concurrent experts served by as many processes as
production's web workers, every vote twice: benchmarks/ballot.py), ``pdf`` (PDF rendering in one process) and
``celery`` (worker memory after 300 plaques: benchmarks/worker_memory.py).

Every database is a throw-away one (``bench_<random>_*``), created from one migrated template and dropped at the
end; the run's Redis keys carry a prefix of their own and are deleted at the end (never FLUSHDB). Each section runs
in a child process (``--child``) so that its settings (database, Redis, Celery) are its own.
"""

import argparse
import json
import math
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432/"
SECTIONS = ("pages", "public", "ballot", "pdf", "celery")
FULL = {
    "sizes": "100,1000,10000",
    "repeat": 200,  # requests per page: the p95 is the 10th slowest of 200 (steadier than the 5th of 100)
    "budget": 20.0,  # seconds per page at most (a page slower than 100 ms gets fewer than 200 samples)
    "seconds": 10.0,  # wrk's duration per public figure
    "connections": 12,
    "ballot": (50, 100, 50),  # experts, candidates, threads: 5,000 ballots, every one sent twice
    "pdf_repeat": 10,
    "plaques": 300,
}
QUICK = {
    "sizes": "30,100,300",
    "repeat": 10,
    "budget": 3.0,
    "seconds": 3.0,
    "connections": 8,
    "ballot": (10, 20, 10),
    "pdf_repeat": 2,
    "plaques": 12,
}
# In the environment, so that `benchmarks.run` imported as a module (public.py) and `__main__` share one prefix.
BENCH_CACHE_PREFIX = os.environ.setdefault("BENCH_CACHE_PREFIX", f"bench_{secrets.token_hex(3)}")


# --- databases ------------------------------------------------------------------------------------------------------


class Databases:
    """A migrated template and copies of it, all dropped by ``cleanup``."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp = kind, tmp
        if kind != "postgresql":
            raise SystemExit("the benchmarks run on PostgreSQL only")
        self.prefix = f"bench_{secrets.token_hex(3)}"
        self.made: list[str] = []
        self.template = self._create("tpl")
        env = {**child_env(self.template), "DJANGO_SETTINGS_MODULE": "portal.settings"}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        if kind == "postgresql":
            self._psql(f'ALTER DATABASE "{self.prefix}_tpl" WITH ALLOW_CONNECTIONS false')

    def _psql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True) as conn:
            conn.execute(sql)

    def _create(self, name: str, template: str | None = None) -> str:
        if self.kind == "sqlite":
            path = self.tmp / f"{name}.sqlite3"
            if template:
                shutil.copy(template.removeprefix("sqlite:///"), path)
            self.made.append(str(path))
            return f"sqlite:///{path}"
        db = f"{self.prefix}_{name}"
        self._psql(f'CREATE DATABASE "{db}"' + (f' TEMPLATE "{self.prefix}_tpl"' if template else ""))
        self.made.append(db)
        return PG + db

    def copy(self, name: str) -> str:
        return self._create(name, template=self.template)

    def cleanup(self) -> None:
        if self.kind == "postgresql":
            for db in reversed(self.made):
                self._psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def bench_redis_url() -> str:
    """The Redis the public figures run against, as production does: BENCH_REDIS_URL, else REDIS_URL."""
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or ""


def child_env(database_url: str, *, redis: bool = False, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("REDIS_URL", None)
    if redis:  # production's cache (portal.cache.ResilientRedisCache), under a prefix of this run's own
        env["REDIS_URL"] = bench_redis_url()
        env["BENCH_CACHE_PREFIX"] = BENCH_CACHE_PREFIX
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"  # no worker listens to this Redis: the figures' tasks run in place
    env.update(extra)
    return env


def run_child(section: str, database_url: str, out: Path, env_extra: dict | None = None, **options) -> dict:
    args = [PYTHON, str(Path(__file__)), "--child", section, "--out", str(out)]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    subprocess.run(args, cwd=ROOT, env=child_env(database_url, **(env_extra or {})), check=True)
    return json.loads(out.read_text())


PAIRED_ROUNDS = 4  # the cities take turns on each page this many times


def measure_pages(dbs: "Databases", sizes: list[int], repeat: int, budget: float) -> dict[int, dict]:
    """Every city built in its own process (its own database and cache prefix), then every page measured on all of
    them in turns (benchmarks/pages.py ``measure_paired``)."""
    from benchmarks import pages

    servers: dict[int, pages.Server] = {}
    try:
        for size in sizes:
            url = dbs.copy(f"city{size}")
            t0 = time.perf_counter()
            env = child_env(url, redis=True)
            env["BENCH_CACHE_PREFIX"] = f"{BENCH_CACHE_PREFIX}:city{size}"  # the cities' caches apart
            args = [PYTHON, str(Path(__file__)), "--child", "pages", "--serve", "--size", str(size), "--out", "-"]
            servers[size] = pages.Server(args, env, ROOT)
            servers[size].info["url"] = url
            print(f"city of {size:,}: built in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        measured = pages.measure_paired(servers, repeat, budget, rounds=PAIRED_ROUNDS)
        print(f"pages measured in {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        for server in servers.values():
            server.close()
    return {size: {**servers[size].info, "pages": measured[size]} for size in sizes}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- machine --------------------------------------------------------------------------------------------------------


def machine() -> dict:
    import django
    import psycopg

    from benchmarks.public import production_web_options
    from benchmarks.stats import cores, cpu_probe, load

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line))
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    with psycopg.connect(PG + "postgres") as conn:
        database = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
    web = production_web_options(ROOT)
    conf: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), conf)  # noqa: S102 - the project's own file, as gunicorn reads it
    import portal.settings as prod

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
        "cores": cores(),
        "load average at the start (1 min)": f"{load():.2f}",
        "CPU probe at the start (benchmarks/stats.py `cpu_probe`, lower is faster)": f"{cpu_probe():.0f} ms",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "cache": "Redis (portal.cache.ResilientRedisCache), REDIS_URL",
        "gunicorn (docker-compose.yml + gunicorn.conf.py)": (
            f"{web['workers']} sync workers, timeout {web['timeout']} s, max_requests {conf['max_requests']} "
            f"± {conf['max_requests_jitter']}"
        ),
        "Celery pool (portal/settings.py)": (
            f"concurrency 2, max_tasks_per_child {prod.CELERY_WORKER_MAX_TASKS_PER_CHILD}, "
            f"max_memory_per_child {prod.CELERY_WORKER_MAX_MEMORY_PER_CHILD // 1024} MB"
        ),
    }


# --- tables ---------------------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, sep, *body])


def pages_section(results: dict[int, dict], goals, say) -> None:
    from benchmarks.stats import MIN_SAMPLES, kb, load_mark, loaded_note, ms, pcts

    sizes = sorted(results)
    large = results[sizes[-1]]
    by_size = {n: {row["page"]: row for row in results[n]["pages"]} for n in sizes}
    rows, grown = [], []
    for row in large["pages"]:
        label = row["page"]
        line = [label]
        statuses = [by_size[n].get(label, {}).get("status") for n in sizes]
        for n in sizes:
            other = by_size[n].get(label, {})
            line.append(other.get("queries", f"HTTP {other.get('status')}"))
        first = by_size[sizes[0]].get(label, {})
        if all(s == 200 for s in statuses) and any(by_size[n][label]["queries"] > first["queries"] for n in sizes[1:]):
            grown.append(label)
        for n in sizes:
            other = by_size[n].get(label, {})
            line.append(pcts(other["ms"]) + f" (n={other['ms']['n']})" if other.get("status") == 200 else "—")
        for n in sizes:
            other = by_size[n].get(label, {})
            line.append(kb(other["bytes"]) if other.get("status") == 200 else "—")
        line.append(load_mark(*row["load"]) if row.get("status") == 200 else "")
        rows.append(line)
    headers = ["page", *(f"queries ({n:,})" for n in sizes)]
    headers += [f"p50 / p95 / p99 ms ({n:,})" for n in sizes]
    headers += [f"HTML KB ({n:,})" for n in sizes] + [f"load ({sizes[-1]:,})"]
    say(table(headers, rows))
    say()
    say(
        f"`*`: fewer than {MIN_SAMPLES} requests (a page is measured for at most its time budget). Query counts grow "
        "with the data on: " + (", ".join(grown) if grown else "no page") + "."
    )
    staff = [row for row in large["pages"] if row.get("role") != "public" or row.get("status") != 200]
    slow, ratio_over, big = [], [], []
    for row in staff:
        label = row["page"]
        other = by_size[sizes[-2] if len(sizes) > 1 else sizes[-1]].get(label, {})
        if row.get("status") != 200 or other.get("status") != 200:
            slow.append(f"{label} (HTTP {row.get('status')})")
            continue
        p95, p95_mid = row["ms"]["p95"], other["ms"]["p95"]
        if p95 > 100:
            slow.append(f"{label} {ms(p95)}")
        if p95 / p95_mid > 1.5:
            ratio_over.append(f"{label} {p95 / p95_mid:.2f}")
        if row["bytes"] > 300 * 1024:
            big.append(f"{label} {kb(row['bytes'])} KB")
    n_large, n_mid = f"{sizes[-1]:,}", f"{(sizes[-2] if len(sizes) > 1 else sizes[-1]):,}"
    loaded = loaded_note(*(r["load"][0] for r in staff if "load" in r))
    goals.judge(
        f"staff pages: p95 ≤ 100 ms at {n_large}",
        not slow,
        (f"{len(slow)} of {len(staff)} over: " + "; ".join(slow) if slow else f"all {len(staff)} pages") + loaded,
    )
    goals.judge(
        f"staff pages: p95({n_large}) / p95({n_mid}) ≤ 1.5",
        not ratio_over,
        (f"{len(ratio_over)} over: " + "; ".join(ratio_over) if ratio_over else f"all {len(staff)} pages") + loaded,
    )
    goals.judge(
        f"staff pages: HTML ≤ 300 KB at {n_large}",
        not big,
        f"{len(big)} over: " + "; ".join(big) if big else f"all {len(staff)} pages",
    )
    goals.judge("every page: query count flat with the data", not grown, ", ".join(grown) or "flat")


def public_section(pub: dict, size: int, goals, say) -> None:
    from benchmarks.stats import MIN_SAMPLES, kb, load_mark, loaded_note

    figures = pub["figures"]
    # The baseline: the trivial view measured first and again last (the mean, so that drift over the run cancels).
    baselines = [f["rps"] for name, f in figures.items() if name.startswith("trivial Django view")]
    trivial = sum(baselines) / len(baselines)

    def ratio_of(value: float, base: float) -> float:
        return value / base if base else math.nan

    def judged(ok: bool, value: float) -> bool | None:
        return None if math.isnan(value) else ok  # no request in the baseline (its workers were being replaced)

    rows = []
    for name, f in figures.items():
        rows.append(
            [
                f"{name} `{f['path']}`",
                f"{f['rps']:,.0f}",
                f"{ratio_of(f['rps'], trivial):.2f}",
                " / ".join(f"{f[k] / 1000:.1f}" for k in ("p50_us", "p95_us", "p99_us", "max_us"))
                + ("*" if f["requests"] < MIN_SAMPLES else ""),
                f"{f['requests']:,}",
                f"{f['errors']}" + (f" ({f['err_status']} not 2xx/3xx)" if f["err_status"] else ""),
                f.get("changes", ""),
                f["restarts"],
                load_mark(*f["load"]),
            ]
        )
    headers = ["case", "req/s", "÷ trivial (mean of both)", "p50 / p95 / p99 / max ms", "requests", "errors", "changes"]
    headers += ["workers replaced", "load"]
    say(table(headers, rows))
    say()
    web = pub["web"]
    say(
        f"`wrk` 2 threads, {pub['connections']} connections, {pub['seconds']:g} s per case, on the same machine; "
        f"gunicorn `benchmarks.wsgi` with {web['workers']} workers, timeout {web['timeout']} s and gunicorn.conf.py "
        "(max_requests with jitter: `workers replaced` counts the workers gunicorn replaced during the case; each "
        "case starts with every worker up), Redis as the cache. Latencies over every request of the case. A writer "
        "changes public data once a second (a workstation and the publicity list touched, the public version "
        "bumped) in the `writer` cases. First requests, once every worker has served the trivial view (the pages "
        "rendered and stored by them, the notice PDF read from the file its render task stored before any request, "
        "as production's worker does after publishing; "
        f"the task took {pub['notice_task_s']:,.1f} s): "
        + "; ".join(
            f"{name} {c['ms']:,.0f} ms, {kb(c['bytes'])} KB (load {c['load']:.2f})" for name, c in pub["cold"].items()
        )
        + "."
    )
    say()
    staff = "; ".join(f"{path} HTTP {v['status']} {v['ms']:,.0f} ms" for path, v in pub["staff"].items())
    say(
        f"Peak memory (VmHWM) of each web worker alive at the end (workers are replaced after max_requests): "
        f"{', '.join(f'{m:.0f}' for m in pub['rss'])} MB, after the cases above and these staff pages once per "
        f"worker: {staff}."
    )

    def loaded(f: dict) -> str:
        return loaded_note(f["load"][0])

    for page in ("publicity page", "directory"):
        f = figures[page]
        ratio = ratio_of(f["rps"], trivial)
        goals.judge(
            f"public {page}: ≥ 0.8 × trivial view (wrk, Redis, {size:,})",
            judged(ratio >= 0.8 and not f["errors"], ratio),
            f"{ratio:.2f} ({f['rps']:,.0f} / {trivial:,.0f} req/s, {f['errors']} errors){loaded(f)}",
        )
    for page in ("publicity page", "directory"):
        f = figures[f"{page}, writer every second"]
        ratio = ratio_of(f["rps"], trivial)
        goals.judge(
            f"public {page}: ≥ 0.6 × trivial view while a writer changes data every second",
            judged(ratio >= 0.6 and not f["errors"], ratio),
            f"{ratio:.2f} ({f['rps']:,.0f} req/s, p99 {f['p99_us'] / 1000:,.0f} ms, {f.get('changes')} changes, "
            f"{f['errors']} errors){loaded(f)}",
        )
    for page in ("publicity page", "directory"):
        f, plain = figures[f"{page}, random query string"], figures[page]
        ratio = ratio_of(f["rps"], plain["rps"])
        goals.judge(
            f"public {page}: a random query string served from the cache (≥ 0.8 × the plain page's req/s)",
            judged(ratio >= 0.8 and not f["errors"], ratio),
            f"{ratio:.2f} ({f['rps']:,.0f} / {plain['rps']:,.0f} req/s, {f['errors']} errors){loaded(f)}",
        )
    f = figures["notice PDF (rendered once)"]
    goals.judge(
        "public notice PDF: ≥ 100 req/s once rendered",
        f["rps"] >= 100 and not f["errors"],
        f"{f['rps']:,.0f} req/s ({f['errors']} errors){loaded(f)}",
    )
    worst = max(f["max_us"] / 1000, pub["cold"]["notice PDF"]["ms"])
    goals.judge(
        f"public notice PDF: no request over 1 s at {size:,}",
        worst <= 1000,
        f"slowest {worst:,.0f} ms (first request, from the file the task stored in {pub['notice_task_s']:,.1f} s "
        f"before: {pub['cold']['notice PDF']['ms']:,.0f} ms; under wrk: max {f['max_us'] / 1000:,.0f} ms){loaded(f)}",
    )


def ballot_section(b: dict, goals, say) -> None:
    from benchmarks.stats import load_mark, loaded_note, pcts

    f = b["figures"]
    rows = [
        *b["rows"],
        ["sends (every vote twice)", f"{f['sends']:,}"],
        ["second sends refused (AlreadyVoted)", f"{f['refused_second']:,}"],
        ["lost / duplicated", f"{f['lost']} / {f['duplicated']}"],
        ["one send, p50 / p95 / p99 ms (all processes)", pcts(f["cast_ms"]) + f" (n={f['cast_ms']['n']:,})"],
        ["load before / after casting", load_mark(*f["load"][:2])],
        ["load before / after the close", load_mark(*f["load"][2:])],
    ]
    say(table(["figure", "value"], rows))
    cast_loaded, close_loaded = loaded_note(f["load"][0]), loaded_note(f["load"][2])
    who = f"{f['expected']:,} ballots from {f['threads']} concurrent experts"
    goals.judge(
        f"{who}: none lost or duplicated",
        f["lost"] == 0 and f["duplicated"] == 0 and f["failures"] == 0 and f["opened"] == f["expected"],
        f"lost {f['lost']}, duplicated {f['duplicated']}, failed sends {f['failures']}, opened {f['opened']:,}",
    )
    goals.judge(
        f"{who}: ≥ 200 ballots/s", f["ballots_per_s"] >= 200, f"{f['ballots_per_s']:.0f} ballots/s{cast_loaded}"
    )
    goals.judge("round close (sealed ballots) ≤ 2 s", f["close_s"] <= 2, f"{f['close_s']:.1f} s{close_loaded}")


def celery_section(c: dict, goals, say) -> None:
    from benchmarks.stats import load_mark

    limits = c["limits"]
    rows = [
        ["settings", f"concurrency 2, max_tasks_per_child {limits[0]}, max_memory_per_child {limits[1] // 1024} MB"],
        ["plaques rendered", f"{c['done']} of {c['plaques']} in {c['wall_s']:.0f} s"],
        ["pool processes used", c["pool_processes"]],
        ["largest pool process RSS seen", f"{c['peak_child_mb']:.0f} MB"],
        ["largest worker total (main + pool) seen", f"{c['peak_total_mb']:.0f} MB"],
        ["main process RSS at the end", f"{c['main_mb']:.0f} MB"],
        ["load", load_mark(*c["load"])],
    ]
    say(table(["figure", "value"], rows))
    goals.judge(
        f"Celery worker RSS after {c['plaques']} plaques ≤ 400 MB (largest pool process)",
        c["peak_child_mb"] <= 400 and c["done"] == c["plaques"],
        f"{c['peak_child_mb']:.0f} MB ({c['done']} of {c['plaques']} rendered)",
    )


# --- main -----------------------------------------------------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.child == "pages":
        from benchmarks import pages

        pages.main(args.size, args.out, serving=args.serve)
    elif args.child == "writer":
        from benchmarks import public

        public.writer_main(args.seconds, args.out)
    elif args.child == "ballot":
        from benchmarks import ballot

        ballot.main(args.experts, args.candidates, args.threads, args.processes, args.out)
    elif args.child == "notice":
        from benchmarks import public

        public.render_notice_main(args.list, args.out)
    elif args.child == "pdf":
        from benchmarks import pdfs

        pdfs.main(args.repeat, args.out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few samples: checks the run works")
    parser.add_argument("--sizes", default="", help="city sizes, e.g. 100,1000,10000 (the default)")
    parser.add_argument("--repeat", type=int, default=0, help="requests per page (default 100)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections: {','.join(SECTIONS)}")
    parser.add_argument("--write", default=None, help="write the report as Markdown here (full run: RESULTS.md)")
    parser.add_argument("--allow-load", action="store_true", help="run although the load exceeds the core count")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--experts", type=int, default=50, help=argparse.SUPPRESS)
    parser.add_argument("--candidates", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=50, help=argparse.SUPPRESS)
    parser.add_argument("--list", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    from benchmarks import public
    from benchmarks.stats import Goals, cores, cpu_probe, load

    conf = QUICK if args.quick else FULL
    sizes = sorted(int(x) for x in (args.sizes or conf["sizes"]).split(","))
    repeat = args.repeat or conf["repeat"]
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    write = args.write
    if write is None and not args.quick and set(only) == set(SECTIONS):
        write = str(ROOT / "benchmarks" / "RESULTS.md")
    if not bench_redis_url():
        raise SystemExit(
            "production's cache is Redis: set REDIS_URL (or BENCH_REDIS_URL), e.g. redis://127.0.0.1:6379/9"
        )
    if load() > cores() and not args.allow_load:
        print(
            f"refused: the 1-minute load average is {load():.2f} on {cores()} cores; the figures would measure the "
            "other processes. Wait for a quiet machine, or pass --allow-load (figures are then marked LOADED).",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    report: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        report.append(text)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    if "public" in only:
        public.ensure_wrk()
    goals = Goals()
    info = machine()
    command = " ".join(["REDIS_URL=… .venv/bin/python benchmarks/run.py", *sys.argv[1:]])
    say(
        f"Command: `{command}`"
        + (" — QUICK: small sizes and few samples, the verdicts are not the goals'" if args.quick else "")
    )
    say()
    say(table(["machine", ""], [[k, v] for k, v in info.items()]))
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["PORTAL_VAR_DIR"] = str(tmp / "var")  # one secret key and file store for every child
        (tmp / "var").mkdir()
        dbs = Databases("postgresql", tmp)
        try:
            results: dict[int, dict] = {}
            if "pages" in only:
                results = measure_pages(dbs, sizes, repeat, conf["budget"])
            elif "public" in only:  # the largest city only, for the public section
                size = sizes[-1]
                url = dbs.copy(f"city{size}")
                results[size] = run_child("pages", url, tmp / f"pages{size}.json", env_extra={"redis": True}, size=size)
                results[size]["url"] = url
                print(f"city of {size:,}: built in {results[size]['build_s']:.1f} s", flush=True)
            if "pages" in only:
                say()
                say(f"## Pages, in-process (Django test client), cities of {', '.join(f'{n:,}' for n in sizes)}")
                say()
                say(
                    "Each city: "
                    + "; ".join(
                        f"{r['size']:,}: built in {r['build_s']:.0f} s, "
                        + ", ".join(f"{v:,} {k}" for k, v in r["counts"].items())
                        for r in results.values()
                    )
                    + f". {repeat} requests per page and city (at most {conf['budget']:g} s), logged in as the role, "
                    f"the cities taking turns ({PAIRED_ROUNDS} rounds of {math.ceil(repeat / PAIRED_ROUNDS)} requests "
                    "a city, every other round in reverse order), so that the figures a ratio compares are taken in "
                    "the same seconds; public pages from the Redis page cache."
                )
                say()
                pages_section(results, goals, say)
            if "public" in only:
                large = results[sizes[-1]]
                say()
                say(f"## Public pages under gunicorn, driven by wrk (city of {large['size']:,})")
                say()
                try:
                    pub = public.run(
                        large["url"], large, seconds=conf["seconds"], connections=conf["connections"], tmp=tmp
                    )
                finally:
                    public.forget_cache(bench_redis_url(), BENCH_CACHE_PREFIX)
                public_section(pub, large["size"], goals, say)
            if "ballot" in only:
                experts, candidates, threads = conf["ballot"]
                processes = public.production_web_options(ROOT)["workers"]  # as many as production's web workers
                say()
                say(
                    f"## Secret-ballot round: {experts} concurrent experts in {processes} processes, "
                    "every vote sent twice"
                )
                say()
                b = run_child(
                    "ballot",
                    dbs.copy("ballot"),
                    tmp / "ballot.json",
                    experts=experts,
                    candidates=candidates,
                    threads=threads,
                    processes=processes,
                )
                ballot_section(b, goals, say)
            if "pdf" in only:
                from benchmarks.stats import pcts

                say()
                say("## PDF rendering (WeasyPrint, in one process)")
                say()
                p = run_child("pdf", dbs.copy("pdf"), tmp / "pdf.json", repeat=conf["pdf_repeat"])
                rows = [
                    [
                        r["document"],
                        pcts(r["ms"]) + f" (n={r['ms']['n']})",
                        f"{r['bytes'] / 1024:.0f}",
                        f"{r['load']:.2f}",
                    ]
                    for r in p["rows"]
                ]
                say(table(["document", "p50 / p95 / p99 ms", "KiB", "load"], rows))
                say()
                say("`*`: fewer than 100 renders; not a goal of issue 21 (the plaque's time is the Celery figure's).")
            if "celery" in only:
                say()
                say(f"## Celery worker memory after {conf['plaques']} plaques (benchmarks/worker_memory.py)")
                say()
                out = tmp / "celery.json"
                env = {**os.environ, "DATABASE_URL": PG + "postgres"}
                env.pop("REDIS_URL", None)
                subprocess.run(
                    [
                        *(PYTHON, str(ROOT / "benchmarks" / "worker_memory.py")),
                        *("--plaques", str(conf["plaques"]), "--json", str(out)),
                    ],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                celery_section(json.loads(out.read_text()), goals, say)
        finally:
            dbs.cleanup()
            public.forget_cache(bench_redis_url(), BENCH_CACHE_PREFIX)  # every section's keys, never another's
    say()
    say("## Goals of issue 21")
    say()
    say(table(["goal", "verdict", "figure"], goals.table_rows()))
    say()
    failed = goals.failed
    say(
        f"{len(goals.rows) - len(failed)} of {len(goals.rows)} judged goals met"
        + (f"; NOT MET: {'; '.join(failed)}." if failed else ".")
        + f" Load average at the end: {load():.2f} on {cores()} cores; CPU probe at the end: {cpu_probe():.0f} ms."
        " Total run time: "
        f"{time.perf_counter() - started:.0f} s."
    )
    if write:
        Path(write).write_text(
            "# Benchmark results\n\n"
            "Written by `benchmarks/run.py` (issues 9 and 21) from one run; figures, not tests. "
            "How to run it: `benchmarks/README.md`.\n\n" + "\n".join(report) + "\n"
        )
        print(f"written: {write}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
