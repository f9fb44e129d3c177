"""Panels belong to a call (applications.Call): staff pick it, and a round starts with that call's recommended
applications (Art. 6(1)–(3))."""

import pytest
from django.urls import reverse

from review import services
from review.models import Panel
from tests import factories
from tests.applications.factories import CallFactory, make_application
from tests.review.factories import ExpertProfileFactory, draft_round
from workstations.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(host_unit):
    """Two calls, each with recommended applications; one application of the first call is still submitted."""
    first, second = CallFactory(), CallFactory()
    other_host = factories.HostUnitFactory()
    return {
        "first": first,
        "second": second,
        "ours": [
            make_application(host_unit=host_unit, call=first, state=State.QUALIFIED).workstation,
            make_application(host_unit=other_host, call=first, state=State.QUALIFIED).workstation,
        ],
        "waiting": make_application(host_unit=host_unit, call=first, state=State.SUBMITTED).workstation,
        "theirs": make_application(host_unit=other_host, call=second, state=State.QUALIFIED).workstation,
    }


def test_staff_pick_the_call_when_forming_a_panel(client, staff, calls):
    experts = [ExpertProfileFactory().user for _ in range(3)]
    client.force_login(staff)
    form = client.get(reverse("review:panel_create")).content.decode()
    assert calls["first"].document_number in form and calls["second"].document_number in form
    response = client.post(
        reverse("review:panel_create"),
        {"name": "2026年度评审专家组", "call": calls["first"].pk, "members": [e.pk for e in experts]},
    )
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert (panel.call, set(panel.members.all())) == (calls["first"], set(experts))
    listing = client.get(reverse("review:panel_list")).content.decode()
    assert calls["first"].title in listing and calls["first"].document_number in listing

    client.post(
        reverse("review:panel_edit", args=[panel.pk]),
        {"name": "2026年度评审专家组", "call": calls["second"].pk, "members": [experts[0].pk]},
    )
    panel.refresh_from_db()
    assert (panel.call, list(panel.members.all())) == (calls["second"], [experts[0]])


def test_a_new_round_starts_with_the_calls_recommended_applications(client, staff, calls):
    review_round, _experts, _cands = draft_round(staff, experts=3, call=calls["first"], workstations=calls["ours"][:1])
    services.round_set_candidates(review_round=review_round, workstations=[], actor=staff)
    client.force_login(staff)
    form = client.get(reverse("review:round_candidates", args=[review_round.pk])).context["form"]
    assert {ws.pk for ws in form.initial["workstations"]} == {ws.pk for ws in calls["ours"]}
    # Only the call's recommended applications are offered: not the other call's, not the one still submitted.
    assert set(form.fields["workstations"].queryset) == set(calls["ours"])
    assert (
        calls["first"].document_number
        in client.get(reverse("review:round_candidates", args=[review_round.pk])).content.decode()
    )


def test_a_candidate_held_by_another_round_is_not_preselected(client, staff, calls):
    draft_round(staff, experts=3, call=calls["first"], workstations=calls["ours"][:1])
    second, _experts, _cands = draft_round(staff, experts=3, call=calls["first"], workstations=calls["ours"][1:])
    services.round_set_candidates(review_round=second, workstations=[], actor=staff)
    client.force_login(staff)
    form = client.get(reverse("review:round_candidates", args=[second.pk])).context["form"]
    assert [ws.pk for ws in form.initial["workstations"]] == [calls["ours"][1].pk]


def test_a_workstation_of_another_call_is_refused(staff, calls):
    review_round, _experts, _cands = draft_round(staff, experts=3, call=calls["first"], workstations=calls["ours"])
    with pytest.raises(services.ReviewError, match="通知"):
        services.round_set_candidates(
            review_round=review_round, workstations=[*calls["ours"], calls["theirs"]], actor=staff
        )
    assert review_round.candidates.count() == 2


def test_a_panel_without_a_call_preselects_nothing_and_takes_any_recommended(client, staff, calls):
    review_round, _experts, _cands = draft_round(staff, experts=3, workstations=[calls["theirs"]])
    services.round_set_candidates(review_round=review_round, workstations=[], actor=staff)
    client.force_login(staff)
    form = client.get(reverse("review:round_candidates", args=[review_round.pk])).context["form"]
    assert form.initial["workstations"] == []
    assert set(form.fields["workstations"].queryset) == {*calls["ours"], calls["theirs"]}
