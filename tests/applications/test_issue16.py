"""Issue 16: application and recommendation as the measures have them (Art. 3, 5, 6(1)–6(3), 7).

Recommendation channels (Art. 6(2)), required materials (Art. 7), the version frozen at submission, Art. 5(2) for
every mentor, Art. 3 host type, the recommender's deadline, opinion, letter and 原件已核, the city's 资格审查 with
site visits, resuming an empty draft and withdrawing one (issue 15), the stored 申报表 (issue 19 item 8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications import channels, services, vetting
from applications.eligibility import JUDGEMENT, MET, NOT_MET
from applications.models import Application, ApplicationSnapshot, Material, SiteVisit
from review.services import ReviewError
from tests import factories
from tests.applications.factories import (
    CallFactory,
    MentorFactory,
    QuotaFactory,
    attach_material,
    make_application,
    png_bytes,
    upload,
)
from tests.portal.pdf_checks import pdf_text
from tests.review.factories import draft_round, open_round
from workstations.models import State, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

pytestmark = pytest.mark.django_db


def check(app, code):
    return next(c for c in app.eligibility() if c.code == code)


@pytest.fixture
def university():
    return factories.UniversityFactory()


@pytest.fixture
def uni_host(county, university):
    return factories.HostUnitFactory(county=county, university=university, host_type="university")


@pytest.fixture
def uni_clerk(university):
    return factories.UserFactory(organisation=university)


@pytest.fixture
def call(county, university):
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=3)
    QuotaFactory(call=call, recommender=university, places=1)
    return call


def submitted(host_unit, call, *, recommender=None, actor=None):
    app = make_application(host_unit=host_unit, call=call)
    if recommender is not None:
        Application.objects.filter(pk=app.pk).update(recommender=recommender)
        app.workstation.recommender = recommender
        app.workstation.save(update_fields=["recommender"])
        app.refresh_from_db()
    actor = actor or factories.UserFactory(organisation=host_unit)
    return services.application_submit(application=app, actor=actor)


# --- 1. recommendation channels (Art. 6(2)) ----------------------------------------------------------------------


def test_county_bureau_recommends_a_university_host_unit_and_a_county_workstation(call, county, clerk, uni_host):
    recognised_host = factories.HostUnitFactory(county=county)
    app_uni = submitted(uni_host, call)
    app_county = make_application(host_unit=recognised_host, call=call)
    Application.objects.filter(pk=app_county.pk).update(
        county_recognition_county=county,
        county_recognition_number="新华人社〔2024〕3号",
        county_recognition_date=dt.date(2024, 5, 1),
    )
    attach_material(app_county, kind=Material.Kind.COUNTY_RECOGNITION, title="县级认定文件")
    app_county.refresh_from_db()
    assert check(app_county, "source").status == MET
    assert check(app_uni, "source").status == MET
    app_county = services.application_submit(
        application=app_county, actor=factories.UserFactory(organisation=recognised_host)
    )
    for app in (app_uni, app_county):
        services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
        app.workstation.refresh_from_db()
        assert app.workstation.state == State.RECOMMENDED


def test_a_university_recommends_its_own_host_unit_directly_when_the_call_allows(call, uni_host, university, uni_clerk):
    assert set(channels.recommender_choices(uni_host, call)) == {uni_host.county, university}
    app = submitted(uni_host, call, recommender=university)
    services.application_recommend(application=app, actor=uni_clerk, opinion="同意推荐本校创新创业园。")
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.RECOMMENDED


def test_the_call_may_keep_universities_out(call, uni_host, university):
    call.universities_recommend_own = False
    call.save()
    assert list(channels.recommender_choices(uni_host, call)) == [uni_host.county]
    app = make_application(host_unit=uni_host, call=call)
    Application.objects.filter(pk=app.pk).update(recommender=university)
    app.refresh_from_db()
    with pytest.raises(TransitionRefused) as exc:
        services.application_submit(application=app, actor=factories.UserFactory(organisation=uni_host))
    assert university.name in str(exc.value)


def test_a_university_is_refused_for_another_universitys_host_unit(call, uni_host, university, uni_clerk, client):
    other_university = factories.UniversityFactory()
    other_host = factories.HostUnitFactory(university=other_university, host_type="university")
    # The host unit cannot address it to a university it does not belong to: not offered, and refused when forced.
    assert university not in channels.recommender_choices(other_host, call)
    app = make_application(host_unit=other_host, call=call)
    host_user = factories.UserFactory(organisation=other_host)
    client.force_login(host_user)
    response = client.post(reverse("applications:step", args=[app.pk, "recommender"]), {"recommender": university.pk})
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.recommender_id == other_host.county_id
    # Even if the row says so (data written around the form), the recommendation is refused.
    Application.objects.filter(pk=app.pk).update(recommender=university)
    Workstation.objects.filter(pk=app.workstation_id).update(recommender=university, state=State.SUBMITTED)
    app = Application.objects.get(pk=app.pk)
    with pytest.raises(TransitionRefused) as exc:
        services.application_recommend(application=app, actor=uni_clerk, opinion="同意。")
    assert university.name in str(exc.value)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED


def test_a_non_university_without_county_recognition_is_flagged(call, host_unit):
    app = make_application(host_unit=host_unit, call=call)
    source = check(app, "source")
    assert source.status == JUDGEMENT and not source.blocks
    assert "县级" in source.reason or "county-level" in source.reason
    # Recorded without its scan: the scan is a missing material.
    Application.objects.filter(pk=app.pk).update(
        county_recognition_county=host_unit.county,
        county_recognition_number="叶人社〔2024〕1号",
        county_recognition_date=dt.date(2024, 1, 2),
    )
    app.refresh_from_db()
    assert check(app, "source").status == MET
    assert any("认定文件" in p or "recognition document" in p for p in app.submission_problems())


# --- 2. required materials (Art. 7) ---------------------------------------------------------------------------------


def _drop(app, **lookup):
    Material.objects.filter(application=app, **lookup).delete()


@pytest.mark.parametrize(
    ("what", "words"),
    [
        ("further_id", "的身份证复印件"),
        ("certificate", "职业资格证书1项"),
        ("commendation", "表彰1项"),
        ("level", "荣誉证书的级别"),
        ("report", "申请报告"),
    ],
)
def test_submission_is_refused_without_each_required_material(call, host_unit, host_user, what, words):
    app = make_application(host_unit=host_unit, call=call)
    further = app.team_mentors()[0]
    if what == "further_id":
        _drop(app, mentor=further, kind=Material.Kind.ID_CARD)
    elif what == "certificate":
        _drop(app, mentor=further, kind=Material.Kind.CERTIFICATE)
    elif what in ("commendation", "level"):
        further.commendations = "平顶山市创业工作先进个人"
        further.save()
        if what == "level":
            attach_material(app, kind=Material.Kind.HONOUR, mentor=further, level="", title="荣誉证书")
    else:
        _drop(app, kind=Material.Kind.REPORT)
    app = Application.objects.get(pk=app.pk)
    with pytest.raises(TransitionRefused) as exc:
        services.application_submit(application=app, actor=host_user)
    assert words in str(exc.value)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.DRAFT
    assert not ApplicationSnapshot.objects.exists()


def test_the_checklist_names_the_missing_material_in_chinese(client, call, host_unit, host_user):
    app = make_application(host_unit=host_unit, call=call)
    further = app.team_mentors()[0]
    _drop(app, mentor=further, kind=Material.Kind.ID_CARD)
    client.force_login(host_user)
    page = client.get(reverse("applications:submit", args=[app.pk])).content.decode()
    assert f"{further.name}的身份证复印件" in page
    assert 'data-testid="confirm-submit"' not in page


def test_submitting_asks_for_confirmation_and_shows_what_is_sent(client, call, host_unit, host_user):
    app = make_application(host_unit=host_unit, call=call)
    client.force_login(host_user)
    page = client.get(reverse("applications:submit", args=[app.pk])).content.decode()
    assert 'data-testid="confirm-submit"' in page
    assert "申请报告" in page and "身份证" in page and str(app.recommender) in page
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.DRAFT  # looking is not submitting
    assert client.post(reverse("applications:submit", args=[app.pk])).status_code == 302
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED


# --- 3. frozen at submission -----------------------------------------------------------------------------------------


def test_a_mentor_edited_after_submission_leaves_the_form_and_the_experts_view_unchanged(
    client, call, host_unit, host_user, clerk, staff
):
    app = submitted(host_unit, call, actor=host_user)
    lead = app.lead_mentor
    services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
    vetting.application_qualify(application=app, actor=staff)
    review_round, experts, [cand] = open_round(staff, experts=3, workstations=[app.workstation])
    client.force_login(host_user)
    before_pdf = client.get(reverse("applications:pdf", args=[app.pk]))
    before_bytes = b"".join(before_pdf.streaming_content)
    assert "张伟" in pdf_text(before_bytes) and "高级创业咨询师" not in pdf_text(before_bytes)
    # The host unit edits the mentor record afterwards (mentor records are its own, reusable in later calls).
    lead.certificates = "高级创业咨询师"
    lead.years_of_service = 3
    services.mentor_save(mentor=lead, id_number=lead.id_number, actor=host_user)
    assert lead.history.count() >= 1
    after = client.get(reverse("applications:pdf", args=[app.pk]))
    assert b"".join(after.streaming_content) == before_bytes
    client.force_login(experts[0])
    for url in (
        reverse("applications:detail", args=[app.pk]),
        reverse("review:candidate_detail", args=[review_round.pk, cand.pk]),
    ):
        page = client.get(url).content.decode()
        assert "创业培训讲师职业资格证书" in page, url
        assert "高级创业咨询师" not in page, url


def test_a_return_unfreezes_and_the_next_submission_is_a_new_version_with_a_diff(
    client, call, host_unit, host_user, clerk
):
    app = submitted(host_unit, call, actor=host_user)
    services.application_return(application=app, actor=clerk, reason="请补充场地照片说明。")
    Application.objects.filter(pk=app.pk).update(site_address="建设路9号5楼")
    app = Application.objects.get(pk=app.pk)
    services.application_submit(application=app, actor=host_user)
    assert list(app.snapshots.values_list("version", flat=True)) == [2, 1]
    client.force_login(clerk)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    diff = page.split('data-testid="snapshot-diff"')[1].split("</table>")[0]
    assert "建设路1号3楼" in diff and "建设路9号5楼" in diff


def test_the_host_sees_the_return_reason_at_the_top(client, call, host_unit, host_user, clerk):
    app = submitted(host_unit, call, actor=host_user)
    services.application_return(application=app, actor=clerk, reason="请补充导师获奖证书扫描件。")
    client.force_login(host_user)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    top = page.split('data-testid="return-reason"')[1]
    assert "请补充导师获奖证书扫描件。" in top.split("</div>")[0]
    assert page.index('data-testid="return-reason"') < page.index('data-testid="app-name"')


# --- 4. Art. 5(2) for every mentor, Art. 3 host type ---------------------------------------------------------------


def test_art_5_2_is_checked_for_every_mentor(call, host_unit):
    app = make_application(host_unit=host_unit, call=call)
    further = app.team_mentors()[0]
    further.years_of_service = 4
    further.save()
    app = Application.objects.get(pk=app.pk)
    years = [c for c in app.eligibility() if c.code == "years" and further.name in c.label]
    assert years and years[0].status == NOT_MET and years[0].blocks


def test_a_claim_without_its_scan_needs_judgement_and_a_county_award_does_not_count(call, host_unit):
    app = make_application(host_unit=host_unit, call=call, materials=False)
    lead = app.lead_mentor
    merit = check(app, "lead_merit")
    assert merit.status == JUDGEMENT  # the certificate is claimed, no scan
    lead.certificates = ""
    lead.commendations = "宝丰县创业先进个人"
    lead.save()
    attach_material(app, kind=Material.Kind.HONOUR, mentor=lead, level="county")
    app = Application.objects.get(pk=app.pk)
    merit = check(app, "lead_merit")
    assert merit.status == JUDGEMENT
    assert "市级" in merit.reason


def test_host_type_is_required_and_other_kinds_are_flagged(call, host_unit):
    app = make_application(host_unit=host_unit, call=call)
    Application.objects.filter(pk=app.pk).update(host_type="")
    app.refresh_from_db()
    assert check(app, "host_type").blocks
    Application.objects.filter(pk=app.pk).update(host_type="other")
    app.refresh_from_db()
    flag = check(app, "host_type")
    assert flag.status == JUDGEMENT and not flag.blocks
    assert app.submission_problems() == []


# --- 5. the recommender's work -------------------------------------------------------------------------------------


def test_a_recommendation_after_the_deadline_is_refused(call, host_unit, host_user, clerk):
    app = submitted(host_unit, call, actor=host_user)
    call.closes_on = timezone.localdate() - dt.timedelta(days=10)
    call.opens_on = call.closes_on - dt.timedelta(days=20)
    call.recommendation_deadline = timezone.localdate() - dt.timedelta(days=1)
    call.save()
    app = Application.objects.get(pk=app.pk)
    with pytest.raises(TransitionRefused) as exc:
        services.application_recommend(application=app, actor=clerk, opinion="同意。")
    assert "推荐" in str(exc.value) and str(call.recommendation_deadline.day) in str(exc.value)
    app.workstation.refresh_from_db()
    assert app.workstation.state == State.SUBMITTED
    # On the deadline day itself it is still accepted ("截至" includes the day).
    call.recommendation_deadline = timezone.localdate()
    call.save()
    services.application_recommend(application=Application.objects.get(pk=app.pk), actor=clerk, opinion="同意。")


def test_recommending_needs_an_opinion_and_keeps_the_stamped_letter(client, call, host_unit, host_user, clerk):
    app = submitted(host_unit, call, actor=host_user)
    with pytest.raises(TransitionRefused):
        services.application_recommend(application=app, actor=clerk, opinion="  ")
    client.force_login(clerk)
    response = client.post(
        reverse("applications:decide", args=[app.pk]),
        {"action": "recommend", "opinion": "材料真实，同意推荐。", "letter": upload("letter.png", png_bytes())},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.recommendation_opinion == "材料真实，同意推荐。" and app.recommendation_letter is not None
    assert client.get(reverse("applications:recommendation_letter", args=[app.pk])).status_code == 200
    client.force_login(host_user)
    assert client.get(reverse("applications:recommendation_letter", args=[app.pk])).status_code == 403


def test_original_checked_per_material_by_the_recommender_only(client, call, host_unit, host_user, clerk, other_clerk):
    app = submitted(host_unit, call, actor=host_user)
    material = app.materials.filter(kind=Material.Kind.ID_CARD).first()
    url = reverse("applications:material_original", args=[app.pk, material.pk])
    client.force_login(other_clerk)
    assert client.post(url, {"checked": "1"}).status_code == 404
    client.force_login(clerk)
    assert client.post(url, {"checked": "1"}).status_code == 302
    material.refresh_from_db()
    assert material.original_checked_by == clerk and material.original_checked_at is not None
    page = client.get(reverse("applications:materials", args=[app.pk])).content.decode()
    assert 'data-testid="original-checked"' in page
    with pytest.raises(PermissionDenied):
        vetting.material_mark_original(material=material, checked=False, actor=host_user)


# --- 6. the city's qualification check ----------------------------------------------------------------------------


@pytest.fixture
def recommended(call, host_unit, host_user, clerk):
    app = submitted(host_unit, call, actor=host_user)
    return services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")


def test_a_recommended_candidate_cannot_go_to_review_before_the_qualification_check(staff, recommended):
    with pytest.raises(ReviewError):
        draft_round(staff, experts=3, workstations=[recommended.workstation])


def test_qualification_pass_then_review(client, staff, recommended):
    client.force_login(staff)
    response = client.post(reverse("applications:qualification", args=[recommended.pk]), {"action": "qualify"})
    assert response.status_code == 302
    recommended.workstation.refresh_from_db()
    assert recommended.workstation.state == State.QUALIFIED
    review_round, _experts, _cands = draft_round(staff, experts=3, workstations=[recommended.workstation])
    assert review_round.candidates.count() == 1


def test_ruling_ineligible_needs_a_reason_and_ends_the_candidacy(client, staff, recommended, host_user):
    url = reverse("applications:qualification", args=[recommended.pk])
    client.force_login(staff)
    client.post(url, {"action": "ineligible", "reason": ""})
    recommended.workstation.refresh_from_db()
    assert recommended.workstation.state == State.RECOMMENDED
    client.post(url, {"action": "ineligible", "reason": "实地考察发现场地未落实。"})
    recommended.workstation.refresh_from_db()
    assert recommended.workstation.state == State.INELIGIBLE
    assert recommended.workstation.transitions.last().reason == "实地考察发现场地未落实。"
    client.force_login(host_user)
    page = client.get(reverse("applications:detail", args=[recommended.pk])).content.decode()
    assert "实地考察发现场地未落实。" in page.split('data-testid="final-reason"')[1]


@pytest.mark.parametrize("who", ["clerk", "host_user", "supervisor", "expert"])
def test_only_city_staff_run_the_qualification_check(request, recommended, who):
    with pytest.raises(PermissionDenied):
        workstation_transition(
            workstation=recommended.workstation, transition="qualify", actor=request.getfixturevalue(who)
        )


def test_site_visit_with_photos(client, staff, recommended, host_user, other_host_user):
    url = reverse("applications:site_visit_add", args=[recommended.pk])
    client.force_login(staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(url, {"visited_on": tomorrow.isoformat(), "people": "王建国", "findings": "场地一致。"})
    assert not SiteVisit.objects.exists()
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "people": "王建国、李晓梅",
            "findings": "场地、设备与申报一致。",
            "photos": [upload("a.png", png_bytes()), upload("b.png", png_bytes())],
        },
    )
    assert response.status_code == 302
    visit = SiteVisit.objects.get()
    assert visit.photos.count() == 2 and visit.recorded_by == staff
    photo_url = reverse("applications:site_visit_photo", args=[recommended.pk, visit.photos.first().pk])
    assert client.get(photo_url).status_code == 200
    client.force_login(other_host_user)
    assert client.get(photo_url).status_code == 404


# --- issue 15: resume the empty draft, withdraw a draft --------------------------------------------------------------


def test_start_resumes_the_empty_draft_instead_of_making_another(client, call, host_user):
    client.force_login(host_user)
    url = reverse("applications:start", args=[call.pk])
    client.post(url)
    client.post(url)
    assert Application.objects.filter(call=call).count() == 1
    app = Application.objects.get(call=call)
    lead = MentorFactory(host_unit=host_user.organisation)
    Application.objects.filter(pk=app.pk).update(lead_mentor=lead)
    client.post(url)  # the first draft is no longer empty: a second workstation may be applied for
    assert Application.objects.filter(call=call).count() == 2


def test_a_draft_can_be_withdrawn_after_confirmation_but_a_submitted_one_cannot(client, call, host_unit, host_user):
    draft = make_application(host_unit=host_unit, call=call)
    client.force_login(host_user)
    url = reverse("applications:withdraw", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="withdraw-consequence"' in page
    assert Application.objects.filter(pk=draft.pk).exists()
    assert client.post(url).status_code == 302
    assert not Application.objects.filter(pk=draft.pk).exists()
    other = submitted(host_unit, call, actor=host_user)
    with pytest.raises(TransitionRefused):
        services.application_withdraw_draft(application=other, actor=host_user)
    assert client.post(reverse("applications:withdraw", args=[other.pk])).status_code in (302, 403)
    assert Application.objects.filter(pk=other.pk).exists()


# --- issue 19 item 8 and issue 14: the stored 申报表 masks the phone ------------------------------------------------


def test_the_submitted_form_is_rendered_once_stored_and_masks_the_phone(
    client, call, host_unit, host_user, monkeypatch
):
    app = submitted(host_unit, call, actor=host_user)
    client.force_login(host_user)
    first = b"".join(client.get(reverse("applications:pdf", args=[app.pk])).streaming_content)
    text = pdf_text(first)
    assert "138****5678" in text and "13812345678" not in text
    snapshot = app.snapshots.get()
    assert snapshot.pdf

    def boom(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("applications.documents.render_pdf", boom)
    again = b"".join(client.get(reverse("applications:pdf", args=[app.pk])).streaming_content)
    assert again == first
