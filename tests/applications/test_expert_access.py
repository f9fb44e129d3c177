"""Art. 6(3) / issue 4 item 4: an expert sees the application, checklist and materials of the candidates of its
review rounds — and nothing else: not another panel's, not one it is recused from."""

import pytest
from django.urls import reverse

from applications.models import Application, Material
from portal.uploads import store_upload
from review import services as review_services
from tests.applications.factories import make_application, png_bytes, upload
from tests.review.factories import ExpertProfileFactory, draft_round, open_round
from workstations.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(host_unit, host_user):
    application = make_application(host_unit=host_unit, state=State.QUALIFIED)
    stored = store_upload(uploaded=upload("id.png", png_bytes()), actor=host_user)
    Material.objects.create(
        application=application, mentor=application.lead_mentor, kind="id_card", title="身份证", file=stored
    )
    return application


def _urls(application):
    material = application.materials.get(title="身份证")
    return {
        "detail": reverse("applications:detail", args=[application.pk]),
        "materials": reverse("applications:materials", args=[application.pk]),
        "download": reverse("applications:material_download", args=[application.pk, material.pk]),
        "pdf": reverse("applications:pdf", args=[application.pk]),
    }


def test_an_expert_of_the_round_sees_the_application_and_downloads_its_materials(client, staff, candidate):
    review_round, experts, [cand] = open_round(staff, experts=3, workstations=[candidate.workstation])
    client.force_login(experts[0])
    urls = _urls(candidate)
    detail = client.get(urls["detail"])
    assert detail.status_code == 200
    assert 'data-testid="eligibility"' in detail.content.decode()  # the checklist
    assert 'data-testid="material-list"' in detail.content.decode()
    download = client.get(urls["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert client.get(urls["materials"]).status_code == 200
    # The candidate page of the round links to the same download, which now works for the expert.
    page = client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk])).content.decode()
    assert urls["download"] in page
    # Read-only: the expert cannot change or add anything.
    assert client.post(urls["materials"], {"title": "x"}).status_code == 403


def test_a_panel_member_sees_the_candidates_of_a_round_in_preparation(client, staff, candidate):
    _round, experts, _cands = draft_round(staff, experts=3, workstations=[candidate.workstation])
    client.force_login(experts[0])
    assert client.get(_urls(candidate)["detail"]).status_code == 200


def test_an_expert_not_on_the_panel_gets_404(client, staff, candidate, expert):
    open_round(staff, experts=3, workstations=[candidate.workstation])
    outsider = ExpertProfileFactory().user
    for user in (outsider, expert):
        client.force_login(user)
        for url in _urls(candidate).values():
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"\x89PNG" not in response.content
    assert not Application.objects.visible_to(outsider).exists()


def test_a_recused_expert_gets_404(client, staff, candidate):
    review_round, experts, [cand] = draft_round(staff, experts=3, workstations=[candidate.workstation])
    review_services.recusal_record(
        review_round=review_round, candidate=cand, expert=experts[1], reason="曾在该单位任职", actor=staff
    )
    review_services.round_open(review_round=review_round, actor=staff)
    client.force_login(experts[1])
    for url in _urls(candidate).values():
        assert client.get(url).status_code == 404, url
    client.force_login(experts[0])
    assert client.get(_urls(candidate)["download"]).status_code == 200


def test_experts_see_only_their_rounds_candidates(client, staff, candidate, host_unit):
    other = make_application(host_unit=host_unit, state=State.QUALIFIED)
    _round, experts, _cands = open_round(staff, experts=3, workstations=[candidate.workstation])
    open_round(staff, experts=3, workstations=[other.workstation])
    assert list(Application.objects.visible_to(experts[0])) == [candidate]
    assert list(Material.objects.visible_to(experts[0])) == list(candidate.materials.all())


def test_the_supervisor_reads_but_does_not_change(client, supervisor, candidate):
    client.force_login(supervisor)
    urls = _urls(candidate)
    assert client.get(urls["download"]).status_code == 200
    assert client.post(urls["materials"], {"title": "x"}).status_code == 403


def test_materials_follow_the_stage_and_id_card_downloads_are_audited(client, staff, candidate):
    """Issue 13: the expert reads the materials while the round is open and not after; each ID-card image download
    leaves an audit event naming who downloaded it."""
    from portal.audit import AuditEvent
    from review.rules import Choice
    from tests.review.factories import close_round

    review_round, experts, [cand] = open_round(staff, experts=3, workstations=[candidate.workstation])
    client.force_login(experts[0])
    urls = _urls(candidate)
    assert client.get(urls["download"]).status_code == 200
    event = AuditEvent.objects.filter(action="applications.id_card_download").get()
    assert event.actor == experts[0] and event.object_id == str(candidate.materials.get(title="身份证").pk)
    for e in experts:
        review_services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=e)
    close_round(review_round, staff)
    for url in urls.values():
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk])).content.decode()
    assert 'data-testid="materials-closed"' in page and urls["download"] not in page
    assert AuditEvent.objects.filter(action="applications.id_card_download").count() == 1
