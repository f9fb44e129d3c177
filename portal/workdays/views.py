"""Staff pages of the working-day calendar: which years are covered, and the form for one year."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import role_required
from portal.roles import Role
from portal.workdays.forms import CalendarYearForm, schedule_as_text
from portal.workdays.services import calendar_year_save, year_coverage, year_schedule

MIN_YEAR, MAX_YEAR = 2004, 2100


@role_required(Role.CITY_STAFF)
def calendar_years(request: HttpRequest) -> HttpResponse:
    coverage = year_coverage()
    this_year = timezone.localdate().year
    years = sorted(set(coverage) | {this_year, this_year + 1})
    rows = [
        {
            "year": y,
            "days": coverage.get(y, {}).get("days", 0),
            "staff": coverage.get(y, {}).get("staff", 0),
            "complete": coverage.get(y, {}).get("days", 0) >= (366 if _leap(y) else 365),
        }
        for y in reversed(years)
    ]
    return render(request, "workdays/years.html", {"rows": rows, "next_year": max(years) + 1})


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@role_required(Role.CITY_STAFF)
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    holidays, makeups = year_schedule(year)
    covered = bool(year_coverage().get(year))
    if request.method == "POST":
        form = CalendarYearForm(request.POST, year=year)
        if form.is_valid():
            calendar_year_save(
                year=year,
                holidays=form.cleaned_data["holidays"],
                makeup_days=form.cleaned_data["makeup_days"],
                actor=request.user,
            )
            messages.success(request, _("The calendar of %(year)s is saved.") % {"year": year})
            return redirect("workdays:year", year=year)
    else:
        form = CalendarYearForm(initial=schedule_as_text(holidays, makeups), year=year)
    return render(
        request,
        "workdays/year.html",
        {"form": form, "year": year, "covered": covered, "holidays": holidays, "makeups": makeups},
    )
