"""Per role and per object: nobody sees another organisation's application or files, guessed URLs included."""

import pytest
from django.urls import reverse

from applications import services, vetting
from applications.models import Application, Material
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application, png_bytes, upload
from workstations.models import State


@pytest.fixture
def submitted(host_unit, host_user):
    app = make_application(host_unit=host_unit)
    vetting.material_add(
        application=app,
        mentor=app.lead_mentor,
        kind="id_card",
        title="身份证",
        uploaded=upload("id.png", png_bytes()),
        actor=host_user,
    )
    services.application_submit(application=app, actor=host_user)
    return app


def urls(app):
    material = app.materials.get(title="身份证")
    return [
        reverse("applications:detail", args=[app.pk]),
        reverse("applications:materials", args=[app.pk]),
        reverse("applications:material_download", args=[app.pk, material.pk]),
        reverse("applications:material_version", args=[app.pk, material.pk, material.file_id]),
        reverse("applications:pdf", args=[app.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["host_user", "clerk", "staff", "supervisor"])
def test_allowed_roles_open_application_and_files(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    for url in urls(submitted):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_host_user", "other_clerk", "expert", "auditor"])
def test_other_organisations_get_404_for_every_url(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    for url in urls(submitted):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"\x89PNG" not in response.content


@pytest.mark.django_db
def test_file_url_guessed_through_own_application_is_refused(client, submitted, other_host_user):
    """Another host unit cannot reach a file by pairing its own application id with a guessed material id."""
    mine = make_application(host_unit=other_host_user.organisation)
    client.force_login(other_host_user)
    material = submitted.materials.get(title="身份证")
    url = reverse("applications:material_download", args=[mine.pk, material.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_recommender_does_not_see_drafts(client, host_unit, clerk):
    draft = make_application(host_unit=host_unit)
    client.force_login(clerk)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
    assert not Application.objects.visible_to(clerk).exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, submitted):
    response = client.get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_clerk_cannot_edit_and_host_cannot_decide(client, submitted, clerk, host_user):
    client.force_login(clerk)
    assert client.get(reverse("applications:step", args=[submitted.pk, "unit"])).status_code == 403
    client.force_login(host_user)
    response = client.post(reverse("applications:decide", args=[submitted.pk]), {"action": "recommend"})
    assert response.status_code == 403
    submitted.workstation.refresh_from_db()
    assert submitted.workstation.state == State.SUBMITTED


@pytest.mark.django_db
def test_other_county_clerk_cannot_decide(client, submitted, other_clerk):
    client.force_login(other_clerk)
    response = client.post(reverse("applications:decide", args=[submitted.pk]), {"action": "return", "reason": "x"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_expert_sees_no_materials_until_the_review_app_grants_them(submitted, expert):
    assert not Material.objects.visible_to(expert).exists()


@pytest.mark.django_db
def test_city_candidates_view_is_for_staff_and_supervisor(client, submitted, staff, supervisor, clerk, host_user):
    url = reverse("applications:call_candidates", args=[submitted.call_id])
    for user, code in [(staff, 200), (supervisor, 200), (clerk, 403), (host_user, 403)]:
        client.force_login(user)
        assert client.get(url).status_code == code


@pytest.mark.django_db
def test_city_candidates_filter_and_counts(client, staff, county):
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=3)
    a = make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=State.SUBMITTED)
    other = make_application(host_unit=factories.HostUnitFactory(), call=call, state=State.RETURNED)
    client.force_login(staff)
    url = reverse("applications:call_candidates", args=[call.pk])
    page = client.get(url, {"recommender": county.pk}).content.decode()
    assert a.workstation.host_unit.name in page
    assert other.workstation.host_unit.name not in page.split('data-testid="candidates"')[1]
    page = client.get(url, {"state": State.RETURNED}).content.decode().split('data-testid="candidates"')[1]
    assert other.workstation.host_unit.name in page
    assert a.workstation.host_unit.name not in page


@pytest.mark.django_db
def test_list_page_query_count_is_pinned(client, host_unit, clerk, django_assert_max_num_queries):
    call = CallFactory()
    for _ in range(5):
        make_application(host_unit=factories.HostUnitFactory(county=host_unit.county), call=call, state=State.SUBMITTED)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("applications:list"))
    assert response.content.decode().count("大众创业指导大师工作室") >= 5
