"""In-app inbox and e-mail for every hand-over (SPEC §5).

The inbox row is the outbox: it is written in the caller's transaction with ``emailed=False``; after commit a task
mails it. If the broker is down the row simply waits and ``portal.tasks.sweep_unsent_notifications`` mails it later,
so a user action never fails because Redis is unavailable.
"""

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from portal.models import Notification, User
from portal.roles import OrgKind

logger = logging.getLogger(__name__)


def notify(*, recipients: Iterable[User], subject: str, body: str = "", url: str = "", dedup_key: str = "") -> int:
    """Queue a message to each recipient; with ``dedup_key`` a recipient gets it once however often this runs."""
    created_ids = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        if dedup_key:
            try:
                with transaction.atomic():
                    note = Notification.objects.create(
                        recipient=user, subject=subject, body=body, url=url, dedup_key=dedup_key
                    )
            except IntegrityError:
                continue
        else:
            note = Notification.objects.create(recipient=user, subject=subject, body=body, url=url)
        created_ids.append(note.pk)
    if created_ids:
        transaction.on_commit(lambda: _enqueue_emails(created_ids))
    return len(created_ids)


def city_staff_users():
    """The city bureau's active staff: the recipients of every hand-over that waits for the bureau."""
    return User.objects.filter(organisation__kind=OrgKind.CITY_BUREAU, is_active=True)


def notify_city_staff(**kwargs) -> int:
    return notify(recipients=city_staff_users(), **kwargs)


def notify_organisation(*, organisation, **kwargs) -> int:
    if organisation is None:
        return 0
    return notify(recipients=organisation.users.filter(is_active=True), **kwargs)


def _enqueue_emails(notification_ids: list[int]) -> None:
    from portal.tasks import send_notification_emails

    try:
        send_notification_emails.delay(notification_ids)
    except Exception:  # the broker is down: the sweeper sends these later
        logger.warning("broker unavailable; %d notification e-mails left for the sweeper", len(notification_ids))
