"""Issue 14, item 4 (requests): the client's address, body caps, download names, and no-store on private pages."""

import importlib.util
import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from portal.audit import AuditEvent
from portal.http import client_ip
from portal.uploads import download_name, file_response, store_upload
from tests.security.world import pdf_bytes

ROOT = Path(__file__).resolve().parents[2]


def _request(remote="203.0.113.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_forwarded_address_counts_only_from_a_trusted_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.5", "198.51.100.4")) == "10.0.0.5"
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_ip(_request("10.0.0.5", "198.51.100.4")) == "198.51.100.4"
    # The rightmost untrusted hop wins; what the client wrote in front of it is ignored.
    assert client_ip(_request("10.0.0.5", "1.1.1.1, 198.51.100.4, 192.0.2.1")) == "198.51.100.4"
    # An outsider who sends the header directly is taken at its connecting address.
    assert client_ip(_request("203.0.113.9", "10.0.0.1")) == "203.0.113.9"
    assert client_ip(_request("10.0.0.5", "not-an-ip")) == "10.0.0.5"


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_behind_the_proxy(client, settings, staff):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.post(
        reverse("login"),
        {"username": staff.username, "password": "Test@pass123"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert AuditEvent.objects.get(action="auth.login").ip == "198.51.100.4"


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True])
def test_an_oversized_body_is_refused_from_its_length_before_it_is_read(client, staff, logged_in):
    if logged_in:
        client.force_login(staff)
    response = client.generic(
        "POST",
        reverse("login"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()


def test_form_fields_and_in_memory_uploads_are_capped():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2621440
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2621440
    assert django_settings.PORTAL_MAX_REQUEST_BYTES < 60 * 1024 * 1024


def test_gunicorn_enforces_the_same_body_limit():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.MAX_REQUEST_BYTES == django_settings.PORTAL_MAX_REQUEST_BYTES
    calls = []

    def app(environ, start_response):
        calls.append(environ)
        start_response("200 OK", [])
        return [b"ok"]

    class Worker:
        pass

    worker = Worker()
    worker.wsgi = app
    conf.post_worker_init(worker)
    statuses = []
    big = {"CONTENT_LENGTH": str(conf.MAX_REQUEST_BYTES + 1), "wsgi.input": _Unreadable()}
    assert worker.wsgi(big, lambda status, headers: statuses.append(status)) == [b"Request body too large"]
    assert statuses == ["413 Content Too Large"] and not calls
    assert worker.wsgi({"CONTENT_LENGTH": "10"}, lambda status, headers: statuses.append(status)) == [b"ok"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uploaded_as", "sent_as"),
    [("报告.html", "报告.pdf"), ("setup.exe", "setup.pdf"), ("scan.PDF", "scan.PDF"), ("noext", "noext.pdf")],
)
def test_downloads_carry_the_extension_of_the_checked_type(staff, uploaded_as, sent_as):
    stored = store_upload(uploaded=SimpleUploadedFile(uploaded_as, pdf_bytes()), actor=staff)
    assert stored.content_type == "application/pdf"
    assert download_name(stored) == sent_as
    disposition = unquote(file_response(stored)["Content-Disposition"])
    assert disposition == f"attachment; filename*=UTF-8''{sent_as}"


@pytest.mark.django_db
def test_pages_for_a_logged_in_user_are_not_stored(client, host_user):
    client.force_login(host_user)
    for url in (reverse("home"), reverse("inbox"), reverse("applications:mentor_list"), reverse("otp_manage")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("otp_setup"))["Cache-Control"]
