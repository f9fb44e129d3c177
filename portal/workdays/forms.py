"""The staff form for a year's State Council schedule: two text boxes, one line per holiday or make-up day.

Typed the way the State Council notice reads, e.g. ``2027-02-06 至 2027-02-12 春节`` and ``2027-02-14``, so a whole
year is entered in a minute. Everything typed is kept when a line cannot be read.
"""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formatting import format_date
from portal.workdays.services import HolidayRange, MakeupDay

_DATE = r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?"
_RANGE_SEP = r"\s*(?:至|到|~|～|—|–|\.\.|-|\s)\s*"
_HOLIDAY_LINE = re.compile(rf"^\s*{_DATE}(?:{_RANGE_SEP}{_DATE})?\s*(.*?)\s*$")
_MAKEUP_LINE = re.compile(rf"^\s*{_DATE}\s*(.*?)\s*$")


def _date(y: str, m: str, d: str) -> dt.date:
    return dt.date(int(y), int(m), int(d))


class CalendarYearForm(forms.Form):
    holidays = forms.CharField(
        label=_("Holidays (days off)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 9, "class": "font-monospace"}),
        help_text=_("One holiday per line: first day, last day, name — e.g. “2027-02-06 至 2027-02-12 春节”."),
    )
    makeup_days = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        help_text=_("One weekend day that is worked per line, with an optional note — e.g. “2027-02-20 春节调休”."),
    )

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def _in_year(self, day: dt.date, lineno: int) -> None:
        if day.year != self.year:
            raise forms.ValidationError(
                _("Line %(line)d: %(date)s is not in %(year)s. Enter it under its own year."),
                params={"line": lineno, "date": format_date(day), "year": self.year},
            )

    def clean_holidays(self) -> list[HolidayRange]:
        ranges, errors = [], []
        for lineno, line in enumerate(self.cleaned_data["holidays"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _HOLIDAY_LINE.match(line)
            try:
                if not match:
                    raise ValueError
                first = _date(*match.group(1, 2, 3))
                last = _date(*match.group(4, 5, 6)) if match.group(4) else first
            except ValueError:
                errors.append(
                    forms.ValidationError(
                        _("Line %(line)d: “%(text)s” is not “first day 至 last day name”."),
                        params={"line": lineno, "text": line.strip()},
                    )
                )
                continue
            name = match.group(7).strip()
            if not name:
                errors.append(forms.ValidationError(_("Line %(line)d: name the holiday."), params={"line": lineno}))
                continue
            if last < first:
                errors.append(
                    forms.ValidationError(
                        _("Line %(line)d: the last day is before the first."), params={"line": lineno}
                    )
                )
                continue
            try:
                self._in_year(first, lineno)
                self._in_year(last, lineno)
            except forms.ValidationError as exc:
                errors.append(exc)
                continue
            ranges.append(HolidayRange(first, last, name[:60]))
        if errors:
            raise forms.ValidationError(errors)
        return ranges

    def clean_makeup_days(self) -> list[MakeupDay]:
        days, errors = [], []
        for lineno, line in enumerate(self.cleaned_data["makeup_days"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _MAKEUP_LINE.match(line)
            try:
                if not match:
                    raise ValueError
                day = _date(*match.group(1, 2, 3))
            except ValueError:
                errors.append(
                    forms.ValidationError(
                        _("Line %(line)d: “%(text)s” is not a date."), params={"line": lineno, "text": line.strip()}
                    )
                )
                continue
            try:
                self._in_year(day, lineno)
            except forms.ValidationError as exc:
                errors.append(exc)
                continue
            if day.weekday() < 5:
                errors.append(
                    forms.ValidationError(
                        _("Line %(line)d: %(date)s is a weekday, which is a working day anyway."),
                        params={"line": lineno, "date": format_date(day)},
                    )
                )
                continue
            days.append(MakeupDay(day, match.group(4).strip()[:60]))
        if errors:
            raise forms.ValidationError(errors)
        return days

    def clean(self):
        cleaned = super().clean()
        holidays, makeups = cleaned.get("holidays"), cleaned.get("makeup_days")
        if holidays is None or makeups is None:
            return cleaned
        for makeup in makeups:
            for holiday in holidays:
                if holiday.first <= makeup.date <= holiday.last:
                    self.add_error(
                        "makeup_days",
                        _("%(date)s is both a make-up working day and inside “%(name)s”.")
                        % {"date": format_date(makeup.date), "name": holiday.name},
                    )
        return cleaned


def schedule_as_text(holidays: list[HolidayRange], makeups: list[MakeupDay]) -> dict[str, str]:
    """Initial data of the form for a year already in the table."""
    return {
        "holidays": "\n".join(f"{h.first.isoformat()} 至 {h.last.isoformat()} {h.name}" for h in holidays),
        "makeup_days": "\n".join(f"{m.date.isoformat()} {m.note}".rstrip() for m in makeups),
    }
