"""Art. 8, 11(3), 12: what a county bureau does with the workstations of its county — it reads their operation
(``workstations.rules.county``) and records its own annual opinion or score."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import notify_city_staff
from workstations.models import Workstation
from workstations.models.county import CountyOpinion
from workstations.rules.county import is_county_clerk
from workstations.selectors.county import county_workstations
from workstations.services.outcomes import OutcomeRefused


def county_opinion_record(
    *,
    workstation: Workstation | int,
    year: int,
    opinion: str,
    actor: User,
    score: Decimal | None = None,
    today: date | None = None,
) -> CountyOpinion:
    """Art. 11(3): record (or revise) the county's opinion and optional score (0–100) of one year. Only the county
    bureau of the workstation may, for a year from its certification to the current one."""
    today = today or timezone.localdate()
    if not is_county_clerk(actor):
        raise PermissionDenied(_("Only the county bureau of the workstation may record its opinion."))
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    problems = []
    if not opinion.strip():
        problems.append(_("Write the county's opinion."))
    if score is not None and not (Decimal(0) <= score <= Decimal(100)):
        problems.append(_("The score must be between 0 and 100."))
    county = actor.organisation
    if county is None:  # is_county_clerk holds a county bureau; this keeps the type checker as sure as the rule
        raise PermissionDenied(_("Only the county bureau of the workstation may record its opinion."))
    with transaction.atomic():
        ws = county_workstations(actor).select_for_update(of=("self",)).filter(pk=pk).first()
        if ws is None:
            raise PermissionDenied(_("Only the county bureau of the workstation may record its opinion."))
        if not (ws.certified_on.year <= year <= today.year):
            problems.append(
                _("The year must be between %(first)d and %(last)d.")
                % {"first": ws.certified_on.year, "last": today.year}
            )
        if problems:
            raise OutcomeRefused(problems)
        measures = measures_in_force(today, actor.organisation_id)
        existing = CountyOpinion.objects.filter(workstation=ws, year=year).first()
        before = {"score": existing.score, "opinion": existing.opinion} if existing else None
        row, _created = CountyOpinion.objects.update_or_create(
            workstation=ws,
            year=year,
            defaults={
                "county_id": county.pk,
                "score": score,
                "opinion": opinion.strip(),
                "recorded_by": actor,
                "recorded_at": timezone.now(),
                # Art. 12: the city's numbers with the county's stricter rules, in force today (portal.measures).
                "measures_version_id": measures.version_id,
                "county_rule_id": measures.county_rule_id,
            },
        )
        audit_record(
            actor=actor,
            action="workstation.county_opinion",
            obj=ws,
            before=before,
            after={"year": year, "score": score, "opinion": row.opinion},
        )
        notify_city_staff(
            message="county.opinion",
            params={"county": county.display_short, "year": year, "ws": ws.name},
            url=reverse("workstations:outcomes", args=[ws.pk]),
            dedup_key=f"county-opinion:{ws.pk}:{year}",
        )
    return row
