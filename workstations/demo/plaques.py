"""Demo builder step (Art. 6(5), 11(4)): plaques for the demo workstations that have been recognised.

Operating workstations have a plaque handed over; exited ones a removed plaque; the certified one a plaque that is
made but not yet handed over, so that staff can try the handover. Idempotent: a workstation with a plaque is skipped.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction

from portal.documents.models import Verification
from portal.documents.services import (
    format_document_number,
    sequence_next,
    series_for,
    verification_create,
    verification_revoke,
    verification_set_pdf,
)
from workstations.demo.exits import DEMO_EXITS
from workstations.models import State
from workstations.models.exits import ExitGround
from workstations.models.plaques import PLAQUE_SERIES, Plaque, format_plaque_number
from workstations.rules.naming import workstation_name
from workstations.services.plaques import plaque_issue, plaque_spec, render_plaque

DEMO_ISSUED_ON = dt.date(2025, 6, 16)
HANDED_OVER = {State.ACTIVE, State.RECTIFYING, State.DEREGISTERED, State.REVOKED}
# The exits' decisions (workstations.demo.exits): a plaque is removed on the day of the decision, which it names.
EXIT_DECISIONS = {
    lead: (
        decided_on,
        format_document_number(
            decided_on.year, seq, series_for("deregistration" if ground == ExitGround.OWN_REQUEST else "revocation")
        ),
    )
    for lead, ground, _facts, _statement, decided_on, seq, _reply in DEMO_EXITS
}


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
            spec = plaque_spec()
            verification = verification_create(
                subject=Verification.Subject.PLAQUE,
                number=plaque.number,
                title=f"{spec['title']}：{plaque.name}",
                issuer=spec["issuer"],
                issued_on=DEMO_ISSUED_ON,
            )
            if workstation.state in (State.DEREGISTERED, State.REVOKED):
                removed_on, number = EXIT_DECISIONS.get(workstation.lead_mentor_name, (dt.date(2026, 3, 2), ""))
                plaque.removed_on, plaque.removed_by, plaque.removal_reason = removed_on, staff, number
                plaque.save()
                if number:
                    verification_revoke(verification=verification, by_number=number, revoked_on=removed_on)
            content = render_plaque(plaque)
            plaque.pdf.save(f"{plaque.number}.pdf", ContentFile(content))
            verification_set_pdf(verification=verification, content=content)
            type(workstation).objects.filter(pk=workstation.pk).update(plaque_number=plaque.number)
