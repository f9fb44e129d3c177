"""Shared pieces: private uploads, encrypted personal data, Excel neutralisation, PDF rendering, formatting."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from portal import crypto, formatting
from portal.excel import Sheet, new_workbook, safe_cell
from portal.pdf import render_pdf
from portal.uploads import file_response, store_upload, validate_upload

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_uploads_are_checked_by_content_not_by_name(settings):
    assert validate_upload(SimpleUploadedFile("scan.png", PNG)) == "image/png"
    assert validate_upload(SimpleUploadedFile("whatever.bin", PDF)) == "application/pdf"
    for name, data in [
        ("证书.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("setup.png", b"MZ\x90\x00" + b"\x00" * 64),
    ]:
        with translation.override("zh-hans"), pytest.raises(ValidationError, match=r"不是 PDF、JPEG 或 PNG 文件"):
            validate_upload(SimpleUploadedFile(name, data))


def test_oversized_upload_is_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with translation.override("en"), pytest.raises(ValidationError, match="at most"):
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))


@pytest.mark.django_db
def test_replacing_a_file_keeps_the_old_version(host_user):
    first = store_upload(uploaded=SimpleUploadedFile("a.png", PNG), actor=host_user)
    second = store_upload(uploaded=SimpleUploadedFile("b.pdf", PDF), actor=host_user, replaces=first)
    assert [v.original_name for v in second.versions()] == ["b.pdf", "a.png"]
    assert first.file.storage.exists(first.file.name)
    response = file_response(second)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_personal_data_is_encrypted_and_survives_key_rotation(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old-key"]
    token = crypto.encrypt("13800001234")
    assert "13800001234" not in token and crypto.decrypt(token) == "13800001234"
    settings.FIELD_ENCRYPTION_KEYS = ["new-key", "old-key"]
    assert crypto.decrypt(token) == "13800001234"
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = ["new-key"]
    assert crypto.decrypt(rotated) == "13800001234"
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_excel_cells_cannot_carry_formulas():
    for dangerous in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")']:
        assert safe_cell(dangerous).startswith("'")
    assert safe_cell("张伟") == "张伟" and safe_cell(Decimal("1.50")) == Decimal("1.50")
    wb = new_workbook()
    sheet = Sheet(wb, "表", ["名称", "金额"], caption="测试")
    sheet.row(["=cmd|' /C calc'!A0", Decimal("12345.60")])
    buffer = io.BytesIO()
    wb.save(buffer)
    cells = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert cells[2][0].startswith("'=") and cells[2][1] == 12345.6


def test_pdf_renders_chinese_text_with_an_embedded_cjk_font():
    content = render_pdf("500.html")
    reader = PdfReader(io.BytesIO(content))
    assert "服务器错误" in reader.pages[0].extract_text()
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts


def test_money_dates_and_masks_as_chinese_users_expect():
    from datetime import date

    with translation.override("zh-hans"):
        assert formatting.format_yuan(Decimal("50000")) == "50,000.00元"
        assert formatting.format_date(date(2026, 5, 1)) == "2026年5月1日"
    with translation.override("en"):
        assert formatting.format_yuan(Decimal("0.5")) == "¥0.50"
    assert formatting.mask_id_number("410402198005011233") == "410402********1233"
    assert formatting.mask_phone("13800001234") == "138****1234"
