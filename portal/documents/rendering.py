"""The PDF of an official document in the layout of GB/T 9704-2012 (SPEC §4 "Confirmation and plaque")."""

import datetime as dt

from portal.pdf import render_pdf

OFFICIAL_TEMPLATE = "documents/official.html"


def official_date(day: dt.date) -> str:
    """Arabic numerals without leading zeros, as GB/T 9704-2012 asks: 2026年5月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def uses_harfbuzz_subset() -> bool:
    """Whether WeasyPrint subsets fonts with libharfbuzz-subset (a fifth of a second per CJK page, not seconds)."""
    from weasyprint.text import ffi

    return bool(ffi.harfbuzz_subset) and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def render_official_document(document) -> bytes:
    """Render an ``OfficialDocument`` (always in Chinese, whatever the user's language)."""
    return render_pdf(
        OFFICIAL_TEMPLATE,
        {"document": document, "body": document.body or {}, "issued_on_text": official_date(document.issued_on)},
        language="zh-hans",
    )
