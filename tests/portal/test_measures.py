"""Issue 18 part 6: the measures' numbers as data. Version 1 is the 2024 measures; a later version applies only to
decisions taken on or after its effective date and never rewrites a past one; nobody backdates a version; a county's
rules can only be stricter (Art. 12) and stay the county's own; each decision records the version it used."""

import datetime as dt
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from portal.audit import AuditEvent
from portal.measures.models import CountyRule, MeasuresVersion
from portal.measures.params import DEFAULTS
from portal.measures.selectors import Timeline, measures_in_force
from portal.measures.services import MeasuresRefused, county_rule_create, measures_version_create
from review.publicity.services import publicity_publish
from subsidies.models import Kind
from subsidies.services.ledger import LedgerRefused, entry_record
from tests.applications.factories import CallFactory, make_application
from tests.factories import WorkstationFactory
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models import State
from workstations.models.evaluations import Evaluation, EvaluationKind, EvaluationResult, Grade
from workstations.models.outcomes import ActivityKind
from workstations.rules import compliance
from workstations.selectors.outcomes import workstation_compliance
from workstations.services.county import county_opinion_record
from workstations.services.evaluations import evaluation_open
from workstations.services.lifecycle import TransitionRefused
from workstations.services.rectifications import rectification_start
from workstations.services.terms import term_open_first

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


