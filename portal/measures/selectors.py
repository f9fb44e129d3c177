"""Which numbers of the measures apply on a day, for the city or for one county: :func:`measures_in_force`.

Every rule that used to be a code constant reads it, with the day of its decision, and the decision stores the
version (``measures_version``) it used. A day with no version entered (a database flushed by a test, before the data
migration) falls back to the 2024 measures' numbers, unsaved.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from portal.measures.models import CountyRule, MeasuresVersion
from portal.measures.params import BY_KEY, COUNTY_KEYS, DEFAULTS, MATCHING_GRADES, PARAMS

FIRST_DOCUMENT = ("平人社办〔2024〕44号", "平顶山市大众创业指导大师工作室认定管理办法")


def issued_on() -> dt.date:
    return dt.date.fromisoformat(str(settings.MEASURES_ISSUED_ON))


def _fallback() -> MeasuresVersion:
    return MeasuresVersion(
        number=1,
        effective_on=issued_on(),
        document_number=FIRST_DOCUMENT[0],
        document_title=FIRST_DOCUMENT[1],
        values=dict(DEFAULTS),
        entered_at=timezone.now(),
    )


@dataclass(frozen=True)
class Measures:
    """The numbers in force: the city's version, tightened by the county's rule where one applies."""

    version: MeasuresVersion
    county_rule: CountyRule | None = None
    values: dict = field(default_factory=dict)

    def __getattr__(self, key: str):
        values = self.__dict__.get("values", {})
        if key in values:
            return values[key]
        raise AttributeError(key)

    @property
    def version_id(self) -> int | None:
        return self.version.pk

    @property
    def county_rule_id(self) -> int | None:
        return self.county_rule.pk if self.county_rule else None

    @property
    def matching_min_grade(self) -> str:
        return (self.county_rule.values.get("matching_min_grade", "") if self.county_rule else "") or ""

    @property
    def basis(self) -> str:
        """“第2版（平人社〔2027〕3号）”, plus the county's rule when one applied."""
        text = self.version.label
        if self.county_rule:
            text = f"{text}；{self.county_rule.label}"
        return text


def combine(version: MeasuresVersion, rule: CountyRule | None) -> Measures:
    """Art. 12: the stricter of the city's value and the county's, parameter by parameter."""
    values = {**DEFAULTS, **version.values}
    if rule is not None:
        for key in COUNTY_KEYS:
            if key in rule.values and rule.values[key] is not None:
                values[key] = max(values[key], int(rule.values[key]))
    return Measures(version=version, county_rule=rule, values=values)


def version_in_force(on: dt.date | None = None) -> MeasuresVersion:
    on = on or timezone.localdate()
    version = MeasuresVersion.objects.filter(effective_on__lte=on).order_by("-effective_on", "-number").first()
    return version or _fallback()


def county_rule_in_force(county, on: dt.date | None = None) -> CountyRule | None:
    if county is None:
        return None
    county_id = county if isinstance(county, int) else county.pk
    on = on or timezone.localdate()
    return (
        CountyRule.objects.select_related("county")
        .filter(county_id=county_id, effective_on__lte=on)
        .order_by("-effective_on", "-number")
        .first()
    )


def measures_in_force(on: dt.date | None = None, county=None) -> Measures:
    """The numbers that apply to a decision taken on ``on`` (today by default); with ``county`` (an organisation or
    its id), the county bureau's stricter rules in force that day are combined in (Art. 12)."""
    on = on or timezone.localdate()
    return combine(version_in_force(on), county_rule_in_force(county, on))


def measures_of(version: MeasuresVersion | None, rule: CountyRule | None = None, on: dt.date | None = None) -> Measures:
    """The numbers a past decision recorded (``version`` may be None for rows older than the versions: the version
    in force on ``on`` then applies)."""
    return combine(version or version_in_force(on), rule)


class Timeline:
    """Every version, loaded once, for pages that judge many periods (the compliance board): one query."""

    def __init__(self, county=None):
        self.versions = list(MeasuresVersion.objects.order_by("effective_on", "number")) or [_fallback()]
        self.rules = list(
            CountyRule.objects.select_related("county").filter(county=county).order_by("effective_on", "number")
            if county is not None
            else []
        )

    def on(self, day: dt.date) -> Measures:
        version = next((v for v in reversed(self.versions) if v.effective_on <= day), self.versions[0])
        rule = next((r for r in reversed(self.rules) if r.effective_on <= day), None)
        return combine(version, rule)


@dataclass(frozen=True)
class VersionRow:
    version: MeasuresVersion
    changes: list  # [(label, old, new)]
    in_force: bool
    upcoming: bool


def versions_with_changes(today: dt.date | None = None) -> list[VersionRow]:
    """Every version, newest first, with what it changed from the one before it."""
    today = today or timezone.localdate()
    versions = list(MeasuresVersion.objects.select_related("entered_by").order_by("effective_on", "number"))
    current = version_in_force(today)
    rows, previous = [], None
    for version in versions:
        changes: list = []
        if previous is not None:
            for param in PARAMS:
                old, new = previous.values.get(param.key), version.values.get(param.key)
                if old != new:
                    changes.append((param.label, old, new))
        rows.append(VersionRow(version, changes, version.pk == current.pk, version.effective_on > today))
        previous = version
    return list(reversed(rows))


def parameter_rows(measures: Measures, city: Measures | None = None) -> list[dict]:
    """The parameters of ``measures`` for display, with the city's value beside the county's where they differ."""
    rows = []
    for param in PARAMS:
        rows.append(
            {
                "param": param,
                "value": measures.values[param.key],
                "city": city.values[param.key] if city else None,
            }
        )
    return rows


def grade_rank(grade: str) -> int:
    return MATCHING_GRADES.index(grade) if grade in MATCHING_GRADES else 0


__all__ = ["BY_KEY", "Measures", "Timeline", "measures_in_force", "measures_of", "version_in_force"]
