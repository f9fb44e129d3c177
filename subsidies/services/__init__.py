"""Every write to ledgers and audits (the only writers)."""

from subsidies.services.audits import (
    assignment_conclude,
    audit_assign,
    audit_draw_sample,
    finding_record,
    may_inspect,
)
from subsidies.services.awards import award_from_evaluation, award_refusal
from subsidies.services.ledger import (
    LedgerRefused,
    default_city_grant,
    entry_record,
    entry_reverse,
    entry_review,
    recording_refusal,
)

__all__ = [
    "LedgerRefused",
    "assignment_conclude",
    "audit_assign",
    "audit_draw_sample",
    "award_from_evaluation",
    "award_refusal",
    "default_city_grant",
    "entry_record",
    "entry_reverse",
    "entry_review",
    "finding_record",
    "may_inspect",
    "recording_refusal",
]