@contextmanager
def on(day: date):
    """Move the clock to noon (Asia/Shanghai) of ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def new_version(staff, *, effective_on, entered_on=None, **changes):
    values = {**measures_in_force(effective_on).values, **changes}
    return measures_version_create(
        values=values,
        effective_on=effective_on,
        document_number=f"平人社〔{effective_on.year}〕{effective_on.month}号",
        document_title="关于调整大众创业指导大师工作室认定管理有关参数的通知",
        actor=staff,
        today=entered_on or effective_on,
    )


def test_version_one_is_the_2024_measures_and_applies_today(settings):
    version = MeasuresVersion.objects.get(number=1)
    assert version.document_number == "平人社办〔2024〕44号"
    assert version.effective_on == date.fromisoformat(settings.MEASURES_ISSUED_ON)
    assert version.values == DEFAULTS
    assert measures_in_force().version == version
    assert measures_in_force().min_staff == 5 and measures_in_force().publicity_working_days == 5


# --- a change applies only to decisions after its effective date ---------------------------------------------------


def test_a_higher_staff_minimum_applies_to_submissions_after_it_and_not_to_one_already_submitted(
    host_unit, host_user, staff
):
    call = CallFactory(opens_on=date(2026, 1, 1), closes_on=date(2027, 12, 31))
    before = make_application(host_unit=host_unit, call=call)
    with on(date(2026, 12, 10)):
        application_services.application_submit(application=before, actor=host_user)
    new_version(staff, effective_on=date(2027, 1, 1), entered_on=date(2026, 12, 15), min_staff=6)
    after = make_application(host_unit=host_unit, call=call)
    with on(date(2027, 1, 5)):
        # Five staff were enough in 2026: the submitted application keeps its basis and its checklist.
        before.refresh_from_db()
        assert before.measures_version.number == 1
        declared = before.shown
        assert not [c for c in declared.eligibility() if c.blocks]
        assert "平人社办〔2024〕44号" in declared.measures_basis()
        # Submitted after the new version took effect, the same team is one short.
        problems = after.submission_problems()
        assert any("6" in p for p in problems), problems
        with pytest.raises(TransitionRefused):
            application_services.application_submit(application=after, actor=host_user)


def test_a_higher_activity_target_applies_from_the_first_period_starting_after_it(staff):
    ws = OperatingWorkstationFactory(certified_on=date(2024, 1, 1))
    for held_on in (date(2025, 3, 1), date(2025, 6, 1), date(2026, 3, 1), date(2026, 6, 1)):
        accepted(ws, ActivityKind.THEMED, held_on)
    new_version(staff, effective_on=date(2026, 1, 1), entered_on=date(2025, 12, 1), themed_per_year=3)
    years = dict(workstation_compliance(ws, today=date(2026, 12, 31)))
    themed_2025 = next(c for c in years[2025] if c.requirement == "themed")
    themed_2026 = next(c for c in years[2026] if c.requirement == "themed")
    assert (themed_2025.need, themed_2025.status) == (2, "met")  # judged by version 1
    assert (themed_2026.need, themed_2026.status) == (3, "not_yet")  # judged by version 2


def test_the_compliance_board_states_the_numbers_of_the_version_its_year_starts_with(client, staff):
    new_version(
        staff, effective_on=date(2026, 1, 1), entered_on=date(2025, 12, 1), themed_per_year=3, trained_per_year=4
    )
    client.force_login(staff)

    def rule(year: int) -> str:
        page = client.get(reverse("workstations:board"), {"year": year}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        return page.content.decode().split('data-testid="board-rule">')[1].split("</p>")[0]

    assert "第2版" in rule(2026) and "每年至少3次主题活动、培养4名骨干" in rule(2026)
    assert "第1版" in rule(2025) and "每年至少2次主题活动、培养2名骨干" in rule(2025)
    assert client.get(reverse("workstations:board"), {"year": 0}).status_code == 200  # a year no date holds


def test_a_rectification_ordered_before_a_change_keeps_its_deadline_and_basis(client, staff):
    first = OperatingWorkstationFactory()
    second = OperatingWorkstationFactory()
    before = rectification_start(workstation=first, actor=staff, reason="整改", today=date(2026, 12, 1))
    version = new_version(staff, effective_on=date(2027, 1, 1), entered_on=date(2026, 12, 2), rectification_days=60)
    after = rectification_start(workstation=second, actor=staff, reason="整改", today=date(2027, 1, 4))
    before.refresh_from_db()
    assert before.deadline == date(2026, 12, 1) + timedelta(days=90)
    assert after.deadline == date(2027, 1, 4) + timedelta(days=60)
    assert (before.measures_version.number, after.measures_version) == (1, version)
    client.force_login(staff)
    page = client.get(reverse("workstations:rectification", args=[before.pk])).content.decode()
    assert "依据：第1版（平人社办〔2024〕44号）" in page
    page = client.get(reverse("workstations:rectification", args=[after.pk])).content.decode()
    assert f"依据：第2版（{version.document_number}）" in page


# --- entering versions ----------------------------------------------------------------------------------------------


def test_staff_enter_a_version_through_the_page_and_the_list_shows_what_changed(client, staff):
    client.force_login(staff)
    form = client.get(reverse("measures:version_new")).content.decode()
    assert 'value="90"' in form  # a copy of the version in force
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {**DEFAULTS, "themed_per_year": 4, "effective_on": tomorrow.isoformat()}
    data.update(document_number="平人社〔2027〕5号", document_title="关于调整主题活动次数的通知", note="试行调整")
    confirm = client.post(reverse("measures:version_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = confirm.content.decode()  # first what will be entered: an entered version cannot be withdrawn
    assert confirm.status_code == 200 and "确认录入办法参数第2版" in page and "不能修改或撤回" in page
    changes = page.split('data-testid="confirm-changes"', 1)[1].split("</table>", 1)[0]
    assert "<td>2</td><td><strong>4</strong></td>" in changes.replace("\n", "") and changes.count("<tr>") == 2
    assert not MeasuresVersion.objects.filter(number=2).exists()
    response = client.post(reverse("measures:version_new"), {**data, "confirmed": "1"})
    version = MeasuresVersion.objects.get(number=2)
    assert response.status_code == 302 and version.entered_by == staff and version.values["themed_per_year"] == 4
    assert AuditEvent.objects.filter(action="measures.version_created", object_id=str(version.pk)).exists()
    listing = client.get(reverse("measures:versions")).content.decode()
    assert "平人社〔2027〕5号" in listing and "2 → <strong>4</strong>" in listing
    assert measures_in_force().themed_per_year == 2  # not yet in force
    assert measures_in_force(tomorrow).themed_per_year == 4


def test_a_backdated_version_is_refused_and_what_was_typed_is_kept(client, staff):
    client.force_login(staff)
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {**DEFAULTS, "min_staff": 7, "effective_on": yesterday.isoformat()}
    data.update(document_number="平人社〔2027〕6号", document_title="倒签")
    page = client.post(reverse("measures:version_new"), data).content.decode()
    assert "may not be in the past" in page or "不得早于今天" in page
    assert 'value="平人社〔2027〕6号"' in page and 'value="7"' in page
    assert not MeasuresVersion.objects.filter(number=2).exists()
    with pytest.raises(MeasuresRefused):
        new_version(staff, effective_on=yesterday, entered_on=timezone.localdate(), min_staff=7)


def test_a_version_needs_its_document(staff):
    with pytest.raises(MeasuresRefused) as exc:
        measures_version_create(
            values={**DEFAULTS, "min_staff": 6},
            effective_on=timezone.localdate(),
            document_number=" ",
            document_title="",
            actor=staff,
        )
    assert len(exc.value.problems) == 2


def test_only_city_staff_enter_versions(client, host_user, clerk, supervisor):
    for user in (host_user, clerk, supervisor):
        client.force_login(user)
        data = {**DEFAULTS, "effective_on": timezone.localdate().isoformat(), "document_number": "x"}
        assert client.post(reverse("measures:version_new"), {**data, "document_title": "x"}).status_code == 403
        with pytest.raises(PermissionDenied):
            new_version(user, effective_on=timezone.localdate(), min_staff=6)
    assert MeasuresVersion.objects.count() == 1
    client.force_login(supervisor)
    assert client.get(reverse("measures:versions")).status_code == 200  # supervisors read


def test_back_to_edit_keeps_what_was_typed_and_enters_nothing(client, staff):
    client.force_login(staff)
    data = {**DEFAULTS, "min_staff": 7, "effective_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    data.update(document_number="平人社〔2027〕7号", document_title="关于调整工作人员人数的通知")
    page = client.post(reverse("measures:version_new"), {**data, "confirmed": "1", "edit": "1"}).content.decode()
    assert 'value="平人社〔2027〕7号"' in page and 'value="7"' in page and 'name="confirmed"' not in page
    assert not MeasuresVersion.objects.filter(number=2).exists()


def test_a_county_rule_is_confirmed_before_it_is_entered(client, clerk):
    client.force_login(clerk)
    data = {"themed_per_year": 3, "effective_on": timezone.localdate().isoformat(), "matching_min_grade": ""}
    data.update(document_number="新人社〔2026〕9号", document_title="细则")
    page = client.post(reverse("measures:county_rule_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "确认录入" in page and "<td>2</td><td><strong>3</strong></td>" in page.replace("\n", "")
    assert not CountyRule.objects.exists()
    response = client.post(reverse("measures:county_rule_new"), {**data, "confirmed": "1"})
    rule = CountyRule.objects.get()
    assert response.status_code == 302 and rule.values["themed_per_year"] == 3


# --- county rules (Art. 12) ----------------------------------------------------------------------------------------


def county_rule(clerk, **values):
    return county_rule_create(
        values=values,
        effective_on=timezone.localdate(),
        document_number="新人社〔2026〕8号",
        document_title="新华区大众创业指导大师工作室配套补助实施细则",
        actor=clerk,
    )


def test_a_county_rule_looser_or_equal_to_the_citys_is_refused(client, clerk):
    for themed in (1, 2):
        with pytest.raises(MeasuresRefused) as exc:
            county_rule(clerk, themed_per_year=themed)
        assert "Art. 12" in str(exc.value) or "第十二条" in str(exc.value)
    client.force_login(clerk)
    data = {"themed_per_year": 1, "effective_on": timezone.localdate().isoformat()}
    data.update(document_number="新人社〔2026〕8号", document_title="细则", matching_min_grade="")
    page = client.post(reverse("measures:county_rule_new"), data).content.decode()
    assert "新人社〔2026〕8号" in page and not CountyRule.objects.exists()


def test_another_countys_clerk_cannot_see_the_rule_and_others_cannot_enter_one(
    client, clerk, other_clerk, host_user, staff
):
    rule = county_rule(clerk, themed_per_year=3)
    client.force_login(other_clerk)
    assert client.get(reverse("measures:county_rule", args=[rule.pk])).status_code == 404
    assert "新人社〔2026〕8号" not in client.get(reverse("measures:county_rules")).content.decode()
    for user in (host_user, staff):
        with pytest.raises(PermissionDenied):
            county_rule(user, themed_per_year=4)
        client.force_login(user)
        assert client.get(reverse("measures:county_rule_new")).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("measures:county_rule", args=[rule.pk])).status_code == 200  # the city reads it


def test_the_county_rule_tightens_the_countys_own_decisions_only(client, county, clerk, other_clerk, host_unit, staff):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=county)
    evaluation = Evaluation.objects.create(
        year=2025, title="2025年度评价", rubric=[], status="closed", opened_by=staff, opened_at=timezone.now()
    )
    EvaluationResult.objects.create(evaluation=evaluation, workstation=ws, total=Decimal(70), grade=Grade.PASS)
    rule = county_rule(clerk, themed_per_year=3, matching_min_grade="good")
    assert measures_in_force(county=county).themed_per_year == 3
    assert measures_in_force().themed_per_year == 2  # the city's, and any other county's
    assert measures_in_force(county=other_clerk.organisation).themed_per_year == 2
    # Periods are judged by the rules in force on their first day: the county's target counts from 2027.
    county_cells = compliance.current_cells(ws.certified_on, {}, date(2027, 2, 1), Timeline(county=county.pk))
    city_cells = compliance.current_cells(ws.certified_on, {}, date(2027, 2, 1), Timeline())
    assert [c.need for c in county_cells] == [1, 3, 2] and [c.need for c in city_cells] == [1, 2, 2]
    with pytest.raises(LedgerRefused) as exc:
        entry_record(
            workstation=ws,
            kind=Kind.COUNTY_GRANT,
            amount="20000",
            date=timezone.localdate(),
            description="配套",
            actor=clerk,
        )
    assert "良好" in str(exc.value) or "Good" in str(exc.value)
    EvaluationResult.objects.filter(workstation=ws).update(grade=Grade.GOOD)
    entry = entry_record(
        workstation=ws,
        kind=Kind.COUNTY_GRANT,
        amount="20000",
        date=timezone.localdate(),
        description="配套",
        actor=clerk,
    )
    assert (entry.measures_version.number, entry.county_rule) == (1, rule)
    opinion = county_opinion_record(
        workstation=ws, year=timezone.localdate().year, opinion="运行正常", actor=clerk, score=Decimal(92)
    )
    assert (opinion.measures_version.number, opinion.county_rule) == (1, rule)
    assert opinion.grade == "优秀"  # 92 against the city's 90
    stricter = county_rule_create(
        values={"excellent_min": 95},
        effective_on=timezone.localdate() + timedelta(days=1),
        document_number="新人社〔2026〕9号",
        document_title="评价细则",
        actor=clerk,
    )
    assert measures_in_force(timezone.localdate() + timedelta(days=1), county).excellent_min == 95
    opinion.refresh_from_db()
    assert opinion.county_rule == rule and opinion.grade == "优秀"  # a later rule does not regrade it
    with on(timezone.localdate() + timedelta(days=1)):
        regraded = county_opinion_record(
            workstation=ws, year=timezone.localdate().year, opinion="运行正常", actor=clerk, score=Decimal(92)
        )
    assert regraded.county_rule == stricter and regraded.grade == "良好"
    client.force_login(clerk)
    page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert "新人社〔2026〕9号" in page and "（良好）" in page  # the opinion shows the rules it was graded under


# --- each decision records its version -----------------------------------------------------------------------------


def test_each_decision_records_the_version_in_force_on_its_day(host_unit, host_user, staff):
    version = new_version(staff, effective_on=TODAY, entered_on=TODAY, publicity_working_days=7, term_years=4)
    with on(TODAY):
        candidate = WorkstationFactory(host_unit=host_unit, state=State.REVIEW_PASSED)
        publicity_list = publicity_publish(
            workstations=[candidate],
            title="公示",
            intro="现予以公示。",
            contact_office="就业促进科",
            contact_phone="0375-2660000",
            actor=staff,
        )
    assert (publicity_list.measures_version, publicity_list.working_days) == (version, 7)
    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=TODAY)
    term = term_open_first(workstation=ws, starts_on=TODAY, decision_reference="平人社〔2026〕12号", actor=staff)
    assert (term.measures_version, term.years, term.ends_on) == (version, 4, date(2030, 11, 30))
    old = OperatingWorkstationFactory(certified_on=date(2024, 1, 1))
    term_old = term_open_first(
        workstation=old, starts_on=date(2024, 1, 1), decision_reference="平人社〔2024〕1号", actor=staff
    )
    assert (term_old.measures_version.number, term_old.years) == (1, 3)  # a term opened in 2024: three years
    accepted(old, ActivityKind.CONSULTATION, date(2025, 2, 1))
    evaluation = evaluation_open(year=2025, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    assert evaluation.measures_version == version
    assert set(evaluation.results.values_list("measures_version", flat=True)) == {version.pk}
    call = CallFactory(opens_on=date(2026, 1, 1), closes_on=date(2027, 12, 31))
    application = make_application(host_unit=host_unit, call=call)
    with on(TODAY):
        application_services.application_submit(application=application, actor=host_user)
    application.refresh_from_db()
    assert application.measures_version == version


def test_two_tabs_entering_a_version_at_once_get_a_message_not_an_error(staff, staff2):
    """The second tab computed the same number before the first saved: it is told, and nothing half-saved remains."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    real_create = MeasuresVersion.objects.create

    def other_tab_first(**fields):
        real_create(**{**fields, "effective_on": tomorrow + timedelta(days=1), "entered_by": staff2})
        return real_create(**fields)

    with (
        mock.patch.object(MeasuresVersion.objects, "create", side_effect=other_tab_first),
        pytest.raises(MeasuresRefused) as exc,
    ):
        new_version(staff, effective_on=tomorrow, min_staff=7)
    assert "same moment" in str(exc.value) or "同时" in str(exc.value)
    # (The other tab's row went with the savepoint here; in life it was committed by its own request.)
    assert not MeasuresVersion.objects.filter(entered_by=staff).exists()
