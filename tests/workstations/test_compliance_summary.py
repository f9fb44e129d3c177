"""Issue 21 item 1: the compliance board's totals and the city staff home's missed-consultation count come from summary
rows kept by the services (accepting a report, certification), and always equal the cells computed from every report."""

import threading
import time
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from portal import aggregates
from review.publicity.confirmation import confirmation_issue
from tests.factories import CountyFactory, HostUnitFactory, WorkstationFactory
from tests.workstations.factories import ActivityReportFactory, OperatingWorkstationFactory
from workstations.models import OPERATING_STATES, State, Workstation
from workstations.models.compliance import ComplianceSummary
from workstations.models.outcomes import ActivityKind, ReportStatus, TrainedPerson
from workstations.rules import compliance
from workstations.selectors import compliance_summary as summary_read
from workstations.selectors.outcomes import compliance_board, load_counts, operating_workstations_for
from workstations.services import compliance_summary
from workstations.services.outcomes import report_accept, report_reject

C, T, TR = ActivityKind.CONSULTATION, ActivityKind.THEMED, ActivityKind.TRAINING
INSIDE_Q2, AFTER_YEAR = date(2026, 5, 20), date(2027, 1, 10)


def _old_totals(user, year, today, county_id=None) -> dict[str, int]:
    """The board's totals as computed before issue 21: the cells of every operating workstation, in Python."""
    workstations = operating_workstations_for(user)
    if county_id:
        workstations = workstations.filter(host_unit__county_id=county_id)
    counts = load_counts(workstations, range(year, year + 1))
    totals = {str(s): 0 for s in compliance.Status}
    for ws in workstations:
        for c in compliance.year_cells(ws.certified_on, counts.get(ws.pk, {}), year, today):
            totals[str(c.status)] += 1
    return totals


def _old_missed(today) -> int:
    """The staff home's count as computed before issue 21."""
    last_q = compliance.quarter_of(compliance.quarter_of(today).start - timedelta(days=1))
    workstations = Workstation.objects.filter(state__in=OPERATING_STATES, certified_on__isnull=False)
    counts = load_counts(workstations, range(last_q.year, last_q.year + 1))
    return sum(
        compliance.cell(C, last_q, ws.certified_on, counts.get(ws.pk, {}), today).status == compliance.Status.MISSED
        for ws in workstations
    )


def _filed(ws, kind, held_on, trainees=()):
    report = ActivityReportFactory(
        workstation=ws, kind=kind, held_on=held_on, status=ReportStatus.SUBMITTED, setting="park" if kind == T else ""
    )
    for name in trainees:
        TrainedPerson.objects.create(report=report, name=name)
    return report


