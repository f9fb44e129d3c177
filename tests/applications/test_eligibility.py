"""Art. 5 checks at their boundaries: 4 vs 5 years, 1+1 vs 1+2 mentors, 4 vs 5 staff, declarations."""

import pytest

from applications.eligibility import JUDGEMENT, MET, NOT_MET
from tests.applications.factories import MentorFactory, make_application


def status(application, code):
    return next(c for c in application.eligibility() if c.code == code)


@pytest.mark.django_db
def test_complete_application_has_no_problems(host_unit):
    app = make_application(host_unit=host_unit)
    assert app.submission_problems() == []
    # Everything is met but the candidate source of Art. 6(2): a non-university without a county recognition.
    assert {c.code for c in app.eligibility() if c.status != MET} == {"source"}


@pytest.mark.django_db
@pytest.mark.parametrize(("years", "expected"), [(4, NOT_MET), (5, MET)])
def test_lead_mentor_years_boundary(host_unit, years, expected):
    lead = MentorFactory(host_unit=host_unit, years_of_service=years, name="张伟")
    app = make_application(host_unit=host_unit, lead=lead)
    check = status(app, "lead_years")
    assert check.status == expected
    blocked = any("张伟" in p and "5" in p for p in app.submission_problems())
    assert blocked == (expected == NOT_MET)


@pytest.mark.django_db
@pytest.mark.parametrize(("further", "expected"), [(1, NOT_MET), (2, MET)])
def test_mentor_count_boundary(host_unit, further, expected):
    app = make_application(host_unit=host_unit, mentors=further)
    assert status(app, "mentors").status == expected
    assert bool(app.submission_problems()) == (expected == NOT_MET)


@pytest.mark.django_db
@pytest.mark.parametrize(("staff", "expected"), [(4, NOT_MET), (5, MET)])
def test_staff_count_boundary(host_unit, staff, expected):
    app = make_application(host_unit=host_unit, staff=staff)
    assert status(app, "staff").status == expected
    problems = app.submission_problems()
    assert bool(problems) == (expected == NOT_MET)
    if expected == NOT_MET:
        assert any("工作人员" in p and "4" in p for p in problems)


@pytest.mark.django_db
def test_missing_declaration_names_the_mentor(host_unit):
    app = make_application(host_unit=host_unit)
    forgetful = MentorFactory(host_unit=host_unit, name="王小二", declares_fit=False)
    app.mentors.add(forgetful)
    check = status(app, "declarations")
    assert check.status == NOT_MET
    assert "王小二" in check.reason
    assert any("王小二" in p for p in app.submission_problems())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"certificates": "创业培训讲师"}, MET),
        ({"certificates": "", "commendations": "市级创业工作先进个人"}, MET),
        ({"certificates": "", "commendations": "", "achievements": "辅导创业项目200个"}, JUDGEMENT),
        ({"certificates": "", "commendations": "", "achievements": ""}, NOT_MET),
    ],
)
def test_lead_mentor_merit_one_of_three(host_unit, fields, expected):
    lead = MentorFactory(host_unit=host_unit, **fields)
    app = make_application(host_unit=host_unit, lead=lead)
    assert status(app, "lead_merit").status == expected
    # Needing the reviewers' judgement does not block submission; having nothing does.
    assert bool(app.submission_problems()) == (expected == NOT_MET)


@pytest.mark.django_db
def test_site_and_statements_are_required(host_unit):
    app = make_application(host_unit=host_unit)
    app.site_provided = False
    app.statement_talent_system = "  "
    app.save()
    assert status(app, "site").status == NOT_MET
    assert status(app, "talent_system").status == NOT_MET
    assert len(app.submission_problems()) == 2


@pytest.mark.django_db
def test_incomplete_report_blocks_with_section_names(host_unit):
    app = make_application(host_unit=host_unit)
    app.report_talent = ""
    app.save()
    (problem,) = app.submission_problems()
    assert "加强创业导师人才队伍建设的政策措施" in problem or "talent" in problem
