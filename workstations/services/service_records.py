"""Art. 4 service records: the host unit files them; the evaluation's 成效 item counts them with the Art. 10 reports."""

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from workstations.models import Workstation
from workstations.models.service_records import ServiceKind, ServiceRecord
from workstations.services.outcomes import OutcomeRefused, _lock_operating_for_host

PERSONAL = (ServiceKind.FOLLOW_UP, ServiceKind.INTERNSHIP)
# Six digits or more in a row look like an ID, phone or account number: not wanted in a short name (PIPL).
_NUMBER = re.compile(r"\d{6,}")


def service_record_submit(
    *,
    workstation: Workstation | int,
    actor: User,
    kind: str,
    title: str,
    held_on: date,
    description: str,
    participant_count: int = 1,
    mode: str = "on_site",
    support_area: str = "",
    beneficiary: str = "",
    consent: bool = False,
    partner: str = "",
    today: date | None = None,
) -> ServiceRecord:
    """Art. 4: record one service. Follow-up guidance and internships name the entrepreneur or project briefly and
    need the person's consent; support services name their area (工商、财务、税务、法务、场地、资金信贷)."""
    today = today or timezone.localdate()
    problems = []
    if kind not in ServiceKind.values:
        problems.append(_("Choose the kind of service."))
    if held_on > today:
        problems.append(_("The date is in the future; record a service after it took place."))
    if kind in PERSONAL:
        if not beneficiary.strip():
            problems.append(_("Name the entrepreneur or project briefly (a surname or the project's name)."))
        if not consent:
            problems.append(_("Record this only with the entrepreneur's consent."))
    if _NUMBER.search(beneficiary):
        problems.append(_("Do not enter ID, phone or account numbers: a short name is enough."))
    if kind == ServiceKind.SUPPORT and not support_area:
        problems.append(_("Choose the area of support."))
    if participant_count < 1:
        problems.append(_("At least one person was served."))
    with transaction.atomic():
        ws = _lock_operating_for_host(workstation, actor)
        if ws.certified_on and held_on < ws.certified_on:
            problems.append(_("The service took place before the workstation was recognised."))
        if problems:
            raise OutcomeRefused(problems)
        return ServiceRecord.objects.create(
            workstation=ws,
            kind=kind,
            mode=mode,
            held_on=held_on,
            title=title.strip(),
            description=description.strip(),
            participant_count=participant_count,
            support_area=support_area if kind == ServiceKind.SUPPORT else "",
            beneficiary=beneficiary.strip() if kind in PERSONAL else "",
            consent=consent if kind in PERSONAL else False,
            partner=partner.strip(),
            submitted_by=actor,
            submitted_at=timezone.now(),
        )


def services_share(workstation: Workstation, years: range, art10: dict) -> tuple[Decimal, dict]:
    """The 成效 item's share (0–1): half for the breadth of Art. 4 services — of the four functions, how many have at
    least one record in each year evaluated — and half for Art. 10 compliance (periods met / assessed, all three
    requirements). ``art10`` is ``compliance.summary``'s result for the same years."""
    covered = set(
        ServiceRecord.objects.filter(workstation=workstation, held_on__year__in=list(years))
        .values_list("held_on__year", "kind")
        .distinct()
    )
    art4_met, art4_of = len(covered), 4 * len(years)
    art10_met = sum(s["met"] for s in art10.values())
    art10_of = sum(s["of"] for s in art10.values())
    art4 = Decimal(art4_met) / Decimal(art4_of) if art4_of else Decimal(1)
    art10_share = Decimal(art10_met) / Decimal(art10_of) if art10_of else Decimal(1)
    share = (art4 + art10_share) / 2
    return share, {"met": art4_met, "of": art4_of, "art10_met": art10_met, "art10_of": art10_of}
