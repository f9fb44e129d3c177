"""Art. 6(4), 11(4): official documents under the number the office assigned, in the layout of GB/T 9704-2012."""

import datetime as dt
import shutil
import subprocess
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone

from portal.documents import rendering
from portal.documents.models import DocumentNumber, OfficialDocument, Verification
from portal.documents.rendering import official_date, render_official_document, uses_harfbuzz_subset
from portal.documents.services import (
    DocumentRefused,
    document_issue,
    format_document_number,
    number_register_text,
    parse_document_number,
    suggest_number,
)
from tests.portal.pdf_checks import (
    all_fonts_embedded,
    page_count,
    page_size_mm,
    pdf_fonts,
    pdffonts_names,
    pdftotext_layout,
    save_artifact,
)

ISSUER = "平顶山市人力资源和社会保障局"
NAMES = ["张明远大众创业指导大师工作室", "刘思琪大众创业指导大师工作室", "欧阳雪大众创业指导大师工作室"]
BODY = {
    "paragraphs": ["经申报推荐、专家评审和公示，决定认定张明远大众创业指导大师工作室等3个工作室（名单见附件）。"],
    "attachments": [
        {
            "title": "2026年度平顶山市大众创业指导大师工作室名单",
            "columns": ["工作室名称", "所在单位", "县（市、区）"],
            "rows": [[n, "鹰城创业孵化基地", "新华区"] for n in NAMES],
        }
    ],
    "closing": ["请各工作室所在单位加强管理和支持。"],
}
poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def issue(actor, seq=12, day=dt.date(2026, 5, 20), render=False, **kwargs):
    return document_issue(
        kind=OfficialDocument.Kind.CONFIRMATION,
        title="关于认定2026年度平顶山市大众创业指导大师工作室的通知",
        addressees="各县（市、区）人力资源和社会保障局",
        body=BODY,
        actor=actor,
        seq=seq,
        issued_on=day,
        render=render,
        **kwargs,
    )


def test_number_format_has_no_leading_zeros_and_parses_back():
    assert format_document_number(2026, 12) == "平人社〔2026〕12号"
    assert format_document_number(2026, 1, prefix="平人社办") == "平人社办〔2026〕1号"
    assert parse_document_number("平人社办〔2024〕44号") == ("平人社办", 2024, 44)
    assert parse_document_number("平人社〔2026〕0号") is None
    assert parse_document_number("第12号") is None
    assert official_date(dt.date(2026, 5, 6)) == "2026年5月6日"


@pytest.mark.django_db
def test_the_number_is_the_one_staff_entered_and_who_entered_it_is_recorded(staff):
    document = issue(staff, seq=12)
    assert document.number == "平人社〔2026〕12号"
    registered = DocumentNumber.objects.get(number=document.number)
    assert registered.entered_by == staff and registered.kind == "confirmation"
    assert suggest_number(kind="confirmation", year=2026) == (13, "平人社〔2026〕13号")
    assert suggest_number(kind="confirmation", year=2027) == (1, "平人社〔2027〕1号")


@pytest.mark.django_db
def test_a_duplicate_number_in_its_series_and_year_is_refused(staff, staff2, settings):
    issue(staff, seq=12)
    with pytest.raises(DocumentRefused) as refused:
        issue(staff2, seq=12)
    assert "平人社〔2026〕12号" in str(refused.value) and "平人社〔2026〕13号" in str(refused.value)
    assert OfficialDocument.objects.count() == 1
    # A call registered under the same series takes its number too.
    number_register_text(kind="call", number="平人社〔2026〕13号", actor=staff)
    with pytest.raises(DocumentRefused):
        issue(staff, seq=13)
    # The same figure in another year, or in another series the office configured, is a different number.
    assert issue(staff, seq=12, day=dt.date(2025, 12, 30)).number == "平人社〔2025〕12号"
    settings.DOCUMENT_SERIES = {**settings.DOCUMENT_SERIES, "confirmation": "平人社办"}
    assert issue(staff, seq=12).number == "平人社办〔2026〕12号"


@pytest.mark.django_db
def test_an_issue_date_before_the_decision_or_in_the_future_is_refused(staff):
    with pytest.raises(DocumentRefused, match="2026年5月20日"):
        issue(staff, day=dt.date(2026, 5, 20), decided_on=dt.date(2026, 5, 21))
    with pytest.raises(DocumentRefused):
        issue(staff, day=timezone.localdate() + dt.timedelta(days=1))
    assert not DocumentNumber.objects.exists()
    assert issue(staff, day=dt.date(2026, 5, 21), decided_on=dt.date(2026, 5, 21)).decided_on == dt.date(2026, 5, 21)


