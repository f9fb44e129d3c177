"""Art. 6(4): publishing, objections during and after the window, decisions, and the closing job."""

import datetime as dt

import pytest

from portal.models import Notification
from portal.workdays.services import CalendarNotCovered, publicity_window
from review.publicity.models import Objection, PublicityEntry
from review.publicity.objections import (
    ObjectionRefused,
    objection_decide,
    objection_file,
    objection_find,
    objection_investigate,
)
from review.publicity.services import publicity_close_due, publicity_publish
from review.publicity.tasks import close_publicity_windows
from tests.factories import UserFactory, WorkstationFactory
from workstations.models import State, TransitionLog, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

pytestmark = pytest.mark.django_db


def _file(entry, **kw):
    return objection_file(
        entry=entry,
        objector_name="李明",
        objector_phone="13803751234",
        facts="该工作室申报的培训人次与实际不符。",
        **kw,
    )


def test_publish_puts_every_candidate_in_publicity_with_the_calendar_window(open_list):
    published = open_list.published_at
    window = publicity_window(published)
    assert (open_list.first_day, open_list.last_day, open_list.closes_at) == tuple(window)
    entries = list(open_list.entries.select_related("workstation"))
    assert [e.lead_mentor_name for e in entries] == ["张伟", "李娜"]
    assert all(e.workstation.state == State.IN_PUBLICITY for e in entries)
    assert entries[0].workstation_name == "张伟大众创业指导大师工作室"
    assert TransitionLog.objects.filter(transition="publish").count() == 2


def test_publish_refuses_when_the_calendar_does_not_cover_the_window(passed, staff):
    candidate = passed()
    with pytest.raises(CalendarNotCovered) as exc:
        publicity_publish(
            workstations=[candidate],
            title="公示",
            intro="现予以公示。",
            contact_office="就业促进科",
            contact_phone="0375-2660000",
            published_at=dt.datetime(2099, 12, 28, 9, tzinfo=dt.UTC),
            actor=staff,
        )
    assert exc.value.year == 2099
    candidate.refresh_from_db()
    assert candidate.state == State.REVIEW_PASSED


def test_publish_is_all_or_nothing(passed, host_unit, staff):
    good = passed()
    not_passed = WorkstationFactory(host_unit=host_unit, state=State.UNDER_REVIEW)
    with pytest.raises(TransitionRefused):
        publicity_publish(
            workstations=[good, not_passed],
            title="公示",
            intro="现予以公示。",
            contact_office="就业促进科",
            contact_phone="0375-2660000",
            actor=staff,
        )
    good.refresh_from_db()
    assert good.state == State.REVIEW_PASSED
    assert not PublicityEntry.objects.exists()


def test_objection_during_the_window_gets_a_tracking_code(open_list, staff):
    entry = open_list.entries.first()
    filed = _file(entry)
    assert len(filed.tracking_code) == 14
    found = objection_find(filed.tracking_code.lower().replace("-", " "))
    assert found == filed.objection
    assert found.status == Objection.Status.RECEIVED
    # Only a hash of the code and ciphertext of the identity are stored.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT objector_name, objector_phone, tracking_hash FROM review_objection")
        name, phone, code_hash = cursor.fetchone()
    assert "李明" not in name and "13803751234" not in phone and filed.tracking_code not in code_hash
    assert Notification.objects.filter(recipient=staff, subject__contains="张伟").exists()


def test_objection_after_the_window_is_refused(ended_list):
    entry = ended_list.entries.first()
    with pytest.raises(ObjectionRefused):
        _file(entry)
    assert not Objection.objects.exists()


def test_objection_at_the_last_instant_is_accepted_and_at_24_00_refused(open_list):
    entry = open_list.entries.first()
    _file(entry, now=open_list.closes_at - dt.timedelta(seconds=1))
    with pytest.raises(ObjectionRefused):
        _file(entry, now=open_list.closes_at)


def test_upheld_objection_makes_the_candidate_not_recognised(open_list, staff):
    entry = open_list.entries.first()
    objection = _file(entry).objection
    objection_investigate(objection=objection, investigation="调取签到记录并电话核实。", actor=staff)
    objection_decide(objection=objection, upheld=True, reason="经核实，反映问题属实。", actor=staff)
    entry.refresh_from_db()
    assert entry.workstation.state == State.NOT_RECOGNISED
    assert entry.outcome == PublicityEntry.Outcome.NOT_RECOGNISED
    objection.refresh_from_db()
    assert (objection.status, objection.decision_reason) == (Objection.Status.UPHELD, "经核实，反映问题属实。")
    assert TransitionLog.objects.get(workstation=entry.workstation, transition="uphold_objection").actor == staff


