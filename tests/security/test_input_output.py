"""Issue 10, item 2: what users type comes back out escaped, in pages, PDFs and Excel; downloads never render inline
as HTML; every form needs its CSRF token.

The seeded world gets a stored-XSS and formula-injection payload in every free-text column users fill (application
texts, mentor names, report descriptions, objection facts, exit facts, panel names, evaluation remarks, ...) and a
ledger entry whose description is the payload; then every page of the authorization matrix is read.
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.crypto import EncryptedTextField
from tests.security.test_authorization_matrix import MATRIX, build_url, role_users
from tests.security.world import ANON, AUDITOR_IN, EXPERT_IN, HOST_A, REC_A, STAFF, SUPERVISOR, seeded_world, upload

PAYLOAD = '=1+2 <script>alert(1)</script>"><img src=x onerror=alert(1)> javascript:alert(1) #'
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror", 'href="javascript:', "href='javascript:")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# For short columns (a name of 60 characters): PostgreSQL enforces the length, SQLite does not.
SHORT_PAYLOAD = "<script>alert(1)</script>"
# Columns that hold codes, numbers, hashes or machine values rather than text a user types.
NOT_FREE_TEXT = re.compile(
    r"(^|_)(state|status|kind|code|number|sha256|hash|key|token|username|password|original_name|file|url|path|email"
    r"|phone|id_number|slug|content_type|ground|source|category|choice|receipt|reference|language|ip|action|view)$"
)
APPS = ("portal", "applications", "review", "workstations", "subsidies")
# Pages that show user text and must show the payload, escaped.
MUST_SHOW = (
    "workstations:detail",
    "applications:detail",
    "applications:mentor_list",
    "workstations:report",
    "workstations:major_event",
    "workstations:exit_detail",
    "workstations:evaluation",
    "subsidies:ledger",
    "review:panel_list",
    "publicity:objection_detail",
    "publicity_public:list_detail",
)


def free_text_fields(model):
    for f in model._meta.concrete_fields:
        text = isinstance(f, models.CharField | models.TextField) and not isinstance(f, EncryptedTextField)
        if text and not f.choices and not f.primary_key and not NOT_FREE_TEXT.search(f.name):
            yield f.name


def inject() -> tuple[list[str], list[str]]:
    """Put the payload into every free-text column; append-only tables refuse, and are fed through their services."""
    filled, refused = [], []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.label.startswith("portal.Historical"):
            continue
        for name in free_text_fields(model):
            limit = model._meta.get_field(name).max_length
            payload = PAYLOAD if not limit or limit >= len(PAYLOAD) + 12 else SHORT_PAYLOAD
            try:
                with transaction.atomic():
                    model._base_manager.update(**{name: Concat(Value(payload), Cast("pk", models.CharField()))})
                filled.append(f"{model._meta.label}.{name}")
            except DatabaseError:
                refused.append(f"{model._meta.label}.{name}")
    return filled, refused


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory) as built:
        from subsidies.services import entry_record
        from workstations.models.exits import ExitCase

        built.ids["exit_done_host"] = ExitCase.objects.get(pk=built.ids["exit_done"]).workstation.host_unit_id
        built.ids["expert_user"] = built.users["expert1"].pk
        built.ids["recommender_org"] = built.users["xinhua"].organisation_id
        filled, refused = inject()
        # Ledger entries are append-only (a database trigger refuses UPDATE): record a new one with the payload.
        from django.utils import timezone

        entry_record(
            workstation=built.ids["ws"],
            kind="expenditure",
            source="city",
            category="other",
            amount=Decimal("1.00"),
            date=timezone.localdate(),
            description=PAYLOAD,
            explanation=PAYLOAD,
            actor=built.users["host1"],
            receipts=[upload("receipt.png")],
        )
        built.ids["filled"], built.ids["refused"] = filled, refused
        for username, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.clients[username] = client
        built.clients[None] = Client()
        yield built


@pytest.fixture(autouse=True)
def _world_storage(request, settings):
    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": world.ids["storage"] + "/media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": world.ids["storage"]},
        },
    }


def readers(world, url_name):
    _spec, allowed, *owner = MATRIX[url_name]
    users = role_users(world, world.ids[owner[0]] if owner else None)
    return [users[r] for r in (STAFF, HOST_A, REC_A, ANON, SUPERVISOR, EXPERT_IN, AUDITOR_IN) if r in allowed]


def get(world, username, url):
    with transaction.atomic():
        response = world.client(username).get(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
def test_payload_reached_the_texts_users_type(world):
    filled = set(world.ids["filled"])
    for column in (
        "applications.Application.report_profile",
        "applications.Mentor.name",
        "workstations.ActivityReport.description",
        "workstations.ExitCase.facts",
        "review.Objection.facts",
        "review.Panel.name",
        "workstations.EvaluationResult.remarks",
    ):
        assert column in filled, f"{column} is not filled (filled: {sorted(filled)})"


@pytest.mark.django_db
def test_pages_escape_stored_text(world):
    problems, escaped_on = [], set()
    for url_name, (spec, _allowed, *_owner) in MATRIX.items():
        url = build_url(world, url_name, spec)
        for username in readers(world, url_name):
            response = get(world, username, url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            body = response.content.decode()
            for marker in RAW_MARKERS:
                if marker.lower() in body.lower():
                    problems.append(f"{url_name} as {username}: raw {marker!r}")
            if ESCAPED in body:
                escaped_on.add(url_name)
    assert not problems, "\n".join(problems)
    missing = sorted(set(MUST_SHOW) - escaped_on)
    assert not missing, f"pages that should show the (escaped) payload but do not: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["applications:pdf", "publicity_public:list_pdf", "review:round_results_pdf"])
def test_pdfs_show_the_text_literally(world, url_name):
    spec = MATRIX[url_name][0]
    response = get(world, readers(world, url_name)[0], build_url(world, url_name, spec))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "<script>alert(1)</script>" in flat, text[:500]
    assert "onerror=alert(1)>" in flat


XLSX_URLS = [name for name, (spec, *_rest) in MATRIX.items() if "xlsx" in name or "export" in name or "sheet" in name]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", XLSX_URLS)
def test_excel_exports_neutralise_formulas(world, url_name):
    spec = MATRIX[url_name][0]
    response = get(world, readers(world, url_name)[0], build_url(world, url_name, spec))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value


def test_exports_go_through_portal_excel():
    """openpyxl is used only by portal/excel.py, and cells are written only through ``Sheet.row``/``safe_cell``."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if path.match("portal/excel.py") or "migrations" in path.parts:
                continue
            text = path.read_text()
            if "openpyxl" in text or re.search(r"\.ws\.(append|cell)\(", text):
                offenders.append(str(path.relative_to(root)))
    assert not offenders


DOWNLOADS = [
    "applications:material_download",
    "applications:material_version",
    "workstations:report_evidence",
    "workstations:major_event_evidence",
    "workstations:rectification_file",
    "workstations:exit_evidence",
    "publicity:evidence_download",
    "subsidies:receipt",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", DOWNLOADS)
def test_uploads_are_never_served_as_html(world, url_name):
    spec = MATRIX[url_name][0]
    response = get(world, readers(world, url_name)[0], build_url(world, url_name, spec))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] in ("application/pdf", "image/png", "image/jpeg")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_every_file_download_view_uses_file_response():
    """Serving a stored upload goes through portal.uploads.file_response (attachment, nosniff, sandbox CSP)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if path.name in {"uploads.py", "pdf.py"} or "migrations" in path.parts:
                continue
            text = path.read_text()
            if "FileResponse(" in text and "X-Content-Type-Options" not in text:
                offenders.append(str(path.relative_to(root)))
    assert not offenders