@pytest.mark.django_db
def test_a_failed_issue_keeps_the_number_free(staff, monkeypatch):
    def broken(document, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(rendering, "render_official_document", broken)
    with pytest.raises(RuntimeError):
        issue(staff, render=True)
    monkeypatch.undo()
    assert not DocumentNumber.objects.exists() and not Verification.objects.exists()
    assert issue(staff).number == "平人社〔2026〕12号"


@poppler
@pytest.mark.django_db
def test_issued_pdf_follows_gbt_9704(staff):
    document = issue(staff, render=True)
    data = document.pdf.read()
    assert "private" in document.pdf.path
    save_artifact("confirmation", data)
    layout = pdftotext_layout(data)
    lines = [line.strip() for line in layout.splitlines()]
    assert f"{ISSUER}文件" in lines[0].replace(" ", "")
    assert "平人社〔2026〕12号" in layout
    # The issuer above the date, on one line of its own (never "…社会保 / 障局").
    assert ISSUER in lines and lines[lines.index(ISSUER) + 1] == "2026年5月20日"
    assert any(line.startswith("附件：2026年度平顶山市大众创业指导大师工作室名单") for line in lines)
    assert "（此件公开发布）" in lines
    # The list is an attachment on its own page, headed "附件", with headers unbroken.
    attachment_page = layout.split("\f")[-2] if layout.endswith("\f") else layout.split("\f")[-1]
    assert attachment_page.strip().startswith("附件")
    header_line = next(line for line in lines if "序号" in line)
    assert "县（市、区）" in header_line.replace(" ", "") and "工作室名称" in header_line.replace(" ", "")
    for name in NAMES:
        assert name in layout
    assert "—1—" in layout.replace(" ", "")
    assert page_size_mm(data) == (210.0, 297.0)
    # The body in a 仿宋 face (FandolFang), title and header in 宋/标宋, all embedded.
    fonts = pdffonts_names(data)
    assert "FandolFang" in fonts, fonts
    assert any(f.startswith("Noto-Serif-CJK-SC-Bold") or f.startswith("NotoSerifCJK") for f in fonts), fonts
    assert all_fonts_embedded(data)
    # The verification code and its address are printed; the hash of the stored PDF is kept.
    code = document.verification.code
    assert f"{code[:4]}-{code[4:]}" in layout
    import hashlib

    document.verification.refresh_from_db()
    assert document.verification.sha256 == hashlib.sha256(data).hexdigest()


@poppler
@pytest.mark.django_db
def test_signature_stays_with_the_last_paragraph(staff):
    """A body that fills page 1 exactly: the last paragraph moves with the signature, never the signature alone."""
    for count in range(6, 16):
        document = issue(staff, seq=100 + count)
        document.body = {"paragraphs": ["本段用于测试分页。" * 9] * count}
        pages = pdftotext_layout(render_official_document(document)).split("\f")
        signature_page = next(p for p in pages if ISSUER in [line.strip() for line in p.splitlines()])
        body_lines = [
            line.strip()
            for line in signature_page.splitlines()
            if line.strip().startswith("本段") or line.strip().startswith("本段用于测试分页。")
        ]
        assert body_lines, f"{count} paragraphs: the signature stands alone on its page"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
@pytest.mark.django_db
def test_rendered_page_has_no_missing_glyphs(staff, tmp_path):
    document = issue(staff)
    data = render_official_document(document)
    (tmp_path / "doc.pdf").write_bytes(data)
    result = subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        capture_output=True,
        check=True,
    )
    assert b"Missing" not in result.stderr and b"notdef" not in result.stderr.lower()
    assert (tmp_path / "page-1.png").stat().st_size > 5000


@pytest.mark.django_db
def test_fifty_name_confirmation_embeds_subset_fonts(staff):
    """Whole CJK fonts (10+ MB each) instead of subsets make a page take seconds and a file of megabytes: the file's
    size and fonts say which. How long it takes is a figure of ``benchmarks/pdfs.py`` ("confirmation document, 50
    names"), not of a test: on a shared host CPU time itself moved from 0.33 to 1.1 s."""
    assert uses_harfbuzz_subset()
    document = issue(staff, render=True)
    rows = [[f"测试{i}号大众创业指导大师工作室", "鹰城创业孵化基地", "新华区"] for i in range(50)]
    document.body = {**BODY, "attachments": [{**BODY["attachments"][0], "rows": rows}]}
    data = render_official_document(document)
    assert page_count(data) >= 3
    save_artifact("confirmation-50-names", data)
    assert len(data) < 600_000  # subset fonts, not whole CJK fonts of 10+ MB
    assert {"FandolFang"} <= pdf_fonts(data)


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_entering_the_same_number_at_once_get_it_once(staff, staff2):
    results, barrier = [], threading.Barrier(2)

    def work(actor):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                issue(actor, seq=7)
                time.sleep(0.05)
            results.append("ok")
        except DocumentRefused:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in (staff, staff2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert OfficialDocument.objects.filter(number="平人社〔2026〕7号").count() == 1
