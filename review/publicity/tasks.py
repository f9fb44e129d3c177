"""Art. 6(4): the scheduled job that closes publicity windows (Celery beat, ``CELERY_BEAT_SCHEDULE``), and the render
of the public notice PDF (issue 21), defined beside the code it runs in ``review.publicity.notice_pdf``."""

from celery import shared_task

from review.publicity.notice_pdf import render_notice_pdf  # noqa: F401  (registered under this module's name)


@shared_task
def close_publicity_windows() -> dict:
    """Idempotent: safe to run twice, or late; see ``publicity_close_due``."""
    from review.publicity.services import publicity_close_due

    report = publicity_close_due()
    return {"cleared": report.cleared, "waiting": report.waiting}
