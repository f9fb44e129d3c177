"""The applications app's vocabulary, below its models: the states, the parts of the form (Art. 5(3), 7(2)), the
declarations (Art. 5(1)) and the kinds and levels of materials (Art. 5(2)7, 7(3)).

The models, ``declared`` and ``eligibility`` all read these; keeping them here (no model imported) lets the
``Application`` model call the checklist without the checklist importing the models back (issue 20).
"""

import re

from django.db import models
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation
from workstations.models import State

# States in which the host unit may still change what it filled in (closing the call locks them too).
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# A recommended candidate uses one quota place whatever happens to it later.
QUOTA_STATES = frozenset(
    {
        State.RECOMMENDED,
        State.QUALIFIED,
        State.INELIGIBLE,
        State.UNDER_REVIEW,
        State.REVIEW_PASSED,
        State.REVIEW_FAILED,
        State.IN_PUBLICITY,
        State.PUBLICITY_CLEARED,
        State.NOT_RECOGNISED,
        State.CERTIFIED,
        State.ACTIVE,
        State.RECTIFYING,
        State.DEREGISTERED,
        State.REVOKED,
    }
)

# Art. 7(2): the five sections of the application report, in the order of the measures.
REPORT_SECTIONS = [
    ("report_profile", _("Mentor profiles and main achievements of recent years")),
    ("report_necessity", _("Necessity of the workstation and existing strengths")),
    ("report_management", _("Management system and plan targets")),
    ("report_site", _("Site, equipment and other working conditions provided")),
    ("report_talent", _("Policies and measures for building the mentor talent team")),
]
# Art. 5(3)2–4: the statements of the host unit.
STATEMENTS = [
    ("statement_policy_publicity", _("How the unit publicises and implements the laws, regulations and policies")),
    ("statement_policy_implementation", _("How the unit coordinates the preferential policies for entrepreneurship")),
    ("statement_talent_system", _("The unit's system to train, evaluate, select, use and motivate mentors")),
]

# Art. 5(1)1–5, one declaration each; the mentor (through the host unit) declares them.
DECLARATIONS = [
    ("declares_constitution", _("Supports the Constitution, the leadership of the Party and the socialist system")),
    ("declares_conduct", _("Has good political quality and moral conduct")),
    (
        "declares_lawful",
        _(
            "Abides by the law: no criminal punishment, not expelled from the Party, not on the dishonesty blacklist, "
            "no record of cheating in civil-service or public-institution examinations"
        ),
    ),
    ("declares_voluntary", _("Joins the workstation voluntarily and loves the work")),
    ("declares_fit", _("Is physically and mentally fit to perform the duties")),
]
DECLARATION_FIELDS = [name for name, _label in DECLARATIONS]
# One claim per line (or per "；"): each certificate or commendation claimed needs its own scan (Art. 7(3)).
_CLAIM_SPLIT = re.compile(r"[\r\n；;]+")


def claims(text: str) -> list[str]:
    return [part.strip() for part in _CLAIM_SPLIT.split(text or "") if part.strip()]


class MaterialKind(models.TextChoices):
    ID_CARD = "id_card", _("ID card")
    CERTIFICATE = "certificate", _("Qualification certificate")
    AWARD = "award", _("Award certificate")
    HONOUR = "honour", _("Honour certificate")
    REPORT = "application_report", _("Application report (signed and sealed)")
    COUNTY_RECOGNITION = "county_recognition", _("County-level recognition document")
    OTHER = "other", _("Other supporting material")


class MaterialLevel(models.TextChoices):
    # Art. 5(2)7 asks for 市级及以上: the level decides whether a commendation counts.
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County or lower")
    NONE = "", _("—")


# Kinds that need a level (the commendations of Art. 5(2)7).
LEVELLED_KINDS = frozenset({MaterialKind.AWARD, MaterialKind.HONOUR})
CITY_OR_HIGHER = frozenset({MaterialLevel.NATIONAL, MaterialLevel.PROVINCIAL, MaterialLevel.CITY})


def host_type_label(code: str) -> str:
    if code in Organisation.HostType.values:
        return str(Organisation.HostType(code).label)
    return _gettext("Not given")
