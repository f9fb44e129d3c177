"""Writes of the measures' numbers: a new city version (city staff) and a county's stricter rules (its clerk).

Art. 14: the measures are 试行 ("自下发之日起试行"), so the bureau revises them by a document; Art. 12: a county
bureau "可根据本办法，结合本地实际情况，制定具体的实施管理办法及细则". Neither may reach into the past: a version or a
rule takes effect today at the earliest, so no decision already taken changes its basis. Versions are never edited.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.formatting import format_date
from portal.measures.models import CountyRule, MeasuresVersion
from portal.measures.params import BY_KEY, COUNTY_KEYS, MATCHING_GRADES, validate_values
from portal.measures.selectors import grade_rank, measures_in_force, version_in_force
from portal.measures.signals import measures_changed
from portal.models import User
from portal.refusals import Refusal
from portal.roles import OrgKind, Role


class MeasuresRefused(Refusal):
    """A version or county rule that may not be entered; each reason in the user's language."""


def _simultaneous() -> str:
    return _("Another version was entered at the same moment; reload the page and check it before entering yours.")


def _document_problems(effective_on: dt.date, document_number: str, document_title: str, today: dt.date) -> list:
    problems = []
    if effective_on < today:
        problems.append(
            _("The date it takes effect may not be in the past (today is %(today)s): a new rule never reaches back.")
            % {"today": format_date(today)}
        )
    if not document_number.strip():
        problems.append(_("Give the number of the document that changed the rules."))
    if not document_title.strip():
        problems.append(_("Give the title of the document that changed the rules."))
    return problems


