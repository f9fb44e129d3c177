"""Reminders of the deadlines a user must meet (issue 19 item 4), in one daily job.

Each reminder goes out once per deadline and stage: a stage is "this many days (or working days) or fewer are left
after today"; a run sends the tightest stage reached, keyed ``deadline:<kind>:<object>:<stage>``, so running twice
sends nothing new and a job that was down for a few days sends one reminder, not one per missed stage. A task already
done (the application submitted, every ballot cast, the statement filed, the plan filed, the objections decided, the
rectification report filed) is not reminded.

Deadlines already reminded elsewhere are left there: the Art. 10 activity requirements and the overdue work plan
(``workstations.services.reminders``), the 14-day rectification warning and the missed deadline
(``workstations.services.rectifications``), the ends of terms (``workstations.services.terms``), the end of publicity
with objections still open (``review.publicity.services``). docs/operations.md lists the job's stages.

Each stage app keeps its own reminders and registers them in ``PORTAL_DEADLINE_REMINDERS`` (kind → dotted path of a
function of ``today`` returning how many messages it sent), so portal imports none of the stage apps.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def stage_reached(left: int, stages: tuple[int, ...]) -> int | None:
    """The tightest stage ``left`` has reached, or ``None`` when the deadline is further off or has passed."""
    if left < 0:
        return None
    reached = [stage for stage in stages if left <= stage]
    return min(reached) if reached else None


def working_days_left(today: dt.date, deadline: dt.date) -> int | None:
    """Working days after today up to and including the deadline; ``None`` when the calendar does not cover them."""
    from portal.workdays.services import CalendarNotCovered, working_days_between

    if deadline < today:
        return -1
    try:
        return working_days_between(today + dt.timedelta(days=1), deadline)
    except CalendarNotCovered:
        logger.warning("working-day calendar does not cover %s; deadline reminder skipped", deadline)
        return None


def send_deadline_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Every deadline reminder due today; returns how many messages each kind sent. Safe to run twice."""
    today = today or timezone.localdate()
    return {kind: import_string(path)(today) for kind, path in settings.PORTAL_DEADLINE_REMINDERS.items()}


@shared_task(name="portal.deadlines.send_deadline_reminders")
def send_deadline_reminders_task() -> dict[str, int]:
    return send_deadline_reminders()
