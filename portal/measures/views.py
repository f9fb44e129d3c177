"""Pages of the measures' numbers: the city's versions (city staff enter, supervisors read) and a county's stricter
rules (its clerk enters, city staff read). Thin: authorise, validate, call one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.measures.forms import CountyRuleForm, MeasuresVersionForm
from portal.measures.models import CountyRule, MeasuresVersion
from portal.measures.params import COUNTY_KEYS, MATCHING_GRADE_LABELS, PARAMS
from portal.measures.selectors import (
    combine,
    county_rule_in_force,
    measures_in_force,
    parameter_rows,
    version_in_force,
    versions_with_changes,
)
from portal.measures.services import MeasuresRefused, county_rule_create, measures_version_create
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import OrgKind, Role


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def version_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = measures_in_force(today)
    return render(
        request,
        "measures/versions.html",
        {"rows": versions_with_changes(today), "current": current, "params": parameter_rows(current)},
    )


def _confirming(request: HttpRequest) -> bool:
    """The second step of entering numbers: the page that showed the changes was confirmed (not sent back to edit)."""
    return request.POST.get("confirmed") == "1" and "edit" not in request.POST


def _confirm_page(request: HttpRequest, form, *, entered, rows: list, heading: str, button: str) -> HttpResponse:
    """What will be entered, before it is: an entered version or rule cannot be changed or withdrawn."""
    return render(
        request,
        "measures/confirm.html",
        {"form": form, "entered": entered, "rows": rows, "heading": heading, "button": button},
    )


@role_required(Role.CITY_STAFF)
def version_new(request: HttpRequest) -> HttpResponse:
    current = version_in_force()
    if request.method == "POST":
        form = MeasuresVersionForm(request.POST)
        if form.is_valid() and "edit" not in request.POST:
            confirmed = _confirming(request)
            try:
                version = measures_version_create(
                    values=form.values(),
                    effective_on=form.cleaned_data["effective_on"],
                    document_number=form.cleaned_data["document_number"],
                    document_title=form.cleaned_data["document_title"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    dry_run=not confirmed,
                )
            except MeasuresRefused as exc:
                refusal_to_form(form, exc)
            else:
                if not confirmed:
                    base = version_in_force(version.effective_on)
                    rows = [
                        (p.label, base.values.get(p.key) if base else None, version.values[p.key])
                        for p in PARAMS
                        if base is None or base.values.get(p.key) != version.values[p.key]
                    ]
                    heading = _("Confirm version %(number)d of the measures' numbers") % {"number": version.number}
                    return _confirm_page(
                        request, form, entered=version, rows=rows, heading=heading, button=_("Enter the version")
                    )
                messages.success(request, _("%(version)s is entered.") % {"version": version.label})
                return redirect("measures:version", number=version.number)
    else:
        form = MeasuresVersionForm(initial={**current.values, "effective_on": timezone.localdate()})
    return render(request, "measures/version_form.html", {"form": form, "current": current})


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = get_visible_or_404(MeasuresVersion.objects.select_related("entered_by"), request.user, number=number)
    previous = MeasuresVersion.objects.filter(number__lt=number).order_by("-number").first()
    rows = [
        {
            "param": p,
            "value": version.values.get(p.key),
            "previous": previous.values.get(p.key) if previous else None,
            "changed": previous is not None and previous.values.get(p.key) != version.values.get(p.key),
        }
        for p in PARAMS
    ]
    return render(request, "measures/version_detail.html", {"version": version, "previous": previous, "rows": rows})


def _county_of(user):
    org = user.organisation
    return org if org is not None and org.kind == OrgKind.COUNTY_BUREAU else None


@role_required(Role.RECOMMENDER, Role.CITY_STAFF, Role.SUPERVISOR)
def county_rules(request: HttpRequest) -> HttpResponse:
    rules = CountyRule.objects.visible_to(request.user).select_related("county", "entered_by")
    county = _county_of(request.user) if request.user.role == Role.RECOMMENDER else None
    if request.user.role == Role.RECOMMENDER and county is None:
        raise PermissionDenied(_("This page is for county bureaus."))
    context = {"rules": rules, "county": county, "grade_labels": MATCHING_GRADE_LABELS}
    if county is not None:
        today = timezone.localdate()
        city = measures_in_force(today)
        mine = measures_in_force(today, county)
        context.update(
            {
                "city": city,
                "mine": mine,
                "params": [row for row in parameter_rows(mine, city) if row["param"].key in COUNTY_KEYS],
                "matching_grade": MATCHING_GRADE_LABELS[mine.matching_min_grade],
            }
        )
    return render(request, "measures/county_rules.html", context)


@role_required(Role.RECOMMENDER)
def county_rule_new(request: HttpRequest) -> HttpResponse:
    county = _county_of(request.user)
    if county is None:
        raise PermissionDenied(_("This page is for county bureaus."))
    city = measures_in_force()
    if request.method == "POST":
        form = CountyRuleForm(request.POST, city=city)
        if form.is_valid() and "edit" not in request.POST:
            confirmed = _confirming(request)
            try:
                rule = county_rule_create(
                    values=form.values(),
                    effective_on=form.cleaned_data["effective_on"],
                    document_number=form.cleaned_data["document_number"],
                    document_title=form.cleaned_data["document_title"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    dry_run=not confirmed,
                )
            except MeasuresRefused as exc:
                refusal_to_form(form, exc)
            else:
                if not confirmed:
                    in_force = measures_in_force(rule.effective_on)
                    mine = measures_in_force(rule.effective_on, county)
                    rows = [
                        (p.label, getattr(mine, p.key), rule.values[p.key])
                        for p in PARAMS
                        if p.key in COUNTY_KEYS and p.key in rule.values
                    ]
                    grade = rule.values.get("matching_min_grade", "")
                    if grade:
                        rows.append(
                            (
                                _("Lowest grade of the last evaluation for the county's matching grant"),
                                MATCHING_GRADE_LABELS[mine.matching_min_grade],
                                MATCHING_GRADE_LABELS[grade],
                            )
                        )
                    heading = _("Confirm the rules of %(county)s (city: %(basis)s)") % {
                        "county": county.display_short,
                        "basis": in_force.basis,
                    }
                    return _confirm_page(
                        request, form, entered=rule, rows=rows, heading=heading, button=_("Enter the rules")
                    )
                messages.success(request, _("%(rule)s is entered.") % {"rule": rule.label})
                return redirect("measures:county_rule", pk=rule.pk)
    else:
        current = county_rule_in_force(county)
        initial = dict(current.values) if current else {}
        initial["effective_on"] = timezone.localdate()
        form = CountyRuleForm(initial=initial, city=city)
    return render(request, "measures/county_rule_form.html", {"form": form, "city": city, "county": county})


@role_required(Role.RECOMMENDER, Role.CITY_STAFF, Role.SUPERVISOR)
def county_rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_visible_or_404(CountyRule.objects.select_related("county", "entered_by"), request.user, pk=pk)
    city = measures_in_force(rule.effective_on)
    combined = combine(city.version, rule)
    rows = [row for row in parameter_rows(combined, city) if row["param"].key in COUNTY_KEYS]
    for row in rows:
        row["set"] = row["param"].key in rule.values
    return render(
        request,
        "measures/county_rule_detail.html",
        {
            "rule": rule,
            "city": city,
            "rows": rows,
            "matching_grade": MATCHING_GRADE_LABELS.get(rule.values.get("matching_min_grade", ""), ""),
        },
    )
