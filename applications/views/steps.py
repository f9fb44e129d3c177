"""The guided application: one form per step, each saved into the draft when it is valid."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications import forms


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None
    intro: str = ""


STEPS = [
    Step("unit", _("Host unit"), forms.UnitForm, _("Who applies: the host unit's profile and contact (Art. 3).")),
    Step(
        "team",
        _("Team"),
        forms.TeamForm,
        _("The lead mentor and at least two further mentors (Art. 5(3)1). Add people under “Mentors” first."),
    ),
    Step("staff", _("Staff"), None, _("At least five staff members (Art. 5(3)1).")),
    Step("statements", _("Statements"), forms.StatementsForm, _("The host unit's statements of Art. 5(3)2–4.")),
    Step("report", _("Application report"), forms.ReportForm, _("The five sections of the report of Art. 7(2).")),
    Step("site", _("Site and equipment"), forms.SiteForm, _("The working conditions provided (Art. 5(3)5).")),
    Step(
        "recommender",
        _("Recommender"),
        forms.RecommenderForm,
        _("Where the application goes: the county bureau, or for a university the university (Art. 6(2))."),
    ),
]
STEP_BY_SLUG = {s.slug: s for s in STEPS}


def next_step(slug: str) -> Step | None:
    index = [s.slug for s in STEPS].index(slug)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None