@pytest.fixture
def mixed(staff):
    """Two counties; workstations certified before the year, mid-quarter (assessed and not), late in the year and not
    at all; reports accepted and returned through the services, across quarters and years; a trainee named twice."""
    north, south = HostUnitFactory(county=CountyFactory()), HostUnitFactory(county=CountyFactory())
    early = OperatingWorkstationFactory(host_unit=north, certified_on=date(2025, 3, 1))
    mid = OperatingWorkstationFactory(host_unit=north, certified_on=date(2026, 2, 10))  # Q1 assessed (50 of 90 days)
    late_q1 = OperatingWorkstationFactory(host_unit=south, certified_on=date(2026, 2, 20))  # Q1 not assessed
    august = OperatingWorkstationFactory(host_unit=south, certified_on=date(2026, 8, 1))
    OperatingWorkstationFactory(host_unit=south, certified_on=date(2026, 11, 20))  # owes nothing in 2026
    OperatingWorkstationFactory(host_unit=south, certified_on=None)
    OperatingWorkstationFactory(
        host_unit=north, state=State.DEREGISTERED, certified_on=date(2024, 1, 1)
    )  # not on the board
    accept = [
        _filed(early, C, date(2026, 1, 15)),
        _filed(early, C, date(2026, 3, 31)),
        _filed(early, C, date(2026, 7, 1)),
        _filed(early, T, date(2026, 4, 2)),
        _filed(early, T, date(2026, 12, 31)),
        _filed(early, TR, date(2026, 5, 1), trainees=["甲", "乙"]),
        _filed(early, TR, date(2026, 9, 1), trainees=["甲"]),  # the same person again: still 2 people
        _filed(early, C, date(2025, 12, 31)),  # another year
        _filed(mid, C, date(2026, 3, 1)),
        _filed(mid, T, date(2026, 6, 1)),
        _filed(late_q1, C, date(2026, 5, 5)),
        _filed(late_q1, TR, date(2026, 6, 6), trainees=["丙"]),
        _filed(august, C, date(2026, 8, 15)),
    ]
    for report in accept:
        report_accept(report=report, actor=staff)
    report_reject(report=_filed(mid, C, date(2026, 4, 20)), actor=staff, reason="材料不全")  # returned: never counts
    report_reject(report=_filed(late_q1, T, date(2026, 7, 7)), actor=staff, reason="材料不全")
    _filed(august, C, date(2026, 10, 1))  # still waiting for the bureau
    return north.county, south.county


@pytest.mark.django_db
@pytest.mark.parametrize("today", [INSIDE_Q2, AFTER_YEAR])
def test_board_totals_from_the_summary_equal_every_cell_computed(staff, mixed, today):
    north, south = mixed
    for county_id in (None, north.pk, south.pk):
        for year in (2025, 2026, 2027):
            board = compliance_board(staff, year=year, county_id=county_id, today=today)
            assert board.totals == _old_totals(staff, year, today, county_id), (county_id, year)
    whole = compliance_board(staff, year=2026, today=today).totals
    assert whole["missed" if today == AFTER_YEAR else "not_yet"] > 0 and whole["met"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2026, 4, 1), INSIDE_Q2, date(2026, 10, 2), AFTER_YEAR])
def test_home_missed_consultations_from_the_summary_equal_the_old_count(mixed, today):
    last_q = compliance.quarter_of(compliance.quarter_of(today).start - timedelta(days=1))
    assert summary_read.missed_consultations(last_q, today) == _old_missed(today)


@pytest.mark.django_db
def test_the_staff_home_shows_the_count_and_the_board_reads_the_summary_rows(client, staff, mixed):
    today = timezone.localdate()
    last_q = compliance.quarter_of(compliance.quarter_of(today).start - timedelta(days=1))
    ws = OperatingWorkstationFactory(certified_on=date(2020, 1, 1))
    client.force_login(staff)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Missed consultations in {last_q.key}" in home
    report_accept(report=_filed(ws, C, last_q.start), actor=staff)
    assert summary_read.missed_consultations(last_q, today) == _old_missed(today)
    before = client.get(reverse("workstations:board"), {"year": 2026}).context["board"].totals
    assert before == _old_totals(staff, 2026, today)
    ComplianceSummary.objects.all().delete()  # the totals are read from the summary rows, not from every report
    aggregates.bump(aggregates.COMPLIANCE)  # a bulk delete sends no signal: rebuild() bumps, as this does
    assert client.get(reverse("workstations:board"), {"year": 2026}).context["board"].totals != before


@pytest.mark.django_db
def test_rebuild_equals_the_rows_the_services_kept(mixed):
    live = compliance_summary.stored_rows()
    assert live == compliance_summary.computed_rows() and len(live) >= 7
    ComplianceSummary.objects.filter(year=2026).update(count_q1=99, need_themed=0)
    call_command("rebuild_compliance_summary", stdout=StringIO())
    assert compliance_summary.stored_rows() == live


