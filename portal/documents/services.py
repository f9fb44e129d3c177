"""Issuing official documents under the number the bureau's office assigned (Art. 6(4), 11(4)).

The office (its OA system) gives every document its number, in a series of its choosing (平人社 / 平人社办 /
平人社函 …).
The portal never counts on its own: staff enter the number, the portal suggests the next free one it knows of,
refuses a number already used in the same series and year, and records who entered it. The document row, its number
and its rendered PDF are written in one transaction, together with the decision the caller records.
"""

import datetime as dt
import hashlib
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.documents.codes import _CODE_ALPHABET, CODE_LENGTH
from portal.documents.models import DocumentCounter, DocumentNumber, OfficialDocument, Verification
from portal.formatting import format_date
from portal.refusals import Refusal

if TYPE_CHECKING:
    from portal.models import User

_NUMBER_RE = re.compile(r"^\s*(?P<series>[^〔\[\s]+)\s*[〔\[](?P<year>\d{4})[〕\]]\s*(?P<seq>\d+)\s*号\s*$")


class DocumentRefused(Refusal, ValueError):
    """A document cannot be issued as entered; ``problems`` are messages for staff."""

    separator = "；"


def series_for(kind: str) -> str:
    """The office's series (机关代字) for a kind of document: ``settings.DOCUMENT_SERIES``, else the default prefix."""
    return getattr(settings, "DOCUMENT_SERIES", {}).get(kind) or settings.DOCUMENT_NUMBER_PREFIX


def format_document_number(year: int, seq: int, prefix: str | None = None) -> str:
    """GB/T 9704-2012: year in 〔〕, no “第”, no leading zeros — 平人社〔2026〕12号."""
    prefix = settings.DOCUMENT_NUMBER_PREFIX if prefix is None else prefix
    return f"{prefix}〔{int(year)}〕{int(seq)}号"


def parse_document_number(text: str) -> tuple[str, int, int] | None:
    """``平人社〔2026〕12号`` → ("平人社", 2026, 12); None when it is not a document number."""
    match = _NUMBER_RE.match(text or "")
    if not match or int(match["seq"]) < 1:
        return None
    return match["series"], int(match["year"]), int(match["seq"])


def next_free_seq(*, series: str, year: int) -> int:
    """The number after the highest one the portal knows in ``series`` and ``year`` (a suggestion only)."""
    highest = DocumentNumber.objects.filter(series=series, year=year).aggregate(m=Max("seq"))["m"] or 0
    return highest + 1


def suggest_number(*, kind: str, year: int) -> tuple[int, str]:
    series = series_for(kind)
    seq = next_free_seq(series=series, year=year)
    return seq, format_document_number(year, seq, series)


def number_register(*, kind: str, series: str, year: int, seq: int, actor: "User | None") -> DocumentNumber:
    """Record a number the office assigned; refuse it when it is already used in its series and year."""
    if seq < 1:
        raise DocumentRefused([_("A document number is a whole number from 1.")])
    number = format_document_number(year, seq, series)
    taken = DocumentNumber.objects.filter(series=series, year=year, seq=seq).exists()
    if not taken:
        try:
            with transaction.atomic():
                return DocumentNumber.objects.create(
                    series=series, year=year, seq=seq, number=number, kind=kind, entered_by=actor
                )
        except IntegrityError:
            pass  # entered at the same moment by someone else
    raise DocumentRefused(
        [
            _("%(number)s is already used; the next free number is %(next)s.")
            % {"number": number, "next": format_document_number(year, next_free_seq(series=series, year=year), series)}
        ]
    )


def number_register_text(*, kind: str, number: str, actor: "User | None") -> DocumentNumber:
    """Register a number typed in full (a call's 平人社〔2026〕9号); refuse one that does not read as a number."""
    parsed = parse_document_number(number)
    if parsed is None:
        raise DocumentRefused([_("Write the document number as the office assigned it, e.g. 平人社〔2026〕9号.")])
    series, year, seq = parsed
    return number_register(kind=kind, series=series, year=year, seq=seq, actor=actor)


def issue_date_problems(*, issued_on: dt.date, decided_on: dt.date | None) -> list[str]:
    """The issue date lies between the decision the document records and today."""
    problems = []
    if decided_on is not None and issued_on < decided_on:
        problems.append(
            _("The issue date %(issued)s lies before the decision it records (%(decided)s).")
            % {"issued": format_date(issued_on), "decided": format_date(decided_on)}
        )
    if issued_on > timezone.localdate():
        problems.append(_("The issue date %(issued)s lies in the future.") % {"issued": format_date(issued_on)})
    return problems


