"""Chinese resident ID numbers (GB 11643-1999): region, birth date, sequence and check character."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def birth_date(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def is_valid(value: str) -> bool:
    value = normalise(value)
    return (
        len(value) == 18
        and value[:17].isdigit()
        and value[17] in "0123456789X"
        and birth_date(value) is not None
        and check_character(value[:17]) == value[17]
    )


def validate_id_number(value: str) -> None:
    value = normalise(value)
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a last digit or X."), code="id_format")
    if birth_date(value) is None:
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="id_birth_date")
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character of this ID number does not match (GB 11643 check digit). Please check it."),
            code="id_checksum",
        )


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A checksum-valid number for demo data and tests (fictional people only)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
