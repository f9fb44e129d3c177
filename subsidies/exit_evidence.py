"""Art. 11(4)2 "违规使用补助资金": the audit findings a forced exit on misuse of funds rests on.

Registered in ``settings.WORKSTATIONS_EXIT_EVIDENCE`` for the ground ``subsidy_misuse`` (see
``workstations.services.exit_evidence``): subsidies owns the finding and the link, workstations reads them through this
provider without importing this app.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.formatting import format_date, format_yuan
from subsidies.models import Finding
from subsidies.models.audits import ExitMisuseFinding
from workstations.services.exit_evidence import EvidenceRecord


class MisuseEvidence:
    MISSING = gettext_lazy(
        "A forced exit on misuse of funds needs an audit finding of misuse on this workstation's ledger."
    )

    @staticmethod
    def _record(finding: Finding) -> EvidenceRecord:
        assignment = finding.assignment
        state = finding.get_verdict_display()
        if assignment.is_concluded:
            state = _("%(verdict)s; audit concluded on %(date)s") % {
                "verdict": state,
                "date": format_date(assignment.concluded_at),
            }
        else:
            state = _("%(verdict)s; audit still open") % {"verdict": state}
        return EvidenceRecord(
            key=str(finding.pk),
            label=_("%(audit)s: entry of %(date)s, %(amount)s")
            % {
                "audit": assignment.audit.title,
                "date": format_date(finding.entry.date),
                "amount": format_yuan(finding.entry.amount),
            },
            state=state,
            qualifies=finding.verdict == Finding.Verdict.MISUSE,
            url=reverse("subsidies:assignment", args=[assignment.pk]),
        )

    @staticmethod
    def _findings():
        return Finding.objects.select_related("assignment__audit", "entry")

    @classmethod
    def candidates(cls, workstation) -> list[EvidenceRecord]:
        findings = cls._findings().filter(entry__ledger__workstation=workstation).exclude(verdict=Finding.Verdict.FINE)
        return [cls._record(f) for f in findings.order_by("entry__date", "pk")]

    @classmethod
    def attach(cls, case, key: str) -> None:
        finding = cls._findings().filter(pk=int(key), entry__ledger__workstation_id=case.workstation_id).first()
        if finding is None:
            raise ValueError(str(cls.MISSING))
        ExitMisuseFinding.objects.get_or_create(exit_case=case, finding=finding)

    @classmethod
    def linked(cls, case) -> list[EvidenceRecord]:
        findings = cls._findings().filter(exit_links__exit_case=case).order_by("pk")
        return [cls._record(f) for f in findings]
