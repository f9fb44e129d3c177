"""Subsidy ledgers (Art. 8, 11(3)) and their audits (Art. 9)."""

from subsidies.models.audits import Audit, AuditAssignment, Finding
from subsidies.models.ledger import Category, Entry, EntryReceipt, EntryReview, Kind, Ledger, Source
from subsidies.models.summary import LedgerSum
from subsidies.models.trail import Channel, Disbursement, GrantPublicity, LedgerClosure

__all__ = [
    "Audit",
    "AuditAssignment",
    "Category",
    "Channel",
    "Disbursement",
    "Entry",
    "EntryReceipt",
    "EntryReview",
    "Finding",
    "GrantPublicity",
    "Kind",
    "Ledger",
    "LedgerClosure",
    "LedgerSum",
    "Source",
]
