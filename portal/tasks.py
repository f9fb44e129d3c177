"""Cross-cutting scheduled jobs. Tasks take ids only and are safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from portal.models import Notification


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail each notification once. A row is marked in the same transaction that holds its lock while mailing, so a
    worker killed mid-task leaves it unmarked for the redelivered message, and a second run skips what is done."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            note = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed=False)
                .first()
            )
            if note is None:
                continue
            if note.recipient.email:
                send_mail(
                    note.subject,
                    f"{note.body}\n\n{note.url}".strip(),
                    settings.DEFAULT_FROM_EMAIL,
                    [note.recipient.email],
                )
            note.emailed = True
            note.save(update_fields=["emailed"])
            sent += 1
    return sent


@shared_task
def sweep_unsent_notifications() -> int:
    ids = list(Notification.objects.filter(emailed=False).values_list("pk", flat=True)[:500])
    return send_notification_emails(ids) if ids else 0
