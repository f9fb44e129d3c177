"""PDF rendering figures (run by ``benchmarks/run.py``): the application form, a confirmation document listing 50
workstations and a plaque, rendered in one process (p50 and max of ``repeat``; the p95 of so few renders is marked).
The Celery figures (300 plaques, worker memory) are ``benchmarks/worker_memory.py``'s.
"""

import json
import time


def _timed(fn, repeat: int) -> tuple[dict, bytes]:
    from benchmarks.stats import summary

    times, content = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        content = fn()
        times.append((time.perf_counter() - start) * 1000)
    return summary(times), content


def main(repeat: int, out: str) -> None:
    from django.utils import timezone

    from applications.documents import application_form_pdf
    from applications.models import Application
    from applications.selectors import application_for_display
    from benchmarks.city import build_city
    from benchmarks.stats import load, settle
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
        settle()
        fn()  # fonts and templates loaded once
        times, content = _timed(fn, repeat)
        rows.append({"document": label, "ms": times, "bytes": len(content), "load": load()})
    with open(out, "w") as fh:
        json.dump({"rows": rows}, fh)
