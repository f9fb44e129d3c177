"""The guided form keeps what was typed on errors; mentors' IDs are checked; the PDF carries names and labels."""

import datetime
import io

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, Mentor
from portal.crypto import blind_index
from portal.idcard import make_id_number
from tests.applications.factories import CallFactory, make_application

VALID_ID = make_id_number("410402", datetime.date(1978, 6, 15), 123)


@pytest.mark.django_db
def test_step_with_an_error_keeps_everything_typed(client, host_user, host_unit):
    app = make_application(host_unit=host_unit, complete=False)
    client.force_login(host_user)
    url = reverse("applications:step", args=[app.pk, "unit"])
    data = {
        "host_type": "startup_service",
        "unit_profile": "我们的简介很长",
        "address": "建设路8号",
        "contact_person": "王主任",
        "contact_phone": "12345",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    for value in data.values():
        assert value in page
    assert "手机号码" in page
    app.refresh_from_db()
    assert app.address == ""  # an invalid step is not half-saved
    data["contact_phone"] = "13912345678"
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("/step/team/")
    app.refresh_from_db()
    assert app.contact_phone == "13912345678"
    assert app.masked_contact_phone == "139****5678"


@pytest.mark.django_db
def test_mentor_id_number_is_validated_encrypted_and_masked(client, host_user):
    client.force_login(host_user)
    data = {
        "name": "赵六",
        "id_number_input": VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"),
        "phone": "13712345678",
        "years_of_service": 6,
        "position": "导师",
    }
    response = client.post(reverse("applications:mentor_create"), data)
    assert response.status_code == 200
    assert "GB 11643" in response.content.decode()
    assert "赵六" in response.content.decode()
    data["id_number_input"] = VALID_ID
    assert client.post(reverse("applications:mentor_create"), data).status_code == 302
    mentor = Mentor.objects.get()
    assert mentor.id_number == VALID_ID
    with connection.cursor() as cursor:
        cursor.execute("select id_number, phone from applications_mentor where id = %s", [mentor.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert VALID_ID not in stored_id and stored_id.startswith("enc:")
    assert "13712345678" not in stored_phone
    assert mentor.id_number_index == blind_index(VALID_ID)
    page = client.get(reverse("applications:mentor_list")).content.decode()
    assert "410402********" + VALID_ID[-4:] in page
    assert VALID_ID not in page
    # The same person cannot be entered twice.
    response = client.post(reverse("applications:mentor_create"), data)
    assert "已有此身份证号码" in response.content.decode()


@pytest.mark.django_db
def test_application_form_pdf_text(client, host_user, host_unit):
    app = make_application(host_unit=host_unit)
    client.force_login(host_user)
    response = client.get(reverse("applications:pdf", args=[app.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ["张伟", "平顶山市大众创业指导大师工作室申报表", "领衔创业导师", "申报条件核查表", "附件材料清单"]:
        assert expected in text
    assert VALID_ID not in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        if hasattr(font, "get")
    } | {
        str(page["/Resources"]["/Font"][key].get_object().get("/BaseFont"))
        for page in reader.pages
        for key in page["/Resources"].get("/Font", {})
    }
    assert any("CJK" in f for f in fonts), fonts


@pytest.mark.django_db
def test_start_application_from_call_page(client, host_user, host_unit):
    call = CallFactory()
    client.force_login(host_user)
    response = client.post(reverse("applications:start", args=[call.pk]))
    app = Application.objects.get()
    assert response["Location"] == reverse("applications:step", args=[app.pk, "unit"])
    assert app.workstation.host_unit == host_unit
