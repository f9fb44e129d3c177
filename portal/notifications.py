"""In-app inbox and e-mail for every hand-over (SPEC §5).

The inbox row is the outbox: it is written in the caller's transaction (``email_state="pending"``); after commit a
task mails it. If the broker is down the row simply waits and ``portal.tasks.sweep_unsent_notifications`` mails it
later, so a user action never fails because Redis is unavailable.

E-mail is sent at least once and delivered once (issue 22, docs/operations.md):

1. **claim** — in its own short transaction the sender takes the row (``pending``, or ``sending`` with an expired
   lease), marks it ``sending`` with a lease and fixes its ``Message-ID``;
2. **send** — outside any transaction, with that ``Message-ID``;
3. **record** — in another short transaction the row becomes ``sent``.

A sender that dies or loses its database between 1 and 3 leaves the row ``sending``; nobody touches it until the
lease expires, then the sweeper sends it again under the same ``Message-ID``, which mail servers and clients treat
as the same message. A failed send (the server refused or did not answer) also keeps the lease: whether the message
got through is unknown, so it is resent, with the same ``Message-ID``, only by the sweeper.
"""

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Iterable
from email.utils import make_msgid
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from portal.messages import MESSAGES, encode_params, render
from portal.models import EmailState, Notification, User
from portal.roles import OrgKind

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable[User],
    message: str,
    params: dict[str, Any] | None = None,
    text: str = "",
    url: str = "",
    dedup_key: str = "",
) -> int:
    """Queue message ``message`` (a key of ``portal.messages.MESSAGES``) with ``params`` to each recipient; ``text``
    is what a person typed (a reason), shown as typed. With ``dedup_key`` a recipient gets it once however often
    this runs. ``url`` is the portal's path; the e-mail makes it absolute (``PORTAL_PUBLIC_URL``)."""
    if message not in MESSAGES:
        raise KeyError(f"unknown message key {message!r}")
    data = encode_params(params)
    created_ids = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = render(message, data, text) or (message, text)
        fields = {
            "recipient": user,
            "message_key": message,
            "params": data,
            "text": text,
            "subject": subject[:200],
            "body": body,
            "url": url,
        }
        if dedup_key:
            try:
                with transaction.atomic():
                    note = Notification.objects.create(dedup_key=dedup_key, **fields)
            except IntegrityError:
                continue
        else:
            note = Notification.objects.create(**fields)
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
    from portal.celery import send_task

    try:
        send_task(send_notification_emails, notification_ids)
    except Exception:  # eager (no broker): a failure here must not undo the committed action; the sweeper retries
        logger.exception("mailing %d notifications failed; left for the sweeper", len(notification_ids))


def notification_email_claim(*, pk: int, now: dt.datetime | None = None) -> Notification | None:
    """Step 1: take the row for sending (its own transaction), or ``None`` if it is sent or leased to another."""
    now = now or timezone.now()
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=pk)
            .filter(Q(email_state=EmailState.PENDING) | Q(email_state=EmailState.SENDING, email_lease_until__lte=now))
            .first()
        )
        if note is None:
            return None
        if not note.recipient.email:
            note.email_state, note.email_lease_until = EmailState.NO_ADDRESS, None
            note.save(update_fields=["email_state", "email_lease_until"])
            return None
        note.email_state = EmailState.SENDING
        note.email_lease_until = now + dt.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
        note.email_attempts += 1
        note.email_message_id = note.email_message_id or _message_id(note)
        note.save(update_fields=["email_state", "email_lease_until", "email_attempts", "email_message_id"])
    return note


def _message_id(note: Notification) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return make_msgid(idstring=f"notification-{note.pk}", domain=domain)


def absolute_url(path: str) -> str:
    """The portal's path as a link that works from a mail client: ``PORTAL_PUBLIC_URL`` + path."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_PUBLIC_URL.rstrip("/") + "/" + path.lstrip("/")


def notification_email_message(note: Notification) -> EmailMessage:
    """Step 2's message, in the recipient's language, with an absolute link: the same ``Message-ID`` however often
    it is sent."""
    with translation.override(note.recipient.language or settings.LANGUAGE_CODE):
        subject, body = note.rendered()
    return EmailMessage(
        subject=subject.replace("\n", " "),
        body=f"{body}\n\n{absolute_url(note.url)}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.recipient.email],
        headers={"Message-ID": note.email_message_id},
    )


def notification_email_record_sent(*, pk: int, attempts: int = 4) -> None:
    """Step 3. The message is out, so a database fault here is retried on the spot (a fresh connection each time):
    giving up would leave the row to the sweeper and the recipient with a second copy."""
    from portal.celery import drop_broken_db_connections

    for attempt in range(attempts):
        try:
            Notification.objects.filter(pk=pk, email_state=EmailState.SENDING).update(
                email_state=EmailState.SENT, email_lease_until=None, emailed_at=timezone.now()
            )
            return
        except (OperationalError, InterfaceError):
            if attempt == attempts - 1:
                raise
            drop_broken_db_connections()
            time.sleep(0.5 * 2**attempt)


def notification_emails_send(notification_ids: Iterable[int], *, budget_seconds: float | None = None) -> int:
    """Claim, send and record each notification; returns how many were sent. Safe to run twice, or concurrently."""
    sent = 0
    started = time.monotonic()
    connection = None
    try:
        for pk in notification_ids:
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                break
            note = notification_email_claim(pk=pk)
            if note is None:
                continue
            connection = connection or get_connection(timeout=settings.EMAIL_TIMEOUT)
            try:
                connection.send_messages([notification_email_message(note)])
            except Exception as exc:  # refused, timed out or cut off: perhaps delivered, so only the lease resends
                logger.warning("e-mail of notification %s failed (%s); resent after its lease", pk, exc)
                connection, failed = None, connection
                with contextlib.suppress(Exception):  # already broken: closing it is a courtesy
                    failed.close()
                continue
            notification_email_record_sent(pk=pk)
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent


def notifications_unsent(*, limit: int = 200, now: dt.datetime | None = None) -> list[int]:
    """What the sweeper sends: rows no task took (the broker was down) and rows whose sender's lease expired."""
    now = now or timezone.now()
    waiting = Q(email_state=EmailState.PENDING)
    abandoned = Q(email_state=EmailState.SENDING, email_lease_until__lte=now)
    return list(Notification.objects.filter(waiting | abandoned).order_by("pk").values_list("pk", flat=True)[:limit])


# Defined here, under its old name, so that sending needs no import of portal.tasks (which imports this module;
# issue 20: no import cycle). portal.tasks re-exports it.
@shared_task(name="portal.tasks.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail each notification at least once, under one Message-ID (claim, send, record: above)."""
    return notification_emails_send(notification_ids)
