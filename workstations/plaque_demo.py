"""Demo builder step (Art. 6(5), 11(4)): plaques for the demo workstations that have been recognised.

Operating workstations have a plaque handed over; exited ones a removed plaque; the certified one a plaque that is
made but not yet handed over, so that staff can try the handover. Idempotent: a workstation with a plaque is skipped.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction

from portal.documents.services import sequence_next
from workstations.models import State
from workstations.naming import workstation_name
from workstations.plaque_services import plaque_issue, render_plaque
from workstations.plaques import PLAQUE_SERIES, Plaque, format_plaque_number

DEMO_ISSUED_ON = dt.date(2025, 6, 16)
HANDED_OVER = {State.ACTIVE, State.RECTIFYING, State.DEREGISTERED, State.REVOKED}
REMOVED = {State.DEREGISTERED: "所在单位自主申请注销，收回牌匾。", State.REVOKED: "撤销认定，收回牌匾。"}


def build(world) -> None:
    staff = world.users["staff"]
    for workstation in world.data.get("workstations", {}).values():
        if Plaque.objects.filter(workstation=workstation).exists():
            continue
        if workstation.state == State.CERTIFIED:
            plaque_issue(workstation=workstation, actor=staff)
            continue
        if workstation.state not in HANDED_OVER:
            continue
        with transaction.atomic():
            seq = sequence_next(series=PLAQUE_SERIES, year=DEMO_ISSUED_ON.year)
            plaque = Plaque.objects.create(
                workstation=workstation,
                number=format_plaque_number(DEMO_ISSUED_ON.year, seq),
                name=workstation_name(workstation.lead_mentor_name),
                issued_on=DEMO_ISSUED_ON,
                issued_by=staff,
                handed_over_to=f"{workstation.host_unit.contact_person or workstation.lead_mentor_name}",
                handed_over_on=DEMO_ISSUED_ON + dt.timedelta(days=10),
                handed_over_by=staff,
            )
            if workstation.state in REMOVED:
                plaque.removed_on = dt.date(2026, 3, 2)
                plaque.removed_by = staff
                plaque.removal_reason = REMOVED[workstation.state]
                plaque.save()
            plaque.pdf.save(f"{plaque.number}.pdf", ContentFile(render_plaque(plaque)))
            type(workstation).objects.filter(pk=workstation.pk).update(plaque_number=plaque.number)
