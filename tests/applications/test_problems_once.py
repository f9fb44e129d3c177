"""Issue 19: the host unit's "Before you can submit" list asks for each missing thing once."""

import pytest
from django.urls import reverse

from applications.models import Application
from tests.applications.factories import make_application
from workstations.models import State

pytestmark = pytest.mark.django_db


def test_a_draft_without_a_lead_mentor_is_asked_for_it_once(client, host_user, host_unit):
    application = make_application(host_unit=host_unit, state=State.DRAFT)
    Application.objects.filter(pk=application.pk).update(lead_mentor=None)
    client.force_login(host_user)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    problems = html[html.index('data-testid="problems"') :]
    problems = problems[: problems.index("</ul>")]
    assert problems.count("领衔创业导师") == 1
    assert "请在“团队”一步选择领衔创业导师" in problems
