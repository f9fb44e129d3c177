"""The PDF of an official document in the layout of GB/T 9704-2012 (SPEC §4 "Confirmation and plaque")."""

import datetime as dt

from portal.pdf import render_pdf

OFFICIAL_TEMPLATE = "documents/official.html"
# GB/T 9704-2012 7.3.5.1: the list of addressees ends with a full-width colon; 7.3.5.4: "附件：" before the issuer.
PUBLISHED_NOTE = "（此件公开发布）"


def official_date(day: dt.date) -> str:
    """Arabic numerals without leading zeros, as GB/T 9704-2012 asks: 2026年5月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def uses_harfbuzz_subset() -> bool:
    """Whether WeasyPrint subsets fonts with libharfbuzz-subset (a fifth of a second per CJK page, not seconds)."""
    from weasyprint.text import ffi

    return bool(ffi.harfbuzz_subset) and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def official_context(document, *, preview: bool = False) -> dict:
    from portal.documents.codes import display_code, verification_qr, verification_url

    body = document.body or {}
    verification = document.verification if document.verification_id else None
    return {
        "document": document,
        "body": body,
        "attachments": body.get("attachments") or [],
        "issued_on_text": official_date(document.issued_on),
        "published_note": PUBLISHED_NOTE if document.published else "",
        "preview": preview,
        "verify_code": display_code(verification.code) if verification else "",
        "verify_url": verification_url(verification.code) if verification else "",
        "verify_qr": verification_qr(verification.code) if verification else None,
    }


def render_official_document(document, *, preview: bool = False) -> bytes:
    """Render an ``OfficialDocument`` (always in Chinese, whatever the user's language)."""
    return render_pdf(OFFICIAL_TEMPLATE, official_context(document, preview=preview), language="zh-hans")
