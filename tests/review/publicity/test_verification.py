"""Issue 17 item 4: anyone can verify an issued document or plaque (扫码验真) — by its code, and by uploading the PDF
they hold; a modified PDF is rejected; uploads are capped and rate-limited like the other public forms."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(staff):
    return document_issue(
        kind=OfficialDocument.Kind.CONFIRMATION,
        title="关于认定2026年度平顶山市大众创业指导大师工作室的通知",
        addressees="各县（市、区）人力资源和社会保障局",
        body={"paragraphs": ["决定认定张伟大众创业指导大师工作室。"]},
        actor=staff,
        seq=12,
        issued_on=dt.date(2026, 5, 20),
    )


def _pdf(document) -> bytes:
    with document.pdf.open("rb") as fh:
        return fh.read()


def test_the_page_shows_number_title_date_issuer_hash_and_standing(client, document):
    url = reverse("publicity_public:verify", args=[document.verification.code])
    page = client.get(url).content.decode()
    data = _pdf(document)
    for expected in [
        "平人社〔2026〕12号",
        "关于认定2026年度平顶山市大众创业指导大师工作室的通知",
        "2026年5月20日",
        "平顶山市人力资源和社会保障局",
        hashlib.sha256(data).hexdigest(),
        "alert-success",
    ]:
        assert expected in page, expected
    # The code is typed as printed (ABCD-EFGH, any case) from the index page.
    code = document.verification.code
    response = client.get(reverse("publicity_public:verify_index"), {"code": f"{code[:4].lower()}-{code[4:]}"})
    assert response.status_code == 302 and response["Location"] == url


def test_an_issued_pdf_is_confirmed_and_a_modified_one_rejected(client, document):
    url = reverse("publicity_public:verify", args=[document.verification.code])
    data = _pdf(document)
    page = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", data, "application/pdf")}).content.decode()
    assert (
        'data-testid="verify-result"' in page and "alert-success" in page.split('data-testid="verify-result"')[0][-80:]
    )
    tampered = data.replace("平人社".encode("utf-16-be"), "平人办".encode("utf-16-be"), 1)
    tampered = tampered if tampered != data else data[:-10] + b"%%EOF\n\n\n\n"
    page = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", tampered, "application/pdf")}).content.decode()
    result = page.split('data-testid="verify-result"')[0][-80:]
    assert "alert-danger" in result and hashlib.sha256(tampered).hexdigest() in page


def test_an_unknown_code_is_a_404_and_lookups_and_uploads_are_rate_limited(client, document, settings):
    from django.core.cache import cache

    cache.clear()
    assert client.get(reverse("publicity_public:verify", args=["ZZZZZZZZ"])).status_code == 404
    statuses = [client.get(reverse("publicity_public:verify", args=["ZZZZZZZZ"])).status_code for _ in range(65)]
    assert statuses[-1] == 429
    url = reverse("publicity_public:verify", args=[document.verification.code])
    settings.VERIFY_UPLOAD_MAX_BYTES = 1000
    response = client.post(url, {"pdf": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)})
    assert response.status_code == 400
    statuses = [client.post(url, {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1")}).status_code for _ in range(21)]
    assert statuses[-1] == 429
    cache.clear()


def test_a_revoked_item_says_by_which_document(client, document):
    from portal.documents.services import verification_revoke

    verification_revoke(
        verification=document.verification, by_number="平人社〔2026〕30号", revoked_on=dt.date(2026, 9, 1)
    )
    page = client.get(reverse("publicity_public:verify", args=[document.verification.code])).content.decode()
    assert "平人社〔2026〕30号" in page and "2026年9月1日" in page and "alert-danger" in page
