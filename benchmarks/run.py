"""All benchmarks of the portal in one run (issue 9): pages, public pages under gunicorn, a ballot round, PDFs.

    .venv/bin/python benchmarks/run.py                # PostgreSQL at 127.0.0.1:5432, cities of 100 and 1,000
    .venv/bin/python benchmarks/run.py --quick        # smaller and shorter (cities of 50 and 300, fewer repeats)
    .venv/bin/python benchmarks/run.py --db sqlite    # the same on SQLite files (no concurrent ballot round)
    .venv/bin/python benchmarks/run.py --only pages,public --write benchmarks/RESULTS.md

The public pages run under gunicorn against Redis (``REDIS_URL``, or ``BENCH_REDIS_URL`` to use another database)
with production's cache backend, as production does; their keys carry this run's prefix and are deleted at the end.

Every database is a throw-away one (``bench_<random>_*`` on PostgreSQL, temporary files on SQLite), created from
one migrated template and dropped at the end. Each section runs in a child process (``--child``) so that its
settings (database, Redis, Celery) are its own. Prints a table per section; ``--write`` also writes Markdown.
"""

import argparse
import json
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
BENCH_CACHE_PREFIX = f"bench_{secrets.token_hex(3)}"


# --- databases ------------------------------------------------------------------------------------------------------


