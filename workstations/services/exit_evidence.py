"""Art. 11(4)2: the records a forced exit rests on, linked as records, not as text.

An exit on failed rectification needs a rectification of that workstation that ended as failed (re-evaluation failed,
or the deadline passed without a report); an exit on misuse of funds needs an audit finding of misuse. Each such
ground has a provider, registered by the app that owns the record in ``settings.WORKSTATIONS_EXIT_EVIDENCE``
(ground → dotted path), so ``workstations`` never imports a stage app: the rectification provider is here, the
audit provider is ``subsidies.exit_evidence``. A provider offers three functions:

- ``candidates(workstation)`` → the workstation's records of that kind, each an :class:`EvidenceRecord`;
- ``attach(case, key)`` → link one of them to an exit case (called inside the proposal's transaction);
- ``linked(case)`` → the linked records with their live state (the exit page shows it; confirmation re-checks it).
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.formatting import format_date
from workstations.models.evaluations import RECTIFICATION_EXIT_GROUNDS, Rectification, RectificationStatus


@dataclass(frozen=True)
class EvidenceRecord:
    key: str  # the record's id, as the proposal form sends it
    label: str  # what it is, in words
    state: str  # its live state, in words
    qualifies: bool  # whether the ground can rest on it now
    url: str = ""


def provider(ground: str):
    path = getattr(settings, "WORKSTATIONS_EXIT_EVIDENCE", {}).get(str(ground))
    return import_string(path) if path else None


def candidates(workstation, ground: str) -> list[EvidenceRecord] | None:
    """The records ``ground`` may rest on for ``workstation``; None when the ground needs no linked record."""
    found = provider(ground)
    return None if found is None else found.candidates(workstation)


def linked(case) -> list[EvidenceRecord]:
    found = provider(case.ground)
    return [] if found is None else found.linked(case)


def missing_evidence(case) -> list[str]:
    """Why the case does not (or no longer) rest on a qualifying record (empty when it does)."""
    found = provider(case.ground)
    if found is None:
        return []
    records = found.linked(case)
    if any(record.qualifies for record in records):
        return []
    if records:
        return [
            _("The linked record no longer supports this ground: %(states)s.")
            % {"states": "；".join(f"{r.label}（{r.state}）" for r in records)}
        ]
    return [str(found.MISSING)]


class RectificationEvidence:
    """Art. 11(4)2 "经限期整改仍不达标": a rectification of this workstation that ended as failed."""

    MISSING = gettext_lazy(
        "A forced exit on failed rectification needs a rectification of this workstation that has ended as failed "
        "(re-evaluation failed, or the deadline passed without a report)."
    )

    @staticmethod
    def _record(rect: Rectification) -> EvidenceRecord:
        state = rect.get_status_display()
        if rect.is_pending:
            state = _("%(status)s, deadline %(date)s") % {"status": state, "date": format_date(rect.deadline)}
        elif rect.decided_at:
            state = _("%(status)s on %(date)s") % {"status": state, "date": format_date(rect.decided_at)}
        return EvidenceRecord(
            key=str(rect.pk),
            label=_("Rectification ordered on %(date)s") % {"date": format_date(rect.ordered_on)},
            state=state,
            qualifies=rect.status in RECTIFICATION_EXIT_GROUNDS,
            url=reverse("workstations:rectification", args=[rect.pk]),
        )

    @classmethod
    def candidates(cls, workstation) -> list[EvidenceRecord]:
        return [cls._record(r) for r in Rectification.objects.filter(workstation=workstation).order_by("-ordered_on")]

    @staticmethod
    def attach(case, key: str) -> None:
        rect = Rectification.objects.filter(pk=int(key), workstation_id=case.workstation_id).first()
        if rect is None:
            raise ValueError(str(RectificationEvidence.MISSING))
        type(case).objects.filter(pk=case.pk).update(rectification=rect)
        case.rectification = rect

    @classmethod
    def linked(cls, case) -> list[EvidenceRecord]:
        if case.rectification_id is None:
            return []
        return [cls._record(Rectification.objects.get(pk=case.rectification_id))]


__all__ = ["EvidenceRecord", "RectificationEvidence", "RectificationStatus", "candidates", "linked", "provider"]
