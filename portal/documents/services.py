"""Issuing numbered official documents: ``平人社〔2026〕12号``, one gapless sequence per year (Art. 6(4), 11(4)).

The number is taken from a per-year counter row locked with ``select_for_update`` and the document row (with its
rendered PDF) is written in the same transaction: two staff issuing at once get consecutive numbers, and a failure
anywhere rolls the number back with everything else, so the sequence has neither gaps nor duplicates.
"""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.documents.models import DocumentCounter, OfficialDocument

DOCUMENT_SERIES = "document"


def format_document_number(year: int, seq: int, prefix: str | None = None) -> str:
    """GB/T 9704-2012: year in 〔〕, no “第”, no leading zeros — 平人社〔2026〕12号."""
    prefix = settings.DOCUMENT_NUMBER_PREFIX if prefix is None else prefix
    return f"{prefix}〔{int(year)}〕{int(seq)}号"


def sequence_next(*, series: str, year: int) -> int:
    """Take the next number of ``series`` in ``year``. Must run inside the caller's transaction.

    The counter row is created on first use; a concurrent first use is resolved by the unique constraint and a
    retry, after which both callers lock the same row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside transaction.atomic()")
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass  # another transaction created it first; the lock below waits for it
    counter = DocumentCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_issue(
    *,
    kind: str,
    title: str,
    addressees: str,
    body: dict,
    actor,
    issued_on: dt.date | None = None,
    render: bool = True,
) -> OfficialDocument:
    """Issue one official document: take its number, store it, render and keep its PDF privately.

    Call it inside the transaction that also records what the document decides (e.g. the certifications), so that
    the number exists exactly when the decision does.
    """
    from portal.documents.rendering import render_official_document

    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        seq = sequence_next(series=DOCUMENT_SERIES, year=issued_on.year)
        document = OfficialDocument.objects.create(
            number=format_document_number(issued_on.year, seq),
            year=issued_on.year,
            seq=seq,
            kind=kind,
            title=title,
            addressees=addressees,
            body=body,
            issuer=settings.ISSUING_AUTHORITY,
            issued_on=issued_on,
            issued_by=actor,
        )
        if render:
            document.pdf.save(f"{issued_on.year}-{seq}.pdf", ContentFile(render_official_document(document)))
    return document
