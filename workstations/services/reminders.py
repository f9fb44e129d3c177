"""Art. 10 reminders (SPEC §5 "report due"): before a period ends, host units hear what is not yet met; after it
ends, staff hear which workstations missed it. Every message carries a ``dedup_key``, so running the job twice (or
daily) sends each reminder once."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from portal.measures.selectors import Timeline
from portal.notifications import city_staff_users, notify, notify_organisation
from workstations.models import OPERATING_STATES, Workstation
from workstations.rules import compliance
from workstations.selectors.outcomes import load_counts, plan_due_on

# How long before a period ends the host unit is warned: a quarter's consultation is one event; two themed
# activities and two people trained take planning, so the year's warning comes earlier.
WARN_BEFORE = {compliance.QUARTERLY: 15, compliance.YEARLY: 60}
# Misses are reported for periods that ended within this many days (a job down for a while still reports them).
MISS_LOOKBACK_DAYS = 92


def _periods_to_check(today: date) -> list[tuple[compliance.Requirement, compliance.Period]]:
    current_q = compliance.quarter_of(today)
    prev_q = compliance.quarter_of(current_q.start - timedelta(days=1))
    out = [(compliance.Requirement.CONSULTATION, current_q), (compliance.Requirement.CONSULTATION, prev_q)]
    for year in {today.year, today.year - 1}:
        out += [
            (compliance.Requirement.THEMED, compliance.Period(year)),
            (compliance.Requirement.TRAINING, compliance.Period(year)),
        ]
    return out


def outcome_reminders_send(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    workstations = list(
        Workstation.objects.filter(state__in=OPERATING_STATES, certified_on__isnull=False).select_related("host_unit")
    )
    counts = load_counts(
        Workstation.objects.filter(pk__in=[w.pk for w in workstations]), range(today.year - 1, today.year + 1)
    )
    has_plan = set(
        Workstation.objects.filter(pk__in=[w.pk for w in workstations], plans__isnull=False).values_list(
            "pk", flat=True
        )
    )
    sent = {"due": 0, "missed": 0, "plan": 0}
    misses: dict[tuple[str, str], list[Workstation]] = {}
    timeline = Timeline()  # the measures' numbers per period (portal.measures)
    for ws in workstations:
        url = reverse("workstations:outcomes", args=[ws.pk])
        for requirement, period in _periods_to_check(today):
            c = compliance.cell(requirement, period, ws.certified_on, counts.get(ws.pk, {}), today, timeline)
            kind, _target = compliance.RULES[requirement]
            if c.status == compliance.Status.NOT_YET and (period.end - today).days < WARN_BEFORE[kind]:
                sent["due"] += notify_organisation(
                    organisation=ws.host_unit,
                    message="outcome.due",
                    params={
                        "ws": ws.name,
                        "req": str(requirement),
                        "count": c.count,
                        "need": c.need,
                        "date": period.end,
                    },
                    url=url,
                    dedup_key=f"outcome-due:{ws.pk}:{requirement}:{period.key}",
                )
            elif c.status == compliance.Status.MISSED and (today - period.end).days <= MISS_LOOKBACK_DAYS:
                misses.setdefault((str(requirement), period.key), []).append(ws)
        due = plan_due_on(ws)
        if ws.pk not in has_plan and due is not None and today > due:
            sent["plan"] += notify_organisation(
                organisation=ws.host_unit,
                message="plan.overdue",
                params={"ws": ws.name, "date": due},
                url=reverse("workstations:plan_new", args=[ws.pk]),
                dedup_key=f"plan-overdue:{ws.pk}",
            )
    staff = list(city_staff_users())
    for (req, key), missed in sorted(misses.items()):
        # One message per requirement and period lists every workstation that missed it.
        sent["missed"] += notify(
            recipients=staff,
            message="outcome.missed",
            params={"n": len(missed), "req": req, "period": key},
            text="\n".join(ws.name for ws in missed),
            url=reverse("workstations:board") + f"?year={key[:4]}",
            dedup_key=f"outcome-missed:{req}:{key}",
        )
    return sent
