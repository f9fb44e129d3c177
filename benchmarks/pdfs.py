"""PDF rendering figures (run by ``benchmarks/run.py``): the application form, a confirmation document listing 50
workstations and a plaque, rendered in one process (median of ``repeat``); then N plaques rendered by real Celery
workers (``celery -A portal worker``) against a private ``redis-server`` on a free port, started and stopped here.
"""

import json
import statistics
import subprocess
import time
from pathlib import Path


def _timed(fn, repeat: int) -> tuple[float, bytes]:
    times, content = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        content = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), content


def main(repeat: int, out: str) -> None:
    from django.utils import timezone

    from applications.documents import application_form_pdf
    from applications.models import Application
    from applications.selectors import application_for_display
    from benchmarks.city import build_city
    from portal.documents.models import OfficialDocument
    from portal.documents.rendering import render_official_document
    from review.publicity.confirmation import CONFIRMATION_ADDRESSEES, confirmation_body
    from workstations.models import Workstation
    from workstations.models.plaques import Plaque
    from workstations.services.plaques import render_plaque

    today = timezone.localdate()
    city = build_city(60, today)
    application = Application.objects.get(pk=city.ids["application"])
    fifty = list(Workstation.objects.select_related("host_unit__county")[:50])
    document = OfficialDocument(
        number="平人社〔2026〕99号",
        year=today.year,
        seq=99,
        kind=OfficialDocument.Kind.CONFIRMATION,
        title="关于认定2026年度平顶山市大众创业指导大师工作室的通知",
        addressees=CONFIRMATION_ADDRESSEES,
        body=confirmation_body(fifty, today.year),
        issuer="平顶山市人力资源和社会保障局",
        issued_on=today,
    )
    plaque = Plaque.objects.get(pk=city.ids["plaque"])
    rows = []
    for label, fn in (
        ("application form", lambda: application_form_pdf(application_for_display(application))),
        ("confirmation document, 50 names", lambda: render_official_document(document)),
        ("plaque", lambda: render_plaque(plaque)),
    ):
        fn()  # fonts and templates loaded once
        median, content = _timed(fn, repeat)
        rows.append([label, f"{median:.0f}", f"{len(content) / 1024:.0f}"])
    with open(out, "w") as fh:
        json.dump({"rows": rows}, fh)


def celery_setup(n: int, out: str) -> None:
    """``n`` issued plaques without their PDF, as ``plaque_issue`` leaves them before the worker runs."""
    from django.utils import timezone

    from benchmarks.city import build_city
    from workstations.models.plaques import Plaque

    build_city(max(n * 2, 20), timezone.localdate(), prefix="c")
    ids = list(Plaque.objects.filter(pdf="").values_list("pk", flat=True)[:n])
    Plaque.objects.filter(pk__in=ids).update(pdf="")
    with open(out, "w") as fh:
        json.dump({"ids": ids}, fh)


def celery_run(out: str) -> None:
    from workstations.models.plaques import Plaque
    from workstations.tasks import render_plaque_pdf

    ids = json.loads(Path(out).read_text())["ids"]
    start = time.perf_counter()
    for pk in ids:
        render_plaque_pdf.delay(pk)
    deadline = time.time() + 600
    while Plaque.objects.filter(pk__in=ids, pdf="").exists():
        if time.time() > deadline:
            break
        time.sleep(0.2)
    wall = time.perf_counter() - start
    done = Plaque.objects.filter(pk__in=ids).exclude(pdf="").count()
    with open(out, "w") as fh:
        json.dump({"ids": ids, "wall": wall, "done": done}, fh)


def celery_bench(database_url: str, n: int, tmp: Path, run_child) -> dict:
    from benchmarks.run import PYTHON, ROOT, child_env, free_port

    setup = run_child("celery-setup", database_url, tmp / "celery.json", size=n)
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    workers, concurrency = [], 1
    try:
        time.sleep(0.5)
        env = child_env(database_url, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0")
        env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        celery = str(Path(PYTHON).with_name("celery"))
        for i in range(2):
            workers.append(
                subprocess.Popen(
                    [
                        celery,
                        "-A",
                        "portal",
                        "worker",
                        "-n",
                        f"bench{i}@%h",
                        "--concurrency",
                        str(concurrency),
                        "--loglevel",
                        "WARNING",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(4)  # the workers connect
        result = run_child("celery-run", database_url, tmp / "celery.json", env_extra={"REDIS_URL": redis_url})
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis.terminate()
        redis.wait(timeout=10)
    n_ids = len(setup["ids"])
    ok = result["done"] == n_ids
    rows = [
        ["plaques queued", n_ids],
        ["workers", f"2 × `celery -A portal worker --concurrency {concurrency}` on a private redis-server"],
        ["wall time until every PDF is stored", f"{result['wall']:.1f} s ({n_ids / result['wall']:.1f} plaques/s)"],
        ["plaques with their PDF", f"{result['done']} of {n_ids}"],
    ]
    return {"rows": rows, "ok": ok}
