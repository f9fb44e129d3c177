"""Art. 6(4), 11(4): numbered official documents — gapless per-year numbers and the GB/T 9704-2012 layout PDF."""

import datetime as dt
import shutil
import subprocess
import threading
import time

import pytest
from django.db import connection, transaction

from portal.documents import rendering
from portal.documents.models import OfficialDocument
from portal.documents.rendering import official_date, render_official_document, uses_harfbuzz_subset
from portal.documents.services import document_issue, format_document_number
from tests.portal.pdf_checks import all_fonts_embedded, page_count, page_size_mm, pdf_fonts, pdf_text

NAMES = ["张明远大众创业指导大师工作室", "刘思琪大众创业指导大师工作室", "欧阳雪大众创业指导大师工作室"]
BODY = {
    "paragraphs": ["经申报推荐、专家评审和公示，确认以下工作室为市级大众创业指导大师工作室。"],
    "table": {"columns": ["工作室名称", "所在单位"], "rows": [[n, "鹰城创业孵化基地"] for n in NAMES]},
    "closing": ["特此通知。"],
}


def issue(actor, day=dt.date(2026, 5, 20), render=False, **kwargs):
    return document_issue(
        kind=OfficialDocument.Kind.CONFIRMATION,
        title="关于确认2026年度市级大众创业指导大师工作室的通知",
        addressees="各县（市、区）人力资源和社会保障局",
        body=BODY,
        actor=actor,
        issued_on=day,
        render=render,
        **kwargs,
    )


def test_number_format_has_no_leading_zeros():
    assert format_document_number(2026, 12) == "平人社〔2026〕12号"
    assert format_document_number(2026, 1, prefix="平人社办") == "平人社办〔2026〕1号"
    assert official_date(dt.date(2026, 5, 6)) == "2026年5月6日"


@pytest.mark.django_db
def test_numbers_are_consecutive_per_year(staff):
    numbers = [issue(staff).number for _ in range(3)]
    assert numbers == ["平人社〔2026〕1号", "平人社〔2026〕2号", "平人社〔2026〕3号"]
    assert issue(staff, day=dt.date(2027, 1, 4)).number == "平人社〔2027〕1号"
    assert issue(staff).number == "平人社〔2026〕4号"


@pytest.mark.django_db
def test_a_failed_issue_leaves_no_gap(staff, monkeypatch):
    issue(staff)

    def broken(document):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(rendering, "render_official_document", broken)
    with pytest.raises(RuntimeError):
        issue(staff, render=True)
    monkeypatch.undo()
    assert issue(staff).number == "平人社〔2026〕2号"
    assert OfficialDocument.objects.count() == 2


@pytest.mark.django_db
def test_issued_document_pdf_is_stored_privately_and_has_the_layout(staff, settings):
    document = issue(staff, render=True)
    data = document.pdf.read()
    assert document.pdf.storage is not None and "private" in document.pdf.path
    text = pdf_text(data)
    for expected in [
        "平顶山市人力资源和社会保障局文件",
        "平人社〔2026〕1号",
        "关于确认2026年度市级大众创业指导大师工作室的通知",
        "各县（市、区）人力资源和社会保障局：",
        *NAMES,
        "2026年5月20日",
        "— 1 —",
    ]:
        assert expected in text, expected
    assert page_size_mm(data) == (210.0, 297.0)
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"} <= pdf_fonts(data)
    assert all(name.startswith("Noto-") for name in pdf_fonts(data))
    assert all_fonts_embedded(data)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
@pytest.mark.django_db
def test_rendered_page_has_no_missing_glyphs(staff, tmp_path):
    """Poppler reports a glyph the font lacks; the header in red ink covers the top of page 1."""
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
def test_one_page_renders_quickly_with_harfbuzz_subsetting(staff):
    assert uses_harfbuzz_subset()
    document = issue(staff)
    document.body = {"paragraphs": ["特此通知。"]}
    render_official_document(document)  # warm the font cache
    started = time.perf_counter()
    data = render_official_document(document)
    elapsed = time.perf_counter() - started
    assert page_count(data) == 1
    assert len(data) < 400_000  # subset fonts, not whole CJK fonts of 20+ MB
    assert elapsed < 5, f"one page took {elapsed:.2f}s"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_unique_consecutive_numbers(staff):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    workers, per_worker = 6, 3
    numbers, errors = [], []
    barrier = threading.Barrier(workers)

    def work():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for _ in range(per_worker):
                with transaction.atomic():
                    document = issue(staff)
                    time.sleep(0.01)  # keep the lock a moment, as rendering would
                numbers.append(document.seq)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, workers * per_worker + 1))
    assert OfficialDocument.objects.filter(year=2026).count() == workers * per_worker
