"""Issue 19: a next step listed on the workstation page that is taken on the application's page links there, to the
card where it is done; the list shows only the steps the reader may take."""

import pytest
from django.urls import reverse

from tests.applications.factories import make_application
from workstations.models import State

pytestmark = pytest.mark.django_db


def _page(client, user, workstation):
    client.force_login(user)
    response = client.get(reverse("workstations:detail", args=[workstation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_find_the_qualification_check_from_the_workstation_page(client, staff, supervisor, host_unit):
    application = make_application(host_unit=host_unit, state=State.RECOMMENDED)
    target = reverse("applications:detail", args=[application.pk]) + "#qualification"
    html = _page(client, staff, application.workstation)
    assert f'href="{target}" data-testid="step-qualify"' in html
    assert f'href="{target}" data-testid="step-rule_ineligible"' in html
    # The supervisor reads the page but takes no step: nothing links to an action.
    assert 'data-testid="step-' not in _page(client, supervisor, application.workstation)


def test_the_clerk_finds_the_recommendation_from_the_workstation_page(client, clerk, host_unit):
    application = make_application(host_unit=host_unit, state=State.SUBMITTED)
    target = reverse("applications:detail", args=[application.pk]) + "#decide"
    html = _page(client, clerk, application.workstation)
    assert f'href="{target}" data-testid="step-recommend"' in html


def test_the_application_page_has_the_cards_the_links_point_to(client, staff, host_unit):
    application = make_application(host_unit=host_unit, state=State.RECOMMENDED)
    client.force_login(staff)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="qualification"' in html
