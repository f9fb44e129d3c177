"""Background jobs of the applications app."""

from celery import shared_task


@shared_task
def render_application_form(snapshot_id: int) -> bool:
    """Issue 19 item 8: render and store the 申报表 of one submitted version (idempotent)."""
    from applications.documents import snapshot_pdf_store

    snapshot_pdf_store(snapshot_id)
    return True
