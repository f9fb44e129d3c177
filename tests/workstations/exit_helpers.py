"""Records a forced exit rests on (issue 15): a failed rectification, an audit finding of misuse."""

from datetime import timedelta

from django.utils import timezone

from workstations.models.evaluations import Rectification, RectificationStatus
from workstations.models.exits import ExitGround


def failed_rectification(ws, status=RectificationStatus.FAILED) -> Rectification:
    today = timezone.localdate()
    return Rectification.objects.create(
        workstation=ws,
        reason="年度评价不合格。",
        ordered_on=today - timedelta(days=120),
        deadline=today - timedelta(days=30),
        status=status,
        decided_at=timezone.now() - timedelta(days=10),
    )


def misuse_finding(ws, staff, verdict="misuse"):
    from subsidies.models import Audit, AuditAssignment, Finding
    from tests.subsidies.factories import grant

    entry = grant(ws, staff)
    audit = Audit.objects.create(title="2026年补助资金专项审计", method=Audit.Method.THIRD_PARTY, created_by=staff)
    assignment = AuditAssignment.objects.create(audit=audit, ledger=ws.ledger)
    return Finding.objects.create(
        assignment=assignment, entry=entry, verdict=verdict, note="用于与工作室无关的支出。", recorded_by=staff
    )


def evidence_for(ws, ground, staff) -> str:
    """The ``evidence_record`` key a proposal on ``ground`` needs ("" for grounds that need none)."""
    if ground == ExitGround.FAILED_RECTIFICATION:
        return str(failed_rectification(ws).pk)
    if ground == ExitGround.SUBSIDY_MISUSE:
        return str(misuse_finding(ws, staff).pk)
    return ""
