"""How dates, money and ID numbers are shown to Chinese users (and in English)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation

CENT = Decimal("0.01")


def is_chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def format_date(value: date | datetime | None) -> str:
    """2026年5月11日 in Chinese (no leading zeros, as in official documents), 11 May 2026 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {value.strftime('%B')} {value.year}"


def format_yuan(amount: Decimal | int | None) -> str:
    """12,345.00元 — two decimals, thousands separators, never a float."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{amount:,.2f}"
    return f"{text}元" if is_chinese() else f"¥{text}"


def mask_id_number(value: str) -> str:
    """410402********1234: region code and last four kept (SPEC §4)."""
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str) -> str:
    """138****1234 for mobile numbers; other numbers keep their last four."""
    value = (value or "").strip()
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return f"{'*' * (len(value) - 4)}{value[-4:]}"
