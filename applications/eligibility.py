"""The Art. 5 eligibility checklist, computed from the application's data.

Each :class:`Check` is met, not met, or needs the reviewers' judgement, with the reason in the user's language.
A ``hard`` check that is not met blocks submission (``Application.submission_problems``); the others inform.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MIN_YEARS = 5  # Art. 5(2)6–8: five years or more ("5年及以上" includes 5)
MIN_FURTHER_MENTORS = 2  # Art. 5(3)1: at least 1 lead mentor and 2 mentors
MIN_STAFF = 5  # Art. 5(3)1: no fewer than 5 staff ("不少于" includes 5)

MET = "met"
NOT_MET = "not_met"
JUDGEMENT = "judgement"


@dataclass(frozen=True)
class Check:
    code: str
    article: str
    label: str
    status: str
    reason: str
    hard: bool = True
    # What the host unit must do to meet it (shown when it blocks submission).
    fix: str = ""

    @property
    def blocks(self) -> bool:
        return self.hard and self.status == NOT_MET

    @property
    def status_label(self) -> str:
        return {MET: _("Met"), NOT_MET: _("Not met"), JUDGEMENT: _("Needs judgement")}[self.status]


def _check(code, article, label, ok, reason_ok, reason_not, *, hard=True, fix="") -> Check:
    return Check(code, article, label, MET if ok else NOT_MET, reason_ok if ok else reason_not, hard, fix or reason_not)


def team_checks(*, has_lead: bool, further_mentors: int, staff: int) -> list[Check]:
    """Art. 5(3)1: at least one lead mentor, two further mentors and five staff."""
    return [
        _check(
            "lead_mentor",
            "5(3)1",
            _("A lead mentor"),
            has_lead,
            _("The lead mentor is named."),
            _("No lead mentor is chosen."),
            fix=_("Choose the lead mentor in the Team step."),
        ),
        _check(
            "mentors",
            "5(3)1",
            _("At least %(n)d further mentors") % {"n": MIN_FURTHER_MENTORS},
            further_mentors >= MIN_FURTHER_MENTORS,
            _("%(count)d further mentors.") % {"count": further_mentors},
            _("Only %(count)d further mentors; at least %(n)d are required.")
            % {"count": further_mentors, "n": MIN_FURTHER_MENTORS},
            fix=_("Add mentors in the Team step: at least %(n)d besides the lead mentor (now %(count)d).")
            % {"n": MIN_FURTHER_MENTORS, "count": further_mentors},
        ),
        _check(
            "staff",
            "5(3)1",
            _("At least %(n)d staff") % {"n": MIN_STAFF},
            staff >= MIN_STAFF,
            _("%(count)d staff.") % {"count": staff},
            _("Only %(count)d staff; at least %(n)d are required.") % {"count": staff, "n": MIN_STAFF},
            fix=_("Add staff in the Staff step: at least %(n)d (now %(count)d).") % {"n": MIN_STAFF, "count": staff},
        ),
    ]


def lead_mentor_checks(mentor) -> list[Check]:
    """Art. 5(2): five years or more of entrepreneurship service, and a certificate, a commendation or results."""
    years = mentor.years_of_service
    checks = [
        _check(
            "lead_years",
            "5(2)",
            _("Lead mentor: %(n)d years or more of entrepreneurship-service work") % {"n": MIN_YEARS},
            years >= MIN_YEARS,
            _("%(name)s: %(years)d years.") % {"name": mentor.name, "years": years},
            _("%(name)s has %(years)d years; %(n)d or more are required.")
            % {"name": mentor.name, "years": years, "n": MIN_YEARS},
        )
    ]
    label = _("Lead mentor: a qualification certificate, a city-level commendation or outstanding results")
    if mentor.certificates.strip():
        checks.append(Check("lead_merit", "5(2)6", label, MET, _("Certificate: %(c)s") % {"c": mentor.certificates}))
    elif mentor.commendations.strip():
        checks.append(Check("lead_merit", "5(2)7", label, MET, _("Commendation: %(c)s") % {"c": mentor.commendations}))
    elif mentor.achievements.strip():
        checks.append(
            Check(
                "lead_merit",
                "5(2)8",
                label,
                JUDGEMENT,
                _("Only outstanding results are given; the reviewers judge them."),
            )
        )
    else:
        reason = _("%(name)s has no certificate, commendation or written results.") % {"name": mentor.name}
        checks.append(Check("lead_merit", "5(2)", label, NOT_MET, reason, True, reason))
    return checks


def declaration_check(mentors) -> Check:
    """Art. 5(1)1–5: every mentor, lead included, makes all five declarations."""
    missing = [m.name for m in mentors if m.missing_declarations]
    return _check(
        "declarations",
        "5(1)",
        _("Every mentor makes the declarations of Art. 5(1)"),
        bool(mentors) and not missing,
        _("All declarations are made."),
        _("Declarations missing for: %(names)s.") % {"names": "、".join(missing)} if missing else _("No mentors yet."),
        fix=_("Complete the declarations in the mentor records of: %(names)s.") % {"names": "、".join(missing)}
        if missing
        else _("Add the mentors first."),
    )


def evaluate(application) -> list[Check]:
    """The whole checklist for ``application``, in the order of Art. 5."""
    lead = application.lead_mentor
    further = application.team_mentors()
    people = ([lead] if lead else []) + further
    checks = [declaration_check(people)]
    if lead is not None:
        checks.extend(lead_mentor_checks(lead))
    checks.extend(team_checks(has_lead=lead is not None, further_mentors=len(further), staff=application.staff.count()))
    for code, article, field, label in [
        ("policy_publicity", "5(3)2", "statement_policy_publicity", _("Publicises the laws and policies")),
        ("policy_implementation", "5(3)3", "statement_policy_implementation", _("Coordinates preferential policies")),
        ("talent_system", "5(3)4", "statement_talent_system", _("Has a mentor talent system")),
    ]:
        written = bool(getattr(application, field).strip())
        checks.append(
            _check(
                code,
                article,
                label,
                written,
                _("Statement given."),
                _("The statement is missing."),
                fix=_("Write the statement “%(label)s” in the Statements step.") % {"label": label},
            )
        )
    site_ok = application.site_provided and bool(application.site_address.strip() and application.equipment.strip())
    checks.append(
        _check(
            "site",
            "5(3)5",
            _("Provides the site and equipment"),
            site_ok,
            _("Site: %(address)s.") % {"address": application.site_address},
            _("The site address, the equipment and the host unit's confirmation are needed."),
            fix=_("Fill in the site address and equipment and confirm them in the Site step."),
        )
    )
    return checks
