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


@role_required(Role.CITY_STAFF)
def version_new(request: HttpRequest) -> HttpResponse:
    current = version_in_force()
    if request.method == "POST":
        form = MeasuresVersionForm(request.POST)
        if form.is_valid():
            try:
                version = measures_version_create(
                    values=form.values(),
                    effective_on=form.cleaned_data["effective_on"],
                    document_number=form.cleaned_data["document_number"],
                    document_title=form.cleaned_data["document_title"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except MeasuresRefused as exc:
                refusal_to_form(form, exc)
            else:
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
        if form.is_valid():
            try:
                rule = county_rule_create(
                    values=form.values(),
                    effective_on=form.cleaned_data["effective_on"],
                    document_number=form.cleaned_data["document_number"],
                    document_title=form.cleaned_data["document_title"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except MeasuresRefused as exc:
                refusal_to_form(form, exc)
            else:
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