def document_issue_problems(*, kind: str, seq: int, issued_on: dt.date, decided_on: dt.date | None) -> list[str]:
    """Everything that would refuse issuing now (for a confirmation page before the irreversible step)."""
    problems = issue_date_problems(issued_on=issued_on, decided_on=decided_on)
    series = series_for(kind)
    if DocumentNumber.objects.filter(series=series, year=issued_on.year, seq=seq).exists():
        problems.append(
            _("%(number)s is already used; the next free number is %(next)s.")
            % {
                "number": format_document_number(issued_on.year, seq, series),
                "next": format_document_number(
                    issued_on.year, next_free_seq(series=series, year=issued_on.year), series
                ),
            }
        )
    return problems


def sequence_next(*, series: str, year: int) -> int:
    """Take the next number of an internal series (plaques) in ``year``. Must run inside the caller's transaction.

    Documents do not use it: their numbers come from the office. The counter row is created on first use; a
    concurrent first use is resolved by the unique constraint and a retry, after which both callers lock the row.
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


# --- public verification (扫码验真) -----------------------------------------------------------------------------


def new_verification_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Verification.objects.filter(code=code).exists():
            return code


def verification_create(*, subject: str, number: str, title: str, issuer: str, issued_on: dt.date) -> Verification:
    return Verification.objects.create(
        code=new_verification_code(),
        subject=subject,
        number=number,
        title=title,
        issuer=issuer,
        issued_on=issued_on,
    )


def verification_set_pdf(*, verification: Verification, content: bytes) -> None:
    Verification.objects.filter(pk=verification.pk).update(sha256=hashlib.sha256(content).hexdigest())


def verification_revoke(*, verification: Verification, by_number: str, revoked_on: dt.date) -> None:
    """The item no longer stands: the public page says so and names the document that revoked it."""
    Verification.objects.filter(pk=verification.pk).update(revoked_by=by_number, revoked_on=revoked_on)


def verification_revoke_number(*, number: str, by_number: str, revoked_on: dt.date) -> int:
    """Revoke what was issued under ``number`` (a plaque removed on exit); returns how many records changed."""
    return Verification.objects.filter(number=number, revoked_by="").update(revoked_by=by_number, revoked_on=revoked_on)


def verification_matches(*, verification: Verification, content: bytes) -> bool:
    """Whether an uploaded PDF is byte for byte the one issued."""
    return bool(verification.sha256) and secrets.compare_digest(
        hashlib.sha256(content).hexdigest(), verification.sha256
    )


# --- issuing ------------------------------------------------------------------------------------------------------


def _document(
    *, kind, title, addressees, body, actor: "User", seq, issued_on, decided_on, published
) -> OfficialDocument:
    series = series_for(kind)
    return OfficialDocument(
        number=format_document_number(issued_on.year, seq, series),
        series=series,
        year=issued_on.year,
        seq=seq,
        kind=kind,
        title=title,
        addressees=addressees,
        body=body,
        issuer=settings.ISSUING_AUTHORITY,
        issued_on=issued_on,
        issued_by=actor,
        decided_on=decided_on,
        published=published,
    )


def document_preview(
    *,
    kind: str,
    title: str,
    addressees: str,
    body: dict,
    actor: "User",
    seq: int,
    issued_on: dt.date,
    decided_on: dt.date | None = None,
    published: bool = True,
) -> bytes:
    """The PDF exactly as it would be issued, with its number, marked as a preview; nothing is stored."""
    from portal.documents.rendering import render_official_document

    document = _document(
        kind=kind,
        title=title,
        addressees=addressees,
        body=body,
        actor=actor,
        seq=seq,
        issued_on=issued_on,
        decided_on=decided_on,
        published=published,
    )
    return render_official_document(document, preview=True)


def document_issue(
    *,
    kind: str,
    title: str,
    addressees: str,
    body: dict,
    actor: "User",
    seq: int,
    issued_on: dt.date,
    decided_on: dt.date | None = None,
    published: bool = True,
    render: bool = True,
) -> OfficialDocument:
    """Issue one document under the number ``seq`` the office assigned, in the series of its ``kind``.

    Refused (``DocumentRefused``) when the number is already used in its series and year, or when ``issued_on``
    lies before ``decided_on`` (the decision the document records) or after today. Call it inside the transaction
    that records what the document decides, so that the document exists exactly when the decision does.
    """
    from portal.documents.rendering import render_official_document

    problems = issue_date_problems(issued_on=issued_on, decided_on=decided_on)
    if problems:
        raise DocumentRefused(problems)
    with transaction.atomic():
        document = _document(
            kind=kind,
            title=title,
            addressees=addressees,
            body=body,
            actor=actor,
            seq=seq,
            issued_on=issued_on,
            decided_on=decided_on,
            published=published,
        )
        number_register(kind=kind, series=document.series, year=document.year, seq=seq, actor=actor)
        document.verification = verification_create(
            subject=Verification.Subject.DOCUMENT,
            number=document.number,
            title=title,
            issuer=document.issuer,
            issued_on=issued_on,
        )
        document.save()
        if render:
            content = render_official_document(document)
            document.pdf.save(f"{issued_on.year}-{document.series}-{seq}.pdf", ContentFile(content))
            verification_set_pdf(verification=document.verification, content=content)
    return document
