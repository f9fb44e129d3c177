"""Home-page panels for outcomes: the host unit's "what is due" and the city staff's queues (Art. 10–11)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import aggregates
from portal.dashboard import Panel
from portal.roles import Role
from workstations.models import OPERATING_STATES, Workstation
from workstations.models.evaluations import Evaluation, EvaluationResult, Rectification, RectificationStatus
from workstations.models.outcomes import ActivityReport, MajorEventReport, ReportStatus
from workstations.rules import compliance
from workstations.selectors import compliance_summary
from workstations.selectors.outcomes import what_is_due


def home_panels(user) -> list[Panel]:
    if user.role == Role.HOST_UNIT:
        return _host_panels(user)
    if user.role == Role.CITY_STAFF:
        return _staff_panels()
    return []


def _host_panels(user) -> list[Panel]:
    items = what_is_due(user)
    if not items and not Workstation.objects.visible_to(user).filter(state__in=OPERATING_STATES).exists():
        return []
    # Reports filed and waiting for the bureau: counted, so that nobody files the same report twice.
    with_bureau = ActivityReport.objects.visible_to(user).filter(status=ReportStatus.SUBMITTED).count()
    return [
        Panel(
            title=_("What is due"),
            count=len(items),
            items=[(i.label, i.url) for i in items[:8]],
            tone="danger" if any(i.status == "missed" for i in items) else ("warning" if items else "success"),
            order=5,
        ),
        Panel(
            title=_("Reports awaiting the bureau's review"),
            count=with_bureau,
            url=reverse("workstations:report_list") + f"?status={ReportStatus.SUBMITTED}",
            tone="info",
            order=6,
        ),
    ]


def _staff_panels() -> list[Panel]:
    today = timezone.localdate()
    to_accept = ActivityReport.objects.filter(status=ReportStatus.SUBMITTED).count()
    # Misses of the last ended quarter, from the board's summary rows (issue 21: one count, not every workstation).
    last_q = compliance.quarter_of(compliance.quarter_of(today).start - timedelta(days=1))
    missed = aggregates.cached(
        "missed-consultations",
        (last_q.key, today),
        (aggregates.COMPLIANCE, aggregates.WORKSTATIONS),
        lambda: compliance_summary.missed_consultations(last_q, today),
    )
    unscored = EvaluationResult.objects.filter(evaluation__status=Evaluation.Status.OPEN, grade="").count()
    rect_to_decide = Rectification.objects.filter(status=RectificationStatus.REPORTED).count()
    events = MajorEventReport.objects.filter(acknowledged_at__isnull=True).count()
    return [
        Panel(
            _("Activity reports to accept"), to_accept, reverse("workstations:report_list"), tone="primary", order=30
        ),
        Panel(
            _("Missed consultations in %(period)s") % {"period": last_q.key},
            missed,
            reverse("workstations:board") + f"?year={last_q.year}",
            tone="danger" if missed else "success",
            order=31,
        ),
        Panel(_("Evaluation results to score"), unscored, reverse("workstations:evaluation_list"), order=32),
        Panel(
            _("Rectification reports to re-evaluate"),
            rect_to_decide,
            reverse("workstations:rectification_list"),
            tone="warning",
            order=33,
        ),
        Panel(
            _("Major-event reports to acknowledge"),
            events,
            reverse("workstations:major_event_list") + "?pending=1",
            order=34,
        ),
    ]
