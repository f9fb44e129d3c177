"""Art. 11(4)2 限期整改: a failed evaluation puts the workstation under rectification with a deadline; the host unit
reports, staff decide, and a missed deadline is marked by the daily job (a forced exit is then proposed)."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import city_staff_users, notify, notify_organisation
from portal.uploads import store_upload
from workstations.models import Workstation
from workstations.models.evaluations import (
    EvaluationResult,
    Rectification,
    RectificationStatus,
)
from workstations.services.lifecycle import workstation_transition
from workstations.services.outcomes import OutcomeRefused, require_staff

# Art. 11(4)2 限期整改: the default deadline is the measures' ``rectification_days`` in force (portal.measures); staff
# may set another when ordering.


def rectification_start(
    *,
    workstation: Workstation | int,
    actor: User,
    reason: str,
    result: EvaluationResult | None = None,
    deadline: date | None = None,
    today: date | None = None,
) -> Rectification:
    """Art. 11(4)2: 限期整改 — the workstation moves to ``rectifying`` with a deadline (default 90 days)."""
    require_staff(actor)
    today = today or timezone.localdate()
    measures = measures_in_force(today)  # Art. 11(4)2: the default deadline of the measures' numbers in force
    deadline = deadline or today + timedelta(days=measures.rectification_days)
    if deadline <= today:
        raise OutcomeRefused(_("The deadline must be after today."))
    with transaction.atomic():
        ws = workstation_transition(
            workstation=workstation, transition="start_rectification", actor=actor, reason=reason
        )
        rect = Rectification.objects.create(
            workstation=ws,
            result=result,
            reason=reason,
            ordered_on=today,
            deadline=deadline,
            measures_version_id=measures.version_id,
        )
        notify_organisation(
            organisation=ws.host_unit,
            message="rectification.ordered",
            params={"ws": ws.name, "date": deadline},
            text=reason,
            url=reverse("workstations:rectification", args=[rect.pk]),
        )
    return rect


def rectification_report(*, rectification: Rectification | int, actor: User, text: str, file=None, today=None):
    """The host unit files its rectification report (again, to replace it, until staff decide)."""
    from workstations.services.outcomes import _lock_operating_for_host

    today = today or timezone.localdate()
    pk = rectification.pk if isinstance(rectification, Rectification) else rectification
    if not text.strip():
        raise OutcomeRefused(_("Describe what was rectified."))
    with transaction.atomic():
        rect = Rectification.objects.select_for_update().get(pk=pk)
        ws = _lock_operating_for_host(rect.workstation_id, actor)
        if not rect.is_pending:
            raise OutcomeRefused(_("This rectification has been decided."))
        if today > rect.deadline:
            raise OutcomeRefused(_("The deadline has passed."))
        rect.report_text = text.strip()
        if file:
            rect.report_file = store_upload(uploaded=file, actor=actor, replaces=rect.report_file)
        rect.status, rect.reported_at = RectificationStatus.REPORTED, timezone.now()
        rect.save()
        notify(
            recipients=city_staff_users(),
            message="rectification.reported",
            params={"ws": ws.name},
            url=reverse("workstations:rectification", args=[rect.pk]),
        )
    return rect


def rectification_decide(*, rectification: Rectification | int, actor: User, passed: bool, reason: str = ""):
    """Staff re-evaluate: pass → back to ``active``; fail → forced exit proposed (the exit work revokes)."""
    require_staff(actor)
    if not passed and not reason.strip():
        raise OutcomeRefused(_("Please give a reason."))
    pk = rectification.pk if isinstance(rectification, Rectification) else rectification
    with transaction.atomic():
        rect = Rectification.objects.select_for_update().select_related("workstation__host_unit").get(pk=pk)
        if rect.status != RectificationStatus.REPORTED:
            raise OutcomeRefused(_("Only a filed rectification report can be re-evaluated."))
        if passed:
            workstation_transition(
                workstation=rect.workstation_id, transition="pass_rectification", actor=actor, reason=reason
            )
        rect.status = RectificationStatus.PASSED if passed else RectificationStatus.FAILED
        rect.decided_by, rect.decided_at, rect.decision_reason = actor, timezone.now(), reason.strip()
        rect.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        url = reverse("workstations:rectification", args=[rect.pk])
        said: dict[str, Any] = {
            "message": "rectification.passed" if passed else "rectification.failed",
            "params": {"ws": rect.workstation.name},
            "text": reason,
        }
        notify_organisation(organisation=rect.workstation.host_unit, url=url, **said)
        if not passed:
            notify(recipients=city_staff_users(), url=url, **said)
    return rect


DEADLINE_WARNING_DAYS = 14


def rectification_deadlines_check(*, today: date | None = None) -> dict[str, int]:
    """Scheduled: warn host units 14 days before the deadline; a deadline passed with no report filed is missed
    (forced exit proposed, staff told); a filed report still undecided after the deadline reminds staff."""
    today = today or timezone.localdate()
    done = {"warned": 0, "missed": 0, "staff_reminded": 0}
    staff = list(city_staff_users())
    for rect_pk in Rectification.objects.filter(status=RectificationStatus.OPEN, deadline__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = (
                Rectification.objects.select_for_update()
                .select_related("workstation__host_unit")
                .filter(pk=rect_pk, status=RectificationStatus.OPEN)
                .first()
            )
            if locked is None:
                continue
            locked.status, locked.decided_at = RectificationStatus.MISSED, timezone.now()
            locked.decision_reason = _("No rectification report was filed by the deadline.")
            locked.save(update_fields=["status", "decided_at", "decision_reason"])
            said: dict[str, Any] = {"message": "rectification.missed", "params": {"ws": locked.workstation.name}}
            url = reverse("workstations:rectification", args=[locked.pk])
            notify(recipients=staff, url=url, dedup_key=f"rect-missed:{locked.pk}", **said)
            notify_organisation(
                organisation=locked.workstation.host_unit,
                **said,
                url=url,
                dedup_key=f"rect-missed:{locked.pk}",
            )
            done["missed"] += 1
    soon = today + timedelta(days=DEADLINE_WARNING_DAYS)
    for rect in Rectification.objects.filter(
        status=RectificationStatus.OPEN, deadline__gte=today, deadline__lte=soon
    ).select_related("workstation__host_unit"):
        done["warned"] += notify_organisation(
            organisation=rect.workstation.host_unit,
            message="rectification.due",
            params={"date": rect.deadline, "ws": rect.workstation.name},
            url=reverse("workstations:rectification", args=[rect.pk]),
            dedup_key=f"rect-warn:{rect.pk}",
        )
    for rect in Rectification.objects.filter(status=RectificationStatus.REPORTED, deadline__lt=today).select_related(
        "workstation"
    ):
        done["staff_reminded"] += notify(
            recipients=staff,
            message="rectification.undecided",
            params={"ws": rect.workstation.name},
            url=reverse("workstations:rectification", args=[rect.pk]),
            dedup_key=f"rect-decide:{rect.pk}",
        )
    return done
