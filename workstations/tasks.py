"""Scheduled jobs of the workstations app (registered in ``CELERY_BEAT_SCHEDULE``). Each is idempotent: reminders
carry a ``dedup_key`` and the deadline check changes only rows still open, under a lock."""

from celery import shared_task

from workstations.services import compliance_summary
from workstations.services.plaques import render_plaque_pdf  # noqa: F401  (defined beside its service, name kept)
from workstations.services.rectifications import rectification_deadlines_check
from workstations.services.reminders import outcome_reminders_send


@shared_task
def send_outcome_reminders() -> dict[str, int]:
    """Art. 10: warn host units before a period ends, and staff of misses."""
    return outcome_reminders_send()


@shared_task
def check_rectification_deadlines() -> dict[str, int]:
    """Art. 11(4)2: warn before the rectification deadline; mark missed deadlines (forced exit proposed)."""
    return rectification_deadlines_check()


@shared_task
def detect_missing_lead_mentors() -> dict[str, int]:
    """Art. 11(4)1, daily: flag workstations a year or more without a qualified lead mentor (warn at 300 days)."""
    from workstations.services.exits import detect_missing_lead_mentors as detect

    return detect()


@shared_task
def render_missing_plaque_pdfs() -> int:
    """Every ten minutes: render the plaques whose render task never reached the broker, or whose file is missing
    (a crash between the commit and the file's rename; issue 22)."""
    from portal.uploads import private_storage
    from workstations.models.plaques import Plaque
    from workstations.services.plaques import plaque_render_store

    pending = list(Plaque.objects.filter(pdf="").order_by("pk").values_list("pk", flat=True)[:50])
    for pk, name in Plaque.objects.exclude(pdf="").values_list("pk", "pdf").iterator(chunk_size=2000):
        if len(pending) >= 50:
            break
        if not private_storage.exists(name):
            pending.append(pk)
    return sum(plaque_render_store(pk) for pk in pending)


@shared_task
def check_term_flags() -> dict[str, int]:
    """Art. 11(1), daily: flag terms ending with no decision at 90, 30 and 0 days (once each)."""
    from workstations.services.terms import term_flags_check

    return term_flags_check()


@shared_task
def rebuild_compliance_summary() -> int:
    """Issue 21: recompute the Art. 10 board's summary rows — after a new version of the measures' numbers (their
    needs follow it) and nightly, which also repairs rows a bulk load left behind."""
    return compliance_summary.rebuild()
