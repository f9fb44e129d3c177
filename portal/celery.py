"""The Celery application. Tasks receive ids only and are sent after commit (STYLE §7).

Every task of the portal is a :class:`PortalTask` (issue 22): acknowledged late, given back to the broker when its
worker process dies, and retried with bounded, jittered backoff on the faults that pass by themselves — a database
connection dropped or refused (``OperationalError``, ``InterfaceError``) and operating-system errors (``OSError``: a
full or unreachable disk, a mail server that does not answer). ``docs/operations.md`` gives the timings.
"""

import logging
import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError, connections, transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
# Backoff 2, 4, 8 … s, at most RETRY_BACKOFF_MAX, each drawn at random below that (full jitter): six retries span
# about two minutes, which outlasts a database restart or failover, and never pushes a countdown past the broker's
# visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS in settings; see docs/operations.md).
RETRY_BACKOFF_MAX = 60
MAX_RETRIES = 6


def drop_broken_db_connections() -> None:
    """Close connections a fault has left unusable, so the next query (a retry) opens a fresh one.

    Celery's Django fixup does this between tasks in a worker; an eager retry (tests, the embedded default) runs in
    the same call, so the task does it itself. A connection inside a transaction is left to its ``atomic`` block.
    """
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block or not conn.errors_occurred:
            continue
        if conn.is_usable():
            conn.errors_occurred = False
        else:
            conn.close()


class PortalTask(Task):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = RETRY_BACKOFF_MAX
    retry_jitter = True
    max_retries = MAX_RETRIES
    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, *args, **kwargs):
        drop_broken_db_connections()
        return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def send_task_after_commit(task, *args) -> None:
    """Send ``task(*args)`` once the current transaction commits, never waiting long on the broker.

    A broker that is down or hung costs one publish attempt of about a second (its socket timeout), after which
    :data:`portal.redisguard.redis_breaker` skips the broker for a while; the work waits for its sweeper (notification
    e-mails, plaque PDFs) instead of failing the user's request.
    """
    transaction.on_commit(lambda: send_task(task, *args))


def send_task(task, *args) -> bool:
    """Send ``task(*args)`` now; False (logged) when the broker is unreachable. See :func:`send_task_after_commit`."""
    from portal.redisguard import redis_breaker

    if task.app.conf.task_always_eager:  # no broker: the task runs here and now, and its errors are the caller's
        task.apply_async(args)
        return True
    if not redis_breaker.allows():
        logger.warning("broker skipped (recently unreachable); %s%r left for its sweeper", task.name, args)
        return False
    try:
        task.apply_async(args, retry=False)
    except Exception as exc:  # kombu wraps every transport error differently; none may fail the request
        redis_breaker.trip(exc)
        logger.warning("broker unavailable (%s); %s%r left for its sweeper", type(exc).__name__, task.name, args)
        return False
    redis_breaker.close()
    return True
