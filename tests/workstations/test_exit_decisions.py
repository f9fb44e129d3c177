"""Issue 17: an exit is decided by a 决定 under the office's number — facts and grounds, the host unit's statement
and the answer, the decision, what follows, the remedies — dated no earlier than the case it decides; the plaque's
public verification page then says it is revoked."""

import re
import shutil
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.documents.models import Verification
from tests.portal.pdf_checks import pdffonts_names, pdftotext_layout, save_artifact
from tests.workstations.exit_helpers import failed_rectification
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models.exits import ExitCase, ExitGround
from workstations.models.plaques import Plaque
from workstations.services.exits import ExitRefused, exit_confirm, exit_propose, exit_request, exit_statement
from workstations.services.plaques import plaque_render_store

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]
ISSUER = "平顶山市人力资源和社会保障局"


@pytest.fixture
def ws(host_unit, staff):
    from portal.documents.services import verification_create

    workstation = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, lead_mentor_name="张伟", certified_on=date(2024, 1, 1)
    )
    Plaque.objects.create(
        workstation=workstation,
        number="平创导2024-001",
        name=workstation.name,
        issued_on=date(2024, 1, 5),
        issued_by=staff,
        handed_over_to="王主任",
        handed_over_on=date(2024, 1, 8),
    )
    verification_create(
        subject=Verification.Subject.PLAQUE,
        number="平创导2024-001",
        title=workstation.name,
        issuer=ISSUER,
        issued_on=date(2024, 1, 5),
    )
    return workstation


def _lines(document) -> list[str]:
    """The text lines, without the page numbers (— 1 —) that interrupt a paragraph running over a page."""
    document.pdf.open("rb")
    with document.pdf as fh:
        data = fh.read()
    save_artifact(document.kind, data)  # deregistration / revocation
    lines = [line.strip() for line in pdftotext_layout(data).splitlines()]
    return [line for line in lines if not re.fullmatch(r"—\s*\d+\s*—", line)]


def _forced_case(ws, staff, host_user):
    case = exit_propose(
        workstation=ws,
        ground=ExitGround.FAILED_RECTIFICATION,
        facts="2025年度评价不合格，限期整改后复评仍不达标",
        actor=staff,
        evidence_record=str(failed_rectification(ws).pk),  # issue 15: the exit rests on the failed rectification
    )
    exit_statement(case=case, statement="整改期间导师外出培训，请求延期。", actor=host_user)
    return case


def test_a_revocation_is_a_decision_with_the_statement_answered_and_the_remedies(ws, staff, staff2, host_user):
    case = _forced_case(ws, staff, host_user)
    done = exit_confirm(
        case=case,
        actor=staff2,
        seq=23,
        issued_on=timezone.localdate(),
        statement_reply="外出培训不属于不能整改的正当理由，且整改期限内未提出延期申请，陈述意见不予采纳",
    )
    document = done.document
    assert document.number == f"平人社〔{timezone.localdate().year}〕23号"
    assert document.title == "关于撤销张伟大众创业指导大师工作室认定的决定"
    text = "".join(_lines(document))
    assert "特此通知" not in text
    for expected in [
        "经查，2025年度评价不合格",
        "第十一条第（四）项第2目",
        "整改期间导师外出培训，请求延期。",
        "经复核，外出培训不属于不能整改的正当理由",
        "我局决定：撤销张伟大众创业指导大师工作室的平顶山市大众创业指导大师工作室认定",
        "收回牌匾（编号：平创导2024-001）",
        "六十日内向平顶山市人民政府申请行政复议",
        "六个月内向有管辖权的人民法院提起行政诉讼",
        "（此件公开发布）",
    ]:
        assert expected in text.replace(" ", ""), expected
    lines = _lines(document)
    assert ISSUER in lines  # the issuer on one line
    # The title is broken where the sense allows, not inside a phrase.
    assert lines[lines.index("关于撤销张伟大众创业指导大师工作室") + 1] == "认定的决定"
    document.pdf.open("rb")
    with document.pdf as fh:
        assert "FandolFang" in pdffonts_names(fh.read())
    plaque_record = Verification.objects.get(number="平创导2024-001")
    assert plaque_record.revoked_by == document.number and plaque_record.revoked_on == timezone.localdate()


def test_a_statement_must_be_answered_and_the_date_may_not_precede_the_case(ws, staff, staff2, host_user):
    case = _forced_case(ws, staff, host_user)
    with pytest.raises(ExitRefused):
        exit_confirm(case=case, actor=staff2, seq=23, issued_on=timezone.localdate())
    before = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ExitRefused):
        exit_confirm(case=case, actor=staff2, seq=23, issued_on=before, statement_reply="不予采纳")
    assert ExitCase.objects.get(pk=case.pk).status == "proposed"


def test_a_deregistration_on_request_is_a_decision_too(ws, staff, host_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.portal.test_infrastructure import PDF

    case = exit_request(
        workstation=ws, reason="单位业务调整", signature_page=SimpleUploadedFile("a.pdf", PDF), actor=host_user
    )
    done = exit_confirm(case=case, actor=staff, seq=4, issued_on=timezone.localdate())
    text = "".join(_lines(done.document)).replace(" ", "")
    assert done.document.title == "关于注销张伟大众创业指导大师工作室的决定"
    assert "申请注销该工作室，理由为：单位业务调整。" in text and "第十一条第（四）项第1目" in text
    assert "我局决定：注销张伟大众创业指导大师工作室" in text
    assert "行政复议" in text and "行政诉讼" in text and "特此通知" not in text


def test_the_plaque_verification_page_shows_the_revocation(client, ws, staff, staff2, host_user):
    plaque = ws.plaque
    plaque_render_store(plaque.pk)
    record = Verification.objects.get(number=plaque.number)
    url = reverse("publicity_public:verify", args=[record.code])
    page = client.get(url).content.decode()
    assert plaque.number in page and 'data-testid="verify-standing"' in page
    case = _forced_case(ws, staff, host_user)
    done = exit_confirm(case=case, actor=staff2, seq=30, issued_on=timezone.localdate(), statement_reply="不予采纳")
    page = client.get(url).content.decode()
    assert done.document.number in page and "alert-danger" in page