class Databases:
    """A migrated template and copies of it, all dropped by ``cleanup``."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp = kind, tmp
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
    env.update(extra)
    return env


def run_child(section: str, database_url: str, out: Path, env_extra: dict | None = None, **options) -> dict:
    args = [PYTHON, str(Path(__file__)), "--child", section, "--out", str(out)]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    subprocess.run(args, cwd=ROOT, env=child_env(database_url, **(env_extra or {})), check=True)
    return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- machine --------------------------------------------------------------------------------------------------------


def machine(kind: str) -> dict:
    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line))
    info = {
        "nproc": os.cpu_count(),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": "SQLite " + __import__("sqlite3").sqlite_version,
    }
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG + "postgres") as conn:
            info["database"] = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
    return info


# --- tables ---------------------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, sep, *body])


def pages_table(small: dict, large: dict) -> tuple[str, list[str]]:
    s, n = small["size"], large["size"]
    by_label = {row["page"]: row for row in small["pages"]}
    rows, grown = [], []
    for row in large["pages"]:
        other = by_label.get(row["page"], {})
        if row.get("status") != 200 or other.get("status") != 200:
            rows.append([row["page"], f"HTTP {other.get('status')}", f"HTTP {row.get('status')}", "", "", "", ""])
            grown.append(row["page"])
            continue
        flag = "" if row["queries"] <= other["queries"] else "GROWS"
        if flag:
            grown.append(row["page"])
        rows.append(
            [
                row["page"],
                other["queries"],
                row["queries"],
                flag or "=",
                f"{other['median_ms']:.1f} / {other['p95_ms']:.1f}",
                f"{row['median_ms']:.1f} / {row['p95_ms']:.1f}",
                f"{row['cold_ms']:.1f}",
            ]
        )
    headers = [
        "page",
        f"queries ({s})",
        f"queries ({n})",
        "growth",
        f"median / p95 ms ({s})",
        f"median / p95 ms ({n})",
        f"first request ms ({n})",
    ]
    return table(headers, rows), grown


# --- main -----------------------------------------------------------------------------------------------------------


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.child == "pages":
        from benchmarks import pages

        pages.main(args.size, args.repeat, args.out)
    elif args.child == "ballot":
        from benchmarks import ballot

        ballot.main(args.experts, args.candidates, args.out)
    elif args.child == "pdf":
        from benchmarks import pdfs

        pdfs.main(args.repeat, args.out)
    elif args.child == "celery-setup":
        from benchmarks import pdfs

        pdfs.celery_setup(args.size, args.out)
    elif args.child == "celery-run":
        from benchmarks import pdfs

        pdfs.celery_run(args.out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--quick", action="store_true", help="cities of 50 and 300, fewer repeats, shorter loads")
    parser.add_argument("--sizes", default="", help="two city sizes, e.g. 100,1000 (default; --quick: 50,300)")
    parser.add_argument("--repeat", type=int, default=0, help="requests per page (default 20; --quick 5)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections: {','.join(SECTIONS)}")
    parser.add_argument("--write", default="", help="also write the results as Markdown to this file")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--experts", type=int, default=50, help=argparse.SUPPRESS)
    parser.add_argument("--candidates", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    from benchmarks import public

    quick = args.quick
    sizes = [int(x) for x in (args.sizes or ("50,300" if quick else "100,1000")).split(",")]
    repeat = args.repeat or (5 if quick else 20)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    started = time.perf_counter()
    report: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        report.append(text)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    info = machine(args.db)
    command = " ".join([".venv/bin/python benchmarks/run.py", *sys.argv[1:]])
    say(f"Command: `{command}`")
    say()
    say(table(["machine", ""], [[k, v] for k, v in info.items()]))
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["PORTAL_VAR_DIR"] = str(tmp / "var")  # one secret key and file store for every child
        (tmp / "var").mkdir()
        dbs = Databases(args.db, tmp)
        try:
            results: dict[int, dict] = {}
            if "pages" in only or "public" in only:
                for size in sizes:
                    url = dbs.copy(f"city{size}")
                    t0 = time.perf_counter()
                    results[size] = run_child("pages", url, tmp / f"pages{size}.json", size=size, repeat=repeat)
                    results[size]["url"] = url
                    print(
                        f"city of {size}: built in {results[size]['build_s']:.1f} s, measured in "
                        f"{time.perf_counter() - t0:.1f} s",
                        flush=True,
                    )
            if "pages" in only:
                small, large = results[sizes[0]], results[sizes[-1]]
                say()
                say(f"## Pages: server time and queries, cities of {sizes[0]} and {sizes[-1]} workstations")
                say()
                say(
                    "Each city: "
                    + "; ".join(
                        f"{r['size']}: " + ", ".join(f"{v:,} {k}" for k, v in r["counts"].items())
                        for r in results.values()
                    )
                    + f". {repeat} requests per page (Django test client, logged in as the role)."
                )
                say()
                text, grown = pages_table(small, large)
                say(text)
                say()
                say("Query counts grow with the data on: " + (", ".join(grown) if grown else "no page") + ".")
                ok = ok and not grown
            if "public" in only:
                large = results[sizes[-1]]
                say()
                say(f"## Public pages under gunicorn (city of {large['size']}), requests per second")
                say()
                if not bench_redis_url():
                    raise SystemExit("the public figures run against Redis as production does: set REDIS_URL")
                try:
                    pub = public.run(large["url"], large, quick=quick, tmp=tmp)
                finally:
                    public.forget_cache(bench_redis_url(), BENCH_CACHE_PREFIX)
                say(table(["URL", "req/s", "ratio to trivial view"], pub["rows"]))
                say()
                say(pub["note"])
                say()
                say(
                    f"Peak memory (max RSS) of one gunicorn web worker during the run: {pub['max_rss_mb']:.0f} MB "
                    f"(workers: {', '.join(f'{m:.0f}' for m in pub['rss_all'])} MB)."
                )
                ok = ok and pub["ok"]
            if "ballot" in only:
                say()
                say("## Secret-ballot round")
                say()
                if args.db != "postgresql":
                    say("Skipped on SQLite (concurrent writers need PostgreSQL row locks).")
                else:
                    experts, candidates = (20, 50) if quick else (50, 100)
                    b = run_child(
                        "ballot", dbs.copy("ballot"), tmp / "ballot.json", experts=experts, candidates=candidates
                    )
                    say(table(["figure", "value"], [[k, v] for k, v in b["rows"]]))
                    ok = ok and b["ok"]
            if "pdf" in only or "celery" in only:
                pdf_db = dbs.copy("pdf")
            if "pdf" in only:
                say()
                say("## PDF rendering (WeasyPrint, in one process)")
                say()
                p = run_child("pdf", pdf_db, tmp / "pdf.json", repeat=3 if quick else 5)
                say(table(["document", "median ms", "KiB"], p["rows"]))
            if "celery" in only:
                from benchmarks import pdfs

                say()
                n = 30 if quick else 100
                say(f"## {n} plaques rendered by Celery workers")
                say()
                c = pdfs.celery_bench(pdf_db, n, tmp, run_child)
                say(table(["figure", "value"], [[k, v] for k, v in c["rows"]]))
                ok = ok and c["ok"]
        finally:
            dbs.cleanup()
    say()
    say(f"Total run time: {time.perf_counter() - started:.0f} s.")
    if args.write:
        Path(args.write).write_text(
            "# Benchmark results\n\n"
            "Written by `benchmarks/run.py` (issue 9). Figures of one run; they are not tests.\n\n"
            + "\n".join(report)
            + "\n"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