def measures_version_create(
    *,
    values: dict,
    effective_on: dt.date,
    document_number: str,
    document_title: str,
    note: str = "",
    actor: User,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> MeasuresVersion:
    """Art. 14: city staff enter a new version (a full copy of the numbers, with their changes) taking effect on
    ``effective_on`` (today or later), with the document that changed them.

    ``dry_run``: every check, nothing stored — the unsaved version, for the page that asks to confirm (an entered
    version cannot be changed or withdrawn)."""
    today = today or timezone.localdate()
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff may enter a version of the measures."))
    problems = _document_problems(effective_on, document_number, document_title, today)
    problems += validate_values(values)
    with transaction.atomic():
        # One writer at a time: the numbering and the “what changed” comparison read the newest version.
        latest = MeasuresVersion.objects.select_for_update().order_by("-number").first()
        if MeasuresVersion.objects.filter(effective_on=effective_on).exists():
            problems.append(
                _("A version already takes effect on %(date)s; choose another day.")
                % {"date": format_date(effective_on)}
            )
        base = version_in_force(effective_on) if latest else None
        if base is not None and not problems and base.values == values:
            problems.append(_("Nothing changed from the version in force on that day."))
        if problems:
            raise MeasuresRefused(problems)
        fields = {
            "number": (latest.number if latest else 0) + 1,
            "effective_on": effective_on,
            "document_number": document_number.strip(),
            "document_title": document_title.strip(),
            "values": dict(values),
            "note": note.strip(),
            "entered_by": actor,
            "entered_at": timezone.now(),
        }
        if dry_run:
            return MeasuresVersion(**fields)
        try:
            with transaction.atomic():  # a second tab entering a version at the same moment takes the same number
                version = MeasuresVersion.objects.create(**fields)
        except IntegrityError as exc:
            raise MeasuresRefused([_simultaneous()]) from exc
        audit_record(
            actor=actor,
            action="measures.version_created",
            obj=version,
            before={"number": base.number, "values": base.values} if base is not None else None,
            after={
                "number": version.number,
                "effective_on": effective_on,
                "document": version.document_number,
                "values": version.values,
            },
        )
        transaction.on_commit(lambda: measures_changed.send(sender=MeasuresVersion, version=version))
    return version


def county_rule_problems(values: dict, city_values: dict) -> list[str]:
    """Art. 12: a county rule may only be stricter than the city's version in force."""
    problems = []
    unknown = set(values) - set(COUNTY_KEYS) - {"matching_min_grade"}
    if unknown:
        problems.append(_("A county may not set: %(keys)s.") % {"keys": "、".join(sorted(unknown))})
    for key in COUNTY_KEYS:
        if key not in values:
            continue
        param, value = BY_KEY[key], values[key]
        if not isinstance(value, int) or isinstance(value, bool) or not param.low <= value <= param.high:
            problems.append(
                _("%(label)s: a whole number between %(low)d and %(high)d.")
                % {"label": param.label, "low": param.low, "high": param.high}
            )
        elif value <= city_values[key]:
            problems.append(
                _(
                    "%(label)s: the county's rule (%(value)d) must be stricter than the city's (%(city)d) — a county "
                    "may add to the measures, not relax them (Art. 12). Leave it empty to follow the city."
                )
                % {"label": param.label, "value": value, "city": city_values[key]}
            )
    grade = values.get("matching_min_grade", "")
    if grade not in MATCHING_GRADES:
        problems.append(_("Choose the minimum grade for the county's matching grant from the list."))
    if not any(k in values for k in COUNTY_KEYS) and not grade_rank(grade):
        problems.append(_("Set at least one stricter rule."))
    bands = {k: values.get(k, city_values[k]) for k in ("pass_min", "good_min", "excellent_min")}
    if not problems and not bands["pass_min"] <= bands["good_min"] <= bands["excellent_min"]:
        problems.append(_("The grade bands must rise: pass ≤ good ≤ excellent."))
    return problems


def county_rule_create(
    *,
    values: dict,
    effective_on: dt.date,
    document_number: str,
    document_title: str,
    note: str = "",
    actor: User,
    today: dt.date | None = None,
    dry_run: bool = False,
) -> CountyRule:
    """Art. 12: a county bureau's clerk enters its county's stricter rules (for its matching grants and its
    evaluations), in force from ``effective_on`` (today or later), with the county's document. ``dry_run``: every
    check, nothing stored (the confirmation page)."""
    today = today or timezone.localdate()
    org = getattr(actor, "organisation", None)
    if not (
        actor.is_authenticated
        and actor.is_active
        and actor.role == Role.RECOMMENDER
        and org is not None
        and org.kind == OrgKind.COUNTY_BUREAU
    ):
        raise PermissionDenied(_("Only a county bureau may enter its county's rules."))
    values = {k: v for k, v in values.items() if v not in (None, "") or k == "matching_min_grade"}
    values.setdefault("matching_min_grade", "")
    problems = _document_problems(effective_on, document_number, document_title, today)
    # Stricter than the city's version in force on the day the rule takes effect; should the city later raise a
    # number above the county's, the stricter of the two still applies (selectors.combine).
    city = measures_in_force(effective_on).values
    problems += county_rule_problems(values, city)
    with transaction.atomic():
        latest = CountyRule.objects.select_for_update().filter(county_id=org.pk).order_by("-number").first()
        if CountyRule.objects.filter(county_id=org.pk, effective_on=effective_on).exists():
            problems.append(
                _("A rule of your county already takes effect on %(date)s; choose another day.")
                % {"date": format_date(effective_on)}
            )
        if problems:
            raise MeasuresRefused(problems)
        fields = {
            "county_id": org.pk,
            "number": (latest.number if latest else 0) + 1,
            "effective_on": effective_on,
            "document_number": document_number.strip(),
            "document_title": document_title.strip(),
            "values": values,
            "note": note.strip(),
            "entered_by": actor,
            "entered_at": timezone.now(),
        }
        if dry_run:
            return CountyRule(**fields)
        try:
            with transaction.atomic():
                rule = CountyRule.objects.create(**fields)
        except IntegrityError as exc:
            raise MeasuresRefused([_simultaneous()]) from exc
        audit_record(
            actor=actor,
            action="measures.county_rule_created",
            obj=rule,
            before={"number": latest.number, "values": latest.values} if latest else None,
            after={
                "number": rule.number,
                "effective_on": effective_on,
                "document": rule.document_number,
                "values": values,
            },
        )
    return rule


__all__ = ["MeasuresRefused", "county_rule_create", "measures_version_create"]
