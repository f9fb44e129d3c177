"""The Art. 5 eligibility checklist, computed from the application's data.

Each :class:`Check` is met, not met, or needs the reviewers' judgement, with the reason in the user's language.
A ``hard`` check that is not met blocks submission (``Application.submission_problems``); the others inform.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from applications.terms import CITY_OR_HIGHER, EDITABLE_STATES, LEVELLED_KINDS, MaterialKind, host_type_label
from portal.measures.params import DEFAULTS
from portal.measures.selectors import Measures, measures_in_force, measures_of

# The numbers are the measures' parameters in force (``portal.measures``; version 1 = the 2024 measures):
# min_service_years (Art. 5(2)6–8: "5年及以上" includes 5), min_further_mentors (Art. 5(3)1: at least 1 lead mentor
# and 2 mentors) and min_staff (Art. 5(3)1: "不少于5名" includes 5). These names keep version 1's values for callers
# that only need a default (the staff formset's empty rows).
MIN_YEARS = DEFAULTS["min_service_years"]
MIN_FURTHER_MENTORS = DEFAULTS["min_further_mentors"]
MIN_STAFF = DEFAULTS["min_staff"]

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


def application_measures(application) -> Measures:
    """The numbers an application is checked against: for a submitted version, those recorded when it was submitted
    (a later version of the measures does not rewrite the recommender's and experts' checklist); while the host unit
    edits it, those in force today."""
    live = getattr(application, "live", application)
    if live.measures_version_id and live.workstation.state not in EDITABLE_STATES:
        return measures_of(live.measures_version)
    return measures_in_force()


def team_checks(*, has_lead: bool, further_mentors: int, staff: int, measures: Measures | None = None) -> list[Check]:
    """Art. 5(3)1: at least one lead mentor, two further mentors and five staff (the numbers of ``measures``)."""
    measures = measures or measures_in_force()
    need_mentors, need_staff = measures.min_further_mentors, measures.min_staff
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
            _("At least %(n)d further mentors") % {"n": need_mentors},
            further_mentors >= need_mentors,
            _("%(count)d further mentors.") % {"count": further_mentors},
            _("Only %(count)d further mentors; at least %(n)d are required.")
            % {"count": further_mentors, "n": need_mentors},
            fix=_("Add mentors in the Team step: at least %(n)d besides the lead mentor (now %(count)d).")
            % {"n": need_mentors, "count": further_mentors},
        ),
        _check(
            "staff",
            "5(3)1",
            _("At least %(n)d staff") % {"n": need_staff},
            staff >= need_staff,
            _("%(count)d staff.") % {"count": staff},
            _("Only %(count)d staff; at least %(n)d are required.") % {"count": staff, "n": need_staff},
            fix=_("Add staff in the Staff step: at least %(n)d (now %(count)d).") % {"n": need_staff, "count": staff},
        ),
    ]


def _evidence(application, mentor) -> tuple[int, int, int]:
    """(certificate scans, commendation scans, of which city level or above) uploaded for ``mentor``."""
    items = [m for m in application.material_items() if m.mentor_id == mentor.pk]
    certificates = sum(1 for m in items if m.kind == MaterialKind.CERTIFICATE)
    commendations = [m for m in items if m.kind in LEVELLED_KINDS]
    city_plus = sum(1 for m in commendations if m.level in CITY_OR_HIGHER)
    return certificates, len(commendations), city_plus


def mentor_checks(application, mentor, *, is_lead: bool, measures: Measures | None = None) -> list[Check]:
    """Art. 5(2), for every mentor: five years or more of entrepreneurship service, and a certificate, a city-level
    commendation or outstanding results. A claim counts as met only with its scan; claimed but not evidenced, or
    results only, needs the reviewers' judgement."""
    who = _("Lead mentor") if is_lead else _("Mentor")
    years = mentor.years_of_service
    need_years = (measures or measures_in_force()).min_service_years
    checks = [
        _check(
            "years" if not is_lead else "lead_years",
            "5(2)",
            _("%(who)s %(name)s: %(n)d years or more of entrepreneurship-service work")
            % {"who": who, "name": mentor.name, "n": need_years},
            years >= need_years,
            _("%(name)s: %(years)d years.") % {"name": mentor.name, "years": years},
            _("%(name)s has %(years)d years; %(n)d or more are required.")
            % {"name": mentor.name, "years": years, "n": need_years},
        )
    ]
    code = "lead_merit" if is_lead else "merit"
    label = _("%(who)s %(name)s: a qualification certificate, a city-level commendation or outstanding results") % {
        "who": who,
        "name": mentor.name,
    }
    certs, comms, city_plus = _evidence(application, mentor)
    cert_claims, comm_claims = mentor.certificate_claims, mentor.commendation_claims
    if cert_claims and certs >= len(cert_claims):
        checks.append(
            Check(code, "5(2)6", label, MET, _("Certificate with its scan: %(c)s") % {"c": "、".join(cert_claims)})
        )
    elif comm_claims and city_plus and comms >= len(comm_claims):
        checks.append(
            Check(
                code,
                "5(2)7",
                label,
                MET,
                _("City-level or higher commendation with its scan: %(c)s") % {"c": "、".join(comm_claims)},
            )
        )
    elif cert_claims or comm_claims:
        if comm_claims and comms >= len(comm_claims) and not city_plus:
            reason = _("The commendations claimed are below city level (Art. 5(2)7 asks for 市级及以上).")
        else:
            reason = _("A certificate or commendation is claimed but its scan is missing.")
        checks.append(Check(code, "5(2)", label, JUDGEMENT, reason))
    elif mentor.achievements.strip():
        checks.append(
            Check(code, "5(2)8", label, JUDGEMENT, _("Only outstanding results are given; the reviewers judge them."))
        )
    else:
        reason = _("%(name)s has no certificate, commendation or written results.") % {"name": mentor.name}
        checks.append(Check(code, "5(2)", label, NOT_MET, reason, True, reason))
    return checks


