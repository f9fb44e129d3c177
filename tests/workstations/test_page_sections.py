"""Issue 20: the stage apps add to the workstation pages through ``settings.WORKSTATIONS_PAGE_SECTIONS``; workstations
renders what is registered there and loads no stage app's template tags."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import WorkstationFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "workstations" / "templates"


def shouted_name(request, workstation) -> str:
    """A section as a stage app would register it (the test's own, to show the page renders what is registered)."""
    return f"<p data-testid='test-section'>{workstation.name.upper()} for {request.user.username}</p>"


def test_the_workstation_page_shows_the_sections_registered_for_it(client, staff, host_unit, settings):
    workstation = WorkstationFactory(host_unit=host_unit)
    settings.WORKSTATIONS_PAGE_SECTIONS = {"detail": [f"{__name__}.shouted_name"]}
    client.force_login(staff)
    page = client.get(reverse("workstations:detail", args=[workstation.pk])).content.decode()
    assert f"{workstation.name.upper()} for {staff.username}" in page
    settings.WORKSTATIONS_PAGE_SECTIONS = {}
    page = client.get(reverse("workstations:detail", args=[workstation.pk])).content.decode()
    assert "test-section" not in page


def test_no_workstations_template_loads_a_stage_apps_tags():
    stage_tags = ("subsidies_tags", "review_tags", "publicity_tags", "applications_tags")
    loads = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if any(tag in path.read_text(encoding="utf-8") for tag in stage_tags)
    ]
    assert not loads
