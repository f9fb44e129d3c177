"""Issue 14 item 5: official documents keep their print stylesheet under the production static storage.

Production (``SECRET_KEY`` set) serves static files through the manifest storage: ``{% static %}`` names the hashed
copy (``official.<hash>.css``) that only ``collectstatic`` writes to ``STATIC_ROOT``. The PDF renderer used to look
that name up among the source directories only, logged "Failed to load stylesheet" and issued the document unstyled.
"""

import logging
import shutil

import pytest
from django.core.management import call_command
from django.templatetags.static import static

from portal.documents.rendering import render_official_document
from tests.portal.pdf_checks import all_fonts_embedded, pdf_fonts, red_pixels
from tests.portal.test_documents import issue

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")


@pytest.fixture
def manifest_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_a_document_rendered_under_the_manifest_storage_uses_its_print_stylesheet(
    manifest_static, staff, tmp_path, caplog
):
    assert static("css/print/official.css") != "/static/css/print/official.css"  # the hashed name is in use
    document = issue(staff)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = render_official_document(document)
    assert not [r for r in caplog.records if "Failed to load" in r.getMessage()]
    # The stylesheet sets the CJK faces (bold for the header) and prints the header and its rule in red.
    # The print stylesheet sets the body in 仿宋 and titles in 标宋 (GB/T 9704, issue 17): without it neither is used.
    assert {"FandolFang", "Noto-Serif-CJK-SC-Bold"} <= pdf_fonts(data)
    assert all_fonts_embedded(data)
    assert red_pixels(data, tmp_path) > 200