def missing_materials(application) -> list[str]:
    """Art. 7(2)–(3): for every mentor an ID-card copy and a scan per certificate and commendation claimed (with its
    level), the signed application report, and the recognition document where a county recognition is recorded."""
    items = application.material_items()
    missing = []
    for person in application.people:
        mine = [m for m in items if m.mentor_id == person.pk]
        if not any(m.kind == MaterialKind.ID_CARD for m in mine):
            missing.append(_("Materials: the ID-card copy of %(name)s.") % {"name": person.name})
        certs = sum(1 for m in mine if m.kind == MaterialKind.CERTIFICATE)
        if certs < len(person.certificate_claims):
            missing.append(
                _("Materials: %(name)s claims %(n)d certificate(s) (%(what)s) but %(k)d scan(s) are uploaded.")
                % {
                    "name": person.name,
                    "n": len(person.certificate_claims),
                    "what": "、".join(person.certificate_claims),
                    "k": certs,
                }
            )
        comms = [m for m in mine if m.kind in LEVELLED_KINDS]
        if len(comms) < len(person.commendation_claims):
            missing.append(
                _("Materials: %(name)s claims %(n)d commendation(s) (%(what)s) but %(k)d scan(s) are uploaded.")
                % {
                    "name": person.name,
                    "n": len(person.commendation_claims),
                    "what": "、".join(person.commendation_claims),
                    "k": len(comms),
                }
            )
        if any(not m.level for m in comms):
            missing.append(_("Materials: give the level of each award or honour of %(name)s.") % {"name": person.name})
    if not any(m.kind == MaterialKind.REPORT for m in items):
        missing.append(_("Materials: the signed and sealed application report (Art. 7(2))."))
    if application.county_recognition_number and not any(m.kind == MaterialKind.COUNTY_RECOGNITION for m in items):
        missing.append(_("Materials: the scan of the county-level recognition document."))
    return missing


def host_type_check(application) -> Check:
    """Art. 3: workstations are recognised in 创业服务机构、高等院校、人力资源服务机构."""

    code = application.host_type
    label = _("Host unit is of a kind named in Art. 3")
    if not code:
        reason = _("The type of the host unit is not given.")
        return Check("host_type", "3", label, NOT_MET, reason, True, _("Choose the type of the host unit."))
    if code == "other":
        return Check(
            "host_type",
            "3",
            label,
            JUDGEMENT,
            _("None of the three kinds of Art. 3 (entrepreneurship service, higher education, HR service)."),
            False,
        )
    return Check("host_type", "3", label, MET, host_type_label(code))


def source_check(application) -> Check:
    """Art. 6(2): the county bureau selects from universities and county-level workstations."""
    label = _("Candidate source of Art. 6(2): a university or a county-level workstation")
    if application.host_type == "university":
        return Check("source", "6(2)", label, MET, _("A higher-education institution."), False)
    if application.county_recognition_number and application.county_recognition_date:
        return Check(
            "source",
            "6(2)",
            label,
            MET,
            _("County-level workstation: %(county)s, %(number)s, %(date)s.")
            % {
                "county": application.county_recognition_county or "—",
                "number": application.county_recognition_number,
                "date": application.county_recognition_date,
            },
            False,
        )
    return Check(
        "source",
        "6(2)",
        label,
        JUDGEMENT,
        _("Not a university, and no county-level recognition is recorded: the recommender and the city judge."),
        False,
    )


def mentor_overlaps(application) -> list[tuple[str, str]]:
    """(mentor, other workstation) where a mentor of this application is also named in another one of the call."""
    ids = {p.pk: p.name for p in application.people}
    if not ids:
        return []
    others = (
        application.call.applications.filter(mentors__in=list(ids))
        .exclude(pk=application.pk)
        .exclude(workstation__state__in=["not_recommended", "ineligible"])
        .values_list("mentors", "workstation__lead_mentor_name")
        .distinct()
    )
    from workstations.rules.naming import workstation_name

    return sorted({(ids[m], workstation_name(lead)) for m, lead in others if m in ids})


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
    """The whole checklist for ``application`` (live or a submitted version), in the order of Art. 3, 5 and 6(2)."""
    lead = application.lead_mentor
    further = application.team_mentors()
    people = ([lead] if lead else []) + further
    measures = application_measures(application)
    checks = [host_type_check(application), source_check(application), declaration_check(people)]
    for person in people:
        checks.extend(mentor_checks(application, person, is_lead=person is lead, measures=measures))
    overlaps = application.mentor_overlaps()
    if overlaps:
        checks.append(
            Check(
                "overlap",
                "5(3)1",
                _("Each mentor in one workstation of the call"),
                JUDGEMENT,
                "；".join(_("%(m)s is also named in %(ws)s") % {"m": m, "ws": ws} for m, ws in overlaps),
                False,
            )
        )
    checks.extend(
        team_checks(
            has_lead=lead is not None, further_mentors=len(further), staff=application.staff_count, measures=measures
        )
    )
    missing = missing_materials(application)
    # Listed in the checklist for every reader; submission is refused through ``completeness_problems`` (not twice).
    checks.append(
        Check(
            "materials",
            "7",
            _("The materials required by Art. 7"),
            NOT_MET if missing else MET,
            " ".join(missing) if missing else _("Every required material is attached."),
            False,
        )
    )
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
