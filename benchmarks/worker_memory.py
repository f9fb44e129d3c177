"""Celery worker memory after 300 plaque renders (issue 21 item 4; goal: RSS ≤ 400 MB).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/worker_memory.py
    .venv/bin/python benchmarks/worker_memory.py --plaques 300 --without-limits   # the same without recycling

One ``celery -A portal worker --concurrency 2`` (as in docker-compose.yml) with the production settings
(``CELERY_WORKER_MAX_TASKS_PER_CHILD``, ``CELERY_WORKER_MAX_MEMORY_PER_CHILD``) renders the plaques; the resident
memory (RSS, from /proc) of the main process and of each pool process is sampled twice a second. Uses the throw-away
stack of ``benchmarks/faults.py`` (its own database, Redis and files, removed at the end).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.faults import Stack
from benchmarks.stats import settle


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plaques", type=int, default=300)
    parser.add_argument("--without-limits", action="store_true", help="no recycling of pool processes (baseline)")
    parser.add_argument("--json", default="", help="also write the figures as JSON to this file (benchmarks/run.py)")
    args = parser.parse_args()
    stack = Stack(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    try:
        stack.setup_django()
        from django.conf import settings
        from django.utils import timezone

        from benchmarks.city import build_city
        from workstations.models.plaques import Plaque
        from workstations.tasks import render_plaque_pdf

        build_city(args.plaques * 2, timezone.localdate(), prefix="m")
        ids = list(Plaque.objects.filter(pdf="").order_by("pk").values_list("pk", flat=True)[: args.plaques])
        limits = (
            {"CELERY_WORKER_MAX_TASKS_PER_CHILD": "1000000", "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "100000000"}
            if args.without_limits
            else {}
        )
        load_before = settle()  # the city built, the machine quiet again before the worker starts
        worker = stack.worker("memory", **limits)
        started = time.monotonic()
        for pk in ids:
            render_plaque_pdf.delay(pk)
        peak_child = peak_total = 0
        pool_pids: set[int] = set()
        while Plaque.objects.filter(pk__in=ids, pdf="").exists() and time.monotonic() - started < 1800:
            kids = children(worker.pid)
            pool_pids.update(kids)
            child_rss = [rss_kib(k) for k in kids]
            peak_child = max([peak_child, *child_rss])
            peak_total = max(peak_total, rss_kib(worker.pid) + sum(child_rss))
            time.sleep(0.5)
        wall = time.monotonic() - started
        time.sleep(1)
        kids = children(worker.pid)
        final_children = [rss_kib(k) for k in kids]
        done = Plaque.objects.filter(pk__in=ids).exclude(pdf="").count()
        mib = 1024
        print(f"\n### Celery worker memory after {len(ids)} plaques\n\n| figure | value |\n|---|---|")
        print(
            "| settings | "
            + (
                "no recycling (baseline)"
                if args.without_limits
                else f"max_tasks_per_child={settings.CELERY_WORKER_MAX_TASKS_PER_CHILD}, "
                f"max_memory_per_child={settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD // 1024} MB"
            )
            + " |"
        )
        print(f"| plaques rendered | {done} of {len(ids)} in {wall:.0f} s |")
        print(f"| pool processes used (2 at a time) | {len(pool_pids)} |")
        print(f"| main process RSS at the end | {rss_kib(worker.pid) / mib:.0f} MB |")
        print(f"| pool processes' RSS at the end | {', '.join(f'{r / mib:.0f} MB' for r in final_children)} |")
        print(f"| largest pool process RSS seen | {peak_child / mib:.0f} MB |")
        print(f"| largest worker total (main + pool) seen | {peak_total / mib:.0f} MB |")
        load = os.getloadavg()
        print(f"\nload average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} ({os.cpu_count()} cores)")
        if args.json:
            figures = {
                "plaques": len(ids),
                "done": done,
                "wall_s": wall,
                "limits": None
                if args.without_limits
                else [settings.CELERY_WORKER_MAX_TASKS_PER_CHILD, settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD],
                "pool_processes": len(pool_pids),
                "main_mb": rss_kib(worker.pid) / mib,
                "peak_child_mb": peak_child / mib,
                "peak_total_mb": peak_total / mib,
                "final_children_mb": [r / mib for r in final_children],
                "load": [load_before, load[0]],
            }
            Path(args.json).write_text(json.dumps(figures))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
