"""The application's path through submission and recommendation (Art. 6(1)–(2)), with notifications."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications import services
from applications.models import Application
from portal.models import Notification
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application
from workstations.models import State, TransitionLog
from workstations.services.lifecycle import TransitionRefused, workstation_transition


@pytest.fixture
def call(county):
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=2)
    return call


@pytest.mark.django_db
def test_start_creates_draft_workstation_of_the_host_unit(host_user, host_unit, call):
    app = services.application_start(call=call, actor=host_user)
    assert app.workstation.state == State.DRAFT
    assert app.workstation.host_unit == host_unit
    assert app.recommender == host_unit.county


@pytest.mark.django_db
def test_start_refused_when_call_closed(host_user):
    closed = CallFactory(opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 2, 1))
    with pytest.raises(TransitionRefused):
        services.application_start(call=closed, actor=host_user)
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_start_is_for_host_units_only(clerk, call):
    with pytest.raises(PermissionDenied):
        services.application_start(call=call, actor=clerk)


@pytest.mark.django_db
def test_submit_allowed_path_logs_and_notifies(host_user, host_unit, clerk, call):
    app = make_application(host_unit=host_unit, call=call)
    services.application_submit(application=app, actor=host_user)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED
    assert app.submitted_at is not None
    log = TransitionLog.objects.get(workstation=app.workstation)
    assert (log.transition, log.actor) == ("submit", host_user)
    assert Notification.objects.filter(recipient=clerk, subject__contains="张伟").exists()
    assert Notification.objects.filter(recipient=host_user).exists()


@pytest.mark.django_db
def test_submit_refused_with_what_to_fix(host_user, host_unit, call):
    app = make_application(host_unit=host_unit, call=call, staff=4)
    with pytest.raises(TransitionRefused) as exc:
        services.application_submit(application=app, actor=host_user)
    assert any("工作人员" in p for p in exc.value.problems)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.DRAFT


@pytest.mark.django_db
def test_submit_refused_after_the_call_closes(host_user, host_unit):
    call = CallFactory(opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 2, 1))
    app = make_application(host_unit=host_unit, call=call)
    with pytest.raises(TransitionRefused) as exc:
        services.application_submit(application=app, actor=host_user)
    assert "2025年2月1日" in str(exc.value)


@pytest.mark.django_db
def test_return_resubmit_recommend_allowed_path(host_user, host_unit, clerk, call):
    app = make_application(host_unit=host_unit, call=call, state=State.SUBMITTED)
    services.application_return(application=app, actor=clerk, reason="请补充工作人员名单。")
    assert app.workstation.state == State.RETURNED
    assert Notification.objects.filter(recipient=host_user, body="请补充工作人员名单。").exists()
    services.application_submit(application=app, actor=host_user)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED
    services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
    app.refresh_from_db()
    assert app.workstation.state == State.RECOMMENDED
    assert app.rank == 1
    transitions = list(TransitionLog.objects.filter(workstation=app.workstation).values_list("transition", flat=True))
    assert transitions == ["return_for_revision", "resubmit", "recommend"]
    assert Notification.objects.filter(recipient=host_user, subject__contains="推荐").exists()


@pytest.mark.django_db
def test_resubmit_refused_after_the_deadline(host_user, host_unit):
    call = CallFactory(opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 2, 1))
    app = make_application(host_unit=host_unit, call=call, state=State.RETURNED)
    with pytest.raises(TransitionRefused):
        workstation_transition(workstation=app.workstation, transition="resubmit", actor=host_user)


@pytest.mark.django_db
def test_call_closed_early_locks_drafts(host_user, host_unit, staff, call):
    app = make_application(host_unit=host_unit, call=call)
    assert app.is_editable
    services.call_close(call=call, actor=staff)
    app.refresh_from_db()
    assert not app.is_editable
    with pytest.raises(TransitionRefused):
        services.application_submit(application=app, actor=host_user)


@pytest.mark.django_db
def test_quota_is_enforced_and_ranks_follow_order(county, clerk, call):
    apps = [
        make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=State.SUBMITTED)
        for _ in range(3)
    ]
    services.application_recommend(application=apps[0], actor=clerk, opinion="同意推荐。")
    services.application_recommend(application=apps[1], actor=clerk, opinion="同意推荐。")
    with pytest.raises(TransitionRefused, match="2"):
        services.application_recommend(application=apps[2], actor=clerk, opinion="同意推荐。")
    apps[2].workstation.refresh_from_db()
    assert apps[2].workstation.state == State.SUBMITTED
    assert [a.rank for a in Application.objects.filter(pk__in=[apps[0].pk, apps[1].pk]).order_by("pk")] == [1, 2]
    services.application_move_rank(application=apps[1], up=True, actor=clerk)
    ranks = dict(Application.objects.filter(rank__isnull=False).values_list("pk", "rank"))
    assert ranks == {apps[1].pk: 1, apps[0].pk: 2}


@pytest.mark.django_db
def test_no_quota_means_no_recommendation(host_unit, clerk):
    app = make_application(host_unit=host_unit, state=State.SUBMITTED)
    with pytest.raises(TransitionRefused):
        services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")


@pytest.mark.django_db
def test_other_county_clerk_cannot_recommend(host_unit, other_clerk, call):
    QuotaFactory(call=call, recommender=other_clerk.organisation, places=3)
    app = make_application(host_unit=host_unit, call=call, state=State.SUBMITTED)
    with pytest.raises((PermissionDenied, TransitionRefused)):
        services.application_recommend(application=app, actor=other_clerk, opinion="同意推荐。")
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED


@pytest.mark.django_db
def test_decline_needs_a_reason(host_unit, clerk, call):
    app = make_application(host_unit=host_unit, call=call, state=State.SUBMITTED)
    with pytest.raises(TransitionRefused):
        services.application_decline(application=app, actor=clerk, reason=" ")
    services.application_decline(application=app, actor=clerk, reason="名额已满")
    assert app.workstation.state == State.NOT_RECOMMENDED


@pytest.mark.django_db
def test_lead_mentor_name_reaches_the_workstation(host_user, host_unit, call):
    from applications.forms import TeamForm

    app = services.application_start(call=call, actor=host_user)
    lead = make_application(host_unit=host_unit, call=call).lead_mentor
    form = TeamForm({"lead_mentor": lead.pk, "mentors": []}, instance=app)
    assert form.is_valid(), form.errors
    services.application_save_step(application=app, form=form, actor=host_user)
    app.workstation.refresh_from_db()
    assert app.workstation.lead_mentor_name == "张伟"
    assert app.workstation.name == "张伟大众创业指导大师工作室"
    assert app.workstation.state == State.DRAFT


@pytest.mark.django_db
def test_calls_are_opened_by_staff_only(staff, clerk, county):
    from applications.models import Call

    call = Call(
        title="2026年度申报",
        document_number="平人社〔2026〕5号",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        grant_amount="50000.00",
    )
    with pytest.raises(PermissionDenied):
        services.call_save(call=call, quotas={county.pk: 2}, actor=clerk)
    services.call_save(call=call, quotas={county.pk: 2}, actor=staff)
    assert call.quotas.get().places == 2


def test_a_call_number_is_registered_in_its_series_and_a_duplicate_refused(client, staff):
    """Issue 17: the call's number is the office's; a number already used in its series and year is refused, and a
    confirmation document cannot take it later."""
    from django.urls import reverse

    from portal.documents.models import DocumentNumber
    from portal.documents.services import suggest_number

    client.force_login(staff)
    data = {
        "title": "2026年度平顶山市大众创业指导大师工作室认定申报",
        "document_number": "平人社〔2026〕9号",
        "opens_on": "2026-11-02",
        "closes_on": "2026-12-31",
        "grant_amount": "50000.00",
        "conditions": "符合办法第五条规定的条件。",
    }
    assert client.post(reverse("applications:call_create"), data).status_code == 302
    assert DocumentNumber.objects.get(number="平人社〔2026〕9号").entered_by == staff
    assert suggest_number(kind="confirmation", year=2026) == (10, "平人社〔2026〕10号")
    response = client.post(reverse("applications:call_create"), {**data, "title": "重复"})
    assert response.status_code == 200 and "平人社〔2026〕10号" in response.content.decode()
    response = client.post(reverse("applications:call_create"), {**data, "document_number": "第9号"})
    assert response.status_code == 200 and DocumentNumber.objects.count() == 1