@pytest.mark.django_db
def test_the_migration_fills_the_rows_of_earlier_data(mixed):
    import importlib

    from django.apps import apps

    live = compliance_summary.stored_rows()
    ComplianceSummary.objects.all().delete()
    importlib.import_module("workstations.migrations.0014_compliance_summary").fill(apps, None)
    assert compliance_summary.stored_rows() == live


@pytest.mark.django_db
def test_certification_sets_the_needs_of_its_year(staff, host_unit):
    ws = WorkstationFactory(host_unit=host_unit, state=State.PUBLICITY_CLEARED)
    confirmation_issue(workstations=[ws], actor=staff, seq=31, issued_on=date(2026, 2, 20))
    row = ComplianceSummary.objects.get(workstation=ws, year=2026)
    # Certified on 20 February: Q1 is not assessed (40 of 90 days), so the yearly targets count 3 quarters of 4.
    assert (row.need_q1, row.need_q2, row.need_themed, row.need_training) == (0, 1, 2, 2)
    Workstation.objects.filter(pk=ws.pk).update(state=State.ACTIVE)
    assert compliance_board(staff, year=2026, today=INSIDE_Q2).totals == _old_totals(staff, 2026, INSIDE_Q2)


@pytest.mark.django_db
def test_a_certification_day_corrected_in_the_admin_moves_the_needs(rf, staff):
    from django.contrib import admin

    ws = OperatingWorkstationFactory(certified_on=date(2026, 1, 1))
    ws.certified_on = date(2026, 8, 1)  # corrected: recognised on 1 August, so only Q3 and Q4 are assessed
    admin.site._registry[Workstation].save_model(rf.post("/admin/"), ws, None, True)
    row = ComplianceSummary.objects.get(workstation=ws, year=2026)
    assert (row.need_q1, row.need_q3, row.need_themed) == (0, 1, 1)
    assert compliance_summary.stored_rows() == compliance_summary.computed_rows()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reports_accepted_at_once_for_one_workstation_both_count(monkeypatch, staff):
    ws = OperatingWorkstationFactory(certified_on=date(2025, 1, 1))
    first, second = _filed(ws, C, date(2026, 1, 10)), _filed(ws, C, date(2026, 2, 10))
    real_counts_of = compliance_summary.counts_of

    def slow_counts_of(*args, **kwargs):  # widen the window between counting and writing the row
        found = real_counts_of(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(compliance_summary, "counts_of", slow_counts_of)
    barrier, errors = threading.Barrier(2), []

    def accept(report):
        try:
            barrier.wait()
            report_accept(report=report.pk, actor=staff)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r,)) for r in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ComplianceSummary.objects.get(workstation=ws, year=2026).count_q1 == 2
    assert compliance_summary.stored_rows() == compliance_summary.computed_rows()


def test_a_new_version_of_the_measures_recomputes_the_needs_of_periods_not_yet_started(staff):
    """The needs are stored; a version entered in May that takes effect on 1 July changes Q3 and Q4 of the year (a
    period is judged by the version in force on its first day), so entering it rebuilds the rows."""
    from portal.measures.selectors import measures_in_force
    from portal.measures.services import measures_version_create

    ws = OperatingWorkstationFactory(certified_on=date(2026, 1, 1))  # its year of certification has its row
    assert ComplianceSummary.objects.get(workstation=ws, year=2026).need_q3 == 1
    values = {**measures_in_force(date(2026, 5, 10)).values, "consultations_per_quarter": 2}
    with TestCase.captureOnCommitCallbacks(execute=True):
        measures_version_create(
            actor=staff,
            effective_on=date(2026, 7, 1),
            document_number="平人社〔2026〕30号",
            document_title="关于调整大众创业指导大师工作室活动要求的通知",
            values=values,
            today=date(2026, 5, 10),
        )
    row = ComplianceSummary.objects.get(workstation=ws, year=2026)
    assert (row.need_q2, row.need_q3, row.need_q4) == (1, 2, 2)
    assert compliance_summary.stored_rows() == compliance_summary.computed_rows()
