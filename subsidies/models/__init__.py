"""Subsidy ledgers (Art. 8, 11(3)) and their audits (Art. 9)."""

from subsidies.models.audits import Audit, AuditAssignment, Finding
from subsidies.models.ledger import Category, Entry, EntryReceipt, EntryReview, Kind, Ledger, Source

__all__ = [
    "Audit",
    "AuditAssignment",
    "Category",
    "Entry",
    "EntryReceipt",
    "EntryReview",
    "Finding",
    "Kind",
    "Ledger",
    "Source",
]