def test_dismissed_objection_during_the_window_leaves_the_candidate_for_the_close_job(open_list, staff):
    entry = open_list.entries.first()
    objection = _file(entry).objection
    objection_investigate(objection=objection, investigation="调取签到记录并电话核实。", actor=staff)
    objection_decide(objection=objection, upheld=False, reason="经核查，反映问题不属实。", actor=staff)
    entry.workstation.refresh_from_db()
    assert entry.workstation.state == State.IN_PUBLICITY
    with pytest.raises(TransitionRefused):
        objection_decide(objection=objection, upheld=True, reason="改判", actor=staff)


def test_reason_is_required_for_a_decision(open_list, staff):
    objection = _file(open_list.entries.first()).objection
    with pytest.raises(TransitionRefused):
        objection_decide(objection=objection, upheld=False, reason="  ", actor=staff)


def test_close_job_clears_candidates_and_is_idempotent(ended_list):
    first = close_publicity_windows.delay().get()
    assert sorted(first["cleared"]) == sorted(ended_list.entries.values_list("workstation_id", flat=True))
    assert Workstation.objects.filter(state=State.PUBLICITY_CLEARED).count() == 2
    logs = TransitionLog.objects.filter(transition="clear_publicity")
    assert logs.count() == 2 and all(log.actor is None for log in logs)
    second = publicity_close_due()
    assert second.cleared == [] and second.waiting == []
    assert TransitionLog.objects.filter(transition="clear_publicity").count() == 2
    ended_list.refresh_from_db()
    assert ended_list.closed_at is not None


def test_close_job_leaves_an_open_window_alone(open_list):
    report = publicity_close_due()
    assert report.cleared == []
    assert Workstation.objects.filter(state=State.IN_PUBLICITY).count() == 2


def test_unresolved_objection_makes_the_candidate_wait_and_staff_are_told_once(ended_list, staff):
    open_list = ended_list
    wang, liu = list(open_list.entries.order_by("position"))
    objection = _file(wang, now=open_list.closes_at - dt.timedelta(hours=1)).objection
    later = open_list.closes_at + dt.timedelta(hours=2)
    report = publicity_close_due(now=later)
    assert report.cleared == [liu.workstation_id] and report.waiting == [wang.workstation_id]
    publicity_close_due(now=later)
    told = Notification.objects.filter(recipient=staff, subject__contains="1")
    assert told.filter(dedup_key__startswith="publicity-waiting").count() == 1
    wang.workstation.refresh_from_db()
    assert wang.workstation.state == State.IN_PUBLICITY
    # Dismissing the last objection after the window clears the candidate at once.
    objection_investigate(objection=objection, investigation="调取签到记录并电话核实。", actor=staff)
    objection_decide(objection=objection, upheld=False, reason="经核查，反映问题不属实。", actor=staff)
    wang.workstation.refresh_from_db()
    assert wang.workstation.state == State.PUBLICITY_CLEARED
    assert TransitionLog.objects.get(workstation=wang.workstation, transition="clear_publicity").actor == staff


def test_clear_publicity_without_a_list_is_refused_with_a_reason(host_unit, staff):
    bare = WorkstationFactory(host_unit=host_unit, state=State.IN_PUBLICITY)
    with pytest.raises(TransitionRefused) as exc:
        workstation_transition(workstation=bare, transition="clear_publicity", actor=staff)
    assert "公示" in str(exc.value)


def test_clear_publicity_before_the_window_ends_is_refused(open_list, staff):
    entry = open_list.entries.first()
    with pytest.raises(TransitionRefused) as exc:
        workstation_transition(workstation=entry.workstation, transition="clear_publicity", actor=staff)
    assert "公示期" in str(exc.value)


def test_only_staff_decide(open_list, host_user):
    objection = _file(open_list.entries.first()).objection
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        objection_decide(objection=objection, upheld=True, reason="理由", actor=host_user)
    assert UserFactory  # factories importable for other modules
