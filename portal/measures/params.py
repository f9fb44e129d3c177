"""The numbers of the measures (平人社办〔2024〕44号) that the portal applies, declared once (issue 18 part 6).

Each parameter names the article it comes from, its value in the 2024 measures (version 1), the bounds a member of
staff may type, and — for the few a county bureau may tighten for its own matching grants and evaluations (Art. 12)
— which direction is stricter. A version stores its values as JSON validated against this schema
(:func:`validate_values`), so a version never holds a key the portal does not know or a number out of bounds.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

HIGHER = "higher"  # a larger number is stricter (a minimum)


@dataclass(frozen=True)
class Param:
    key: str
    label: str
    article: str
    default: int
    low: int
    high: int
    # Art. 12: a county rule may set this parameter, only in this direction (None: the city's alone).
    county: str | None = None

    @property
    def article_text(self) -> str:
        return article_text(self.article)


PARAMS: tuple[Param, ...] = (
    Param("min_service_years", _("Years of entrepreneurship-service work of each mentor, at least"), "5(2)", 5, 0, 30),
    Param("min_further_mentors", _("Mentors besides the lead mentor, at least"), "5(3)1", 2, 0, 20),
    Param("min_staff", _("Staff members, at least"), "5(3)1", 5, 0, 50),
    Param("publicity_working_days", _("Publicity window, working days"), "6(4)", 5, 1, 30),
    Param("consultations_per_quarter", _("Consultation exchanges per quarter, at least"), "10.1", 1, 0, 12, HIGHER),
    Param("themed_per_year", _("Themed activities per year, at least"), "10.2", 2, 0, 50, HIGHER),
    Param("trained_per_year", _("Backbone staff trained per year, at least"), "10.3", 2, 0, 50, HIGHER),
    Param("term_years", _("Term of a recognised workstation, years"), "11(1)", 3, 1, 10),
    Param("excellent_min", _("Evaluation: excellent from (score)"), "11(3)", 90, 1, 100, HIGHER),
    Param("good_min", _("Evaluation: good from (score)"), "11(3)", 80, 1, 100, HIGHER),
    Param("pass_min", _("Evaluation: pass from (score)"), "11(3)", 60, 1, 100, HIGHER),
    Param(
        "no_lead_exit_years", _("Natural exit after this many years without a qualified lead mentor"), "11(4)1", 1, 1, 5
    ),
    Param("rectification_days", _("Rectification deadline, days (default)"), "11(4)2", 90, 7, 365),
    Param("reapply_ban_years", _("No new application after a revocation, years"), "11(4)", 3, 0, 10),
)
BY_KEY = {p.key: p for p in PARAMS}
DEFAULTS = {p.key: p.default for p in PARAMS}
COUNTY_KEYS = tuple(p.key for p in PARAMS if p.county)

# Art. 12, county only: the lowest grade of the last evaluation with which a workstation may receive the county's
# matching grant ("" — none required). Ordered from the least to the most demanding.
MATCHING_GRADES = ("", "pass", "good", "excellent")
MATCHING_GRADE_LABELS = {
    "": _("No grade required"),
    "pass": _("Pass or better"),
    "good": _("Good or better"),
    "excellent": _("Excellent"),
}


def article_text(code: str) -> str:
    """“第十一条第（四）项第2目” in Chinese (``portal.citations``), “Art. 11(4)2” otherwise."""
    import re

    from portal.citations import cite
    from portal.formatting import is_chinese

    match = re.fullmatch(r"(\d+)(?:\((\d+)\))?\.?(\d+)?", code)
    if not is_chinese() or match is None:
        return f"Art. {code}"
    article, item, point = (int(g) if g else None for g in match.groups())
    return cite(article, item, point)


def validate_values(values: dict) -> list[str]:
    """Problems with a version's values (empty when it is valid): every key known and present, integers in bounds,
    grade bands in order."""
    from django.utils.translation import gettext

    problems = []
    unknown = set(values) - set(BY_KEY)
    if unknown:
        problems.append(gettext("Unknown parameters: %(keys)s.") % {"keys": "、".join(sorted(unknown))})
    for param in PARAMS:
        value = values.get(param.key)
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(gettext("%(label)s: enter a whole number.") % {"label": param.label})
        elif not param.low <= value <= param.high:
            problems.append(
                gettext("%(label)s: between %(low)d and %(high)d.")
                % {"label": param.label, "low": param.low, "high": param.high}
            )
    if not problems and not values["pass_min"] <= values["good_min"] <= values["excellent_min"]:
        problems.append(gettext("The grade bands must rise: pass ≤ good ≤ excellent."))
    return problems
