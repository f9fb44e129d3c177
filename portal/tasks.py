"""Cross-cutting scheduled jobs. Tasks take ids only and are safe to run twice."""

from celery import shared_task

# send_notification_emails (registered under this module's name) lives in portal.notifications, which sends it.
from portal.notifications import notification_emails_send, notifications_unsent, send_notification_emails

__all__ = ["remove_orphan_files", "send_notification_emails", "sweep_unsent_notifications"]


@shared_task
def sweep_unsent_notifications() -> int:
    """Every two minutes: mail what no task took and what a dead sender left once its lease has expired. Stops after
    a minute's work so that a slow mail server cannot hold the worker past the task time limit."""
    return notification_emails_send(notifications_unsent(), budget_seconds=60)


@shared_task
def remove_orphan_files() -> dict[str, int]:
    """Daily: delete private files older than a day that no row refers to, and count rows whose file is missing."""
    from portal.storage import orphan_files_remove

    return orphan_files_remove()
