"""The lifecycle of SPEC §3, transition by transition: allowed for the right role, refused for every other."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from portal.documents.models import DocumentNumber
from portal.documents.services import document_issue
from tests import factories
from workstations.models import State, TransitionLog, Workstation
from workstations.models.exits import ExitCase
from workstations.models.plaques import Plaque
from workstations.services.lifecycle import TransitionRefused, workstation_transition

# (transition, from state, to state, the actor fixture allowed to run it). Transitions whose conditions read data of
# the stage apps (submit, resubmit, recommend; start/pass/fail review) are covered allowed-path in tests/applications
# and tests/review; here only their refusals.
CONDITIONED = [
    ("qualify", State.RECOMMENDED, State.QUALIFIED, "staff"),
    ("start_review", State.QUALIFIED, State.UNDER_REVIEW, "staff"),
    ("pass_review", State.UNDER_REVIEW, State.REVIEW_PASSED, "staff"),
    ("fail_review", State.UNDER_REVIEW, State.REVIEW_FAILED, "staff"),
]
TABLE = [
    ("return_for_revision", State.SUBMITTED, State.RETURNED, "clerk"),
    ("decline", State.SUBMITTED, State.NOT_RECOMMENDED, "clerk"),
    ("rule_ineligible", State.RECOMMENDED, State.INELIGIBLE, "staff"),
    ("rule_ineligible", State.QUALIFIED, State.INELIGIBLE, "staff"),
    ("requeue_review", State.UNDER_REVIEW, State.QUALIFIED, "staff"),
    ("publish", State.REVIEW_PASSED, State.IN_PUBLICITY, "staff"),
    ("clear_publicity", State.IN_PUBLICITY, State.PUBLICITY_CLEARED, "staff"),
    ("uphold_objection", State.IN_PUBLICITY, State.NOT_RECOGNISED, "staff"),
    ("withdraw_publicity", State.IN_PUBLICITY, State.REVIEW_PASSED, "staff"),
    ("withdraw_publicity", State.PUBLICITY_CLEARED, State.REVIEW_PASSED, "staff"),
    ("certify", State.PUBLICITY_CLEARED, State.CERTIFIED, "staff"),
    ("issue_plaque", State.CERTIFIED, State.ACTIVE, "staff"),
    ("start_rectification", State.ACTIVE, State.RECTIFYING, "staff"),
    ("pass_rectification", State.RECTIFYING, State.ACTIVE, "staff"),
    ("deregister", State.ACTIVE, State.DEREGISTERED, "staff"),
    ("deregister", State.RECTIFYING, State.DEREGISTERED, "staff"),
    ("revoke", State.ACTIVE, State.REVOKED, "staff"),
    ("revoke", State.RECTIFYING, State.REVOKED, "staff"),
]
ROLES = ["host_user", "clerk", "staff", "expert", "supervisor", "auditor", "other_host_user", "other_clerk"]


@pytest.fixture
def actors(request):
    return {name: request.getfixturevalue(name) for name in ROLES}


@pytest.fixture
def make_ws(host_unit):
    def make(state):
        ws = Workstation.objects.create(
            host_unit=host_unit, recommender=host_unit.county, lead_mentor_name="张伟", state=state
        )
        if state == State.CERTIFIED:
            # issue_plaque needs a plaque handed over (Art. 6(5)); tests/workstations/test_plaques.py covers it.
            Plaque.objects.create(
                workstation=ws,
                number=f"T-{ws.pk}",
                name=ws.name,
                issued_on=date(2026, 6, 1),
                issued_by=factories.UserFactory(organisation=factories.CityBureauFactory()),
                handed_over_to="李主任",
                handed_over_on=date(2026, 6, 5),
            )
        if state in (State.ACTIVE, State.RECTIFYING):
            # deregister / revoke follow a confirmed exit decision (Art. 11(4)); tests/workstations/test_exits.py
            # covers how a case gets there.
            staff_user = factories.UserFactory(organisation=factories.CityBureauFactory())
            for kind, doc_kind in [("natural", "deregistration"), ("forced", "revocation")]:
                document = document_issue(
                    kind=doc_kind,
                    title="决定",
                    addressees="有关单位",
                    body={},
                    actor=staff_user,
                    seq=DocumentNumber.objects.count() + 1,
                    issued_on=date(2026, 6, 10),
                    render=False,
                )
                ExitCase.objects.create(
                    workstation=ws,
                    kind=kind,
                    ground="misconduct" if kind == "forced" else "own_request",
                    facts="事实",
                    status="confirmed",
                    proposed_by=staff_user,
                    document=document,
                )
        if state == State.IN_PUBLICITY:
            # clear_publicity needs a publicity list whose window has ended (Art. 6(4)); a bare workstation is
            # refused with a reason (tests/review/publicity/test_services.py covers the window and objections).
            from review.publicity.models import PublicityEntry, PublicityList

            publicity_list = PublicityList.objects.create(
                title="公示",
                intro="现予以公示。",
                contact_office="就业促进科",
                contact_phone="0375-2660000",
                issuer="平顶山市人力资源和社会保障局",
                published_at=datetime(2026, 5, 8, 1, tzinfo=UTC),
                recorded_at=datetime(2026, 5, 8, 1, tzinfo=UTC),
                first_day=date(2026, 5, 11),
                last_day=date(2026, 5, 15),
                closes_at=datetime(2026, 5, 15, 16, tzinfo=UTC),
                published_by=factories.UserFactory(organisation=factories.CityBureauFactory()),
            )
            PublicityEntry.objects.create(
                publicity_list=publicity_list,
                workstation=ws,
                position=1,
                workstation_name=ws.name,
                host_unit_name=host_unit.name,
                lead_mentor_name=ws.lead_mentor_name,
            )
        return ws

    return make


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source", "target", "allowed"), TABLE)
def test_transition_allowed_for_its_role_and_logged(actors, make_ws, name, source, target, allowed):
    ws = make_ws(source)
    done = workstation_transition(workstation=ws, transition=name, actor=actors[allowed], reason="理由")
    assert done.state == target
    assert Workstation.objects.get(pk=ws.pk).state == target
    log = TransitionLog.objects.get(workstation=ws)
    assert (log.transition, log.from_state, log.to_state, log.actor, log.reason) == (
        name,
        source,
        target,
        actors[allowed],
        "理由",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source", "target", "allowed"), TABLE + CONDITIONED)
def test_transition_refused_for_every_other_role(actors, make_ws, name, source, target, allowed):
    ws = make_ws(source)
    for role in ROLES:
        if role == allowed:
            continue
        with pytest.raises(PermissionDenied):
            workstation_transition(workstation=ws, transition=name, actor=actors[role], reason="理由")
    assert Workstation.objects.get(pk=ws.pk).state == source
    assert not TransitionLog.objects.filter(workstation=ws).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "source", "target", "allowed"), TABLE + CONDITIONED)
def test_transition_refused_from_every_other_state(actors, make_ws, name, source, target, allowed):
    sources = {row[1] for row in TABLE + CONDITIONED if row[0] == name}
    for state in State:
        if state in sources:
            continue
        ws = make_ws(state)
        with pytest.raises(TransitionRefused):
            workstation_transition(workstation=ws, transition=name, actor=actors[allowed], reason="理由")
        assert Workstation.objects.get(pk=ws.pk).state == state


@pytest.mark.django_db
def test_submit_without_application_is_refused_with_reason(host_user, make_ws):
    ws = make_ws(State.DRAFT)
    with pytest.raises(TransitionRefused) as exc:
        workstation_transition(workstation=ws, transition="submit", actor=host_user)
    assert "申报" in str(exc.value) or "application" in str(exc.value)
    assert Workstation.objects.get(pk=ws.pk).state == State.DRAFT


@pytest.mark.django_db
def test_host_unit_transitions_refused_for_other_roles(actors, make_ws):
    ws = make_ws(State.DRAFT)
    for role in ROLES:
        if role == "host_user":
            continue
        with pytest.raises(PermissionDenied):
            workstation_transition(workstation=ws, transition="submit", actor=actors[role])
    returned = make_ws(State.RETURNED)
    for role in ROLES:
        if role == "host_user":
            continue
        with pytest.raises(PermissionDenied):
            workstation_transition(workstation=returned, transition="resubmit", actor=actors[role])
    submitted = make_ws(State.SUBMITTED)
    for role in ROLES:
        if role == "clerk":
            continue
        with pytest.raises(PermissionDenied):
            workstation_transition(workstation=submitted, transition="recommend", actor=actors[role])


@pytest.mark.django_db
def test_reason_required_where_the_measures_ask_for_one(clerk, make_ws):
    ws = make_ws(State.SUBMITTED)
    with pytest.raises(TransitionRefused, match=r"理由|reason"):
        workstation_transition(workstation=ws, transition="return_for_revision", actor=clerk, reason="  ")
    assert Workstation.objects.get(pk=ws.pk).state == State.SUBMITTED


@pytest.mark.django_db
def test_system_may_clear_publicity_but_not_certify(make_ws):
    ws = make_ws(State.IN_PUBLICITY)
    assert workstation_transition(workstation=ws, transition="clear_publicity", actor=None).state == (
        State.PUBLICITY_CLEARED
    )
    with pytest.raises(PermissionDenied):
        workstation_transition(workstation=ws, transition="certify", actor=None)


@pytest.mark.django_db
def test_state_cannot_be_assigned_directly(make_ws):
    ws = make_ws(State.DRAFT)
    with pytest.raises(AttributeError):
        ws.state = State.ACTIVE
    with pytest.raises(TransitionNotAllowed):
        ws.certify()


@pytest.mark.django_db
def test_every_state_is_reachable_and_terminals_have_no_exit():
    transitions = list(Workstation._meta.get_field("state").get_all_transitions(Workstation))
    targets = {t.target for t in transitions} | {State.DRAFT}
    assert targets == set(State.values)
    sources = {t.source for t in transitions}
    for terminal in [
        State.NOT_RECOMMENDED,
        State.INELIGIBLE,
        State.REVIEW_FAILED,
        State.NOT_RECOGNISED,
        State.DEREGISTERED,
    ]:
        assert terminal not in sources
    assert State.REVOKED not in sources


@pytest.mark.django_db
def test_recommender_of_another_county_cannot_act(other_clerk, make_ws):
    ws = make_ws(State.SUBMITTED)
    with pytest.raises(PermissionDenied):
        workstation_transition(workstation=ws, transition="return_for_revision", actor=other_clerk, reason="x")


@pytest.mark.django_db
def test_workstation_name_follows_article_6_5():
    ws = factories.WorkstationFactory(lead_mentor_name="张伟")
    assert ws.name == "张伟大众创业指导大师工作室"


def test_the_generated_lifecycle_page_matches_the_code(settings):
    from pathlib import Path

    from workstations.lifecycle_doc import render

    page = Path(settings.BASE_DIR, "docs", "state-machine.md").read_text(encoding="utf-8")
    assert page == render(), "run: python manage.py document_lifecycle"
