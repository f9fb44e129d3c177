"""Art. 6(4): publicity windows counted in official working days (holidays off, make-up days on)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import CommandError, call_command

from portal.workdays.library import sync_from_library
from portal.workdays.models import CalendarDay
from portal.workdays.services import (
    CalendarNotCovered,
    HolidayRange,
    InvalidWindowStart,
    MakeupDay,
    calendar_year_save,
    is_working_day,
    nth_working_day_after,
    publicity_window,
    working_days_left,
)

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def window(published: str, start: str | None = None) -> tuple[str, str]:
    w = publicity_window(D(published), D(start) if start else None)
    return w.first_day.isoformat(), w.last_day.isoformat()


@pytest.mark.parametrize(
    ("published", "first", "last"),
    [
        # Spring Festival 2025 (1-28..2-4 off; Sun 1-26 and Sat 2-8 worked)
        ("2025-01-24", "2025-01-26", "2025-02-07"),
        # Spring Festival 2026 (2-15..2-23 off; Sat 2-14 and Sat 2-28 worked)
        ("2026-02-13", "2026-02-14", "2026-02-27"),
        # Qingming 2025 (4-4..4-6) and 2026 (4-4..4-6)
        ("2025-04-03", "2025-04-07", "2025-04-11"),
        ("2026-04-03", "2026-04-07", "2026-04-13"),
        # Labour Day 2025 (5-1..5-5; Sun 4-27 worked) and 2026 (5-1..5-5; Sat 5-9 worked)
        ("2025-04-25", "2025-04-27", "2025-05-06"),
        ("2026-04-30", "2026-05-06", "2026-05-11"),
        # Dragon Boat 2025 (5-31..6-2) and 2026 (6-19..6-21)
        ("2025-05-29", "2025-05-30", "2025-06-06"),
        ("2026-06-18", "2026-06-22", "2026-06-26"),
        # Friday before the 2025 golden week (10-1..10-8; Sun 9-28 and Sat 10-11 worked)
        ("2025-09-26", "2025-09-28", "2025-10-10"),
        # Mid-Autumn 2026 (9-25..9-27; Sun 9-20 worked) and the 2026 golden week (10-1..10-7; Sat 10-10 worked)
        ("2026-09-18", "2026-09-20", "2026-09-24"),
        ("2026-09-30", "2026-10-08", "2026-10-13"),
        # A Saturday publication: counting starts on Monday (SPEC's example "2026年5月11日至5月15日")
        ("2026-05-09", "2026-05-11", "2026-05-15"),
        ("2026-05-16", "2026-05-18", "2026-05-22"),
    ],
)
def test_publicity_window_around_holidays(published, first, last):
    assert window(published) == (first, last)


def test_window_closes_at_midnight_shanghai_after_the_fifth_working_day():
    w = publicity_window(D("2026-09-30"))
    assert w.closes_at == dt.datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert w.closes_at.utcoffset() == dt.timedelta(hours=8)


def test_publication_late_in_the_evening_counts_by_the_shanghai_date():
    # 2026-05-08 17:30 UTC is already Saturday 01:30 in Pingdingshan.
    published = dt.datetime(2026, 5, 8, 17, 30, tzinfo=dt.UTC)
    assert publicity_window(published).first_day == D("2026-05-11")


def test_friday_publication_before_a_makeup_saturday_starts_on_that_saturday():
    assert window("2026-05-08") == ("2026-05-09", "2026-05-14")


def test_staff_may_pick_a_later_working_day():
    assert window("2026-05-06", start="2026-05-11") == ("2026-05-11", "2026-05-15")


@pytest.mark.parametrize("start", ["2026-05-16", "2026-10-02"])
def test_a_non_working_start_is_refused(start):
    published = "2026-05-06" if start.startswith("2026-05") else "2026-09-29"
    day = dt.date.fromisoformat(start)
    with pytest.raises(InvalidWindowStart, match=f"{day.year}年{day.month}月{day.day}日"):  # dates for people
        publicity_window(D(published), D(start))


def test_a_start_before_the_default_is_refused():
    with pytest.raises(InvalidWindowStart, match="2026年5月7日"):  # dates for people
        publicity_window(D("2026-05-06"), D("2026-05-06"))


def test_working_day_answers():
    assert is_working_day(D("2026-02-14"))  # Saturday, make-up day
    assert not is_working_day(D("2026-02-16"))  # Spring Festival, Monday
    assert not is_working_day(D("2026-03-07"))  # an ordinary Saturday
    assert nth_working_day_after(D("2026-09-30"), 3) == D("2026-10-10")


def test_countdown_in_working_days():
    w = publicity_window(D("2026-09-30"))
    assert working_days_left(w, D("2026-09-30")) == 5
    assert working_days_left(w, D("2026-10-11")) == 2  # Sunday: only Monday and Tuesday remain
    assert working_days_left(w, D("2026-10-14")) == 0


def test_2027_is_not_guessed():
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    with pytest.raises(CalendarNotCovered) as excinfo:
        publicity_window(D("2026-12-28"))
    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)
    with pytest.raises(CalendarNotCovered):
        is_working_day(D("2027-03-01"))


def test_2027_once_staff_entered_it(staff):
    calendar_year_save(
        year=2027,
        holidays=[HolidayRange(D("2027-01-01"), D("2027-01-03"), "元旦")],
        makeup_days=[],
        actor=staff,
    )
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    # Mon 12-28: 29, 30, 31 December, then 1-3 January off, then Monday 4 and Tuesday 5 January.
    assert window("2026-12-28") == ("2026-12-29", "2027-01-05")
    assert window("2026-12-31") == ("2027-01-04", "2027-01-08")


def test_staff_year_makeup_days_and_weekends(staff):
    calendar_year_save(
        year=2027,
        holidays=[HolidayRange(D("2027-02-06"), D("2027-02-12"), "春节")],
        makeup_days=[MakeupDay(D("2027-02-20"), "春节调休")],
        actor=staff,
    )
    assert not is_working_day(D("2027-02-08"))  # Monday in the holiday
    assert is_working_day(D("2027-02-20"))  # Saturday worked
    assert not is_working_day(D("2027-02-27"))  # an ordinary Saturday
    assert is_working_day(D("2027-03-01"))
    row = CalendarDay.objects.get(date=D("2027-02-08"))
    assert (row.note, row.source, row.updated_by) == ("春节", "staff", staff)


def test_library_sync_is_idempotent_and_keeps_staff_rows(staff):
    calendar_year_save(
        year=2026,
        holidays=[HolidayRange(D("2026-10-01"), D("2026-10-09"), "国庆节")],
        makeup_days=[],
        actor=staff,
    )
    before = CalendarDay.objects.count()
    result = sync_from_library(CalendarDay)
    assert (result.created, result.updated) == (0, 0)
    assert result.kept_staff == 365
    assert CalendarDay.objects.count() == before
    assert not is_working_day(D("2026-10-09"))  # staff said so; the library is not allowed to undo it
    sync_from_library(CalendarDay, years=[2026], force=True)
    assert is_working_day(D("2026-10-09"))


def test_calendar_sync_restores_deleted_days():
    CalendarDay.objects.filter(date__year=2025).delete()
    call_command("calendar_sync", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CalendarDay.objects.filter(date__year=2025).count() == 365
    assert window("2025-09-26") == ("2025-09-28", "2025-10-10")


def test_publicity_window_command(capsys):
    call_command("publicity_window", "2026-09-30")
    assert capsys.readouterr().out.strip() == "2026-10-08 2026-10-13"


def test_publicity_window_command_fails_for_an_uncovered_year():
    with pytest.raises(CommandError, match="2027"):
        call_command("publicity_window", "2026-12-25")


def test_publicity_window_command_exits_non_zero(tmp_path):
    """Through manage.py as an operator runs it: a reason on stderr and exit status 1."""
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("runs manage.py against a throwaway SQLite database")
    env = {"PORTAL_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, timeout=300)
    ok = subprocess.run([sys.executable, manage, "publicity_window", "2026-05-09"], env=env, capture_output=True)
    assert (ok.returncode, ok.stdout.decode().strip()) == (0, "2026-05-11 2026-05-15")
    bad = subprocess.run([sys.executable, manage, "publicity_window", "2026-12-25"], env=env, capture_output=True)
    assert bad.returncode == 1
    assert "2027" in bad.stderr.decode()
