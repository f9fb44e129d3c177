"""Art. 6(4): the scheduled job that closes publicity windows (Celery beat, ``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task


@shared_task
def close_publicity_windows() -> dict:
    """Idempotent: safe to run twice, or late; see ``publicity_close_due``."""
    from review.publicity.services import publicity_close_due

    report = publicity_close_due()
    return {"cleared": report.cleared, "waiting": report.waiting}
