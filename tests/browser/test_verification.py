"""Issue 17 item 4 (扫码验真): the QR code printed on a plaque, decoded from the rendered PDF's image, leads a visitor
to the plaque's public verification page, where the PDF itself can be checked."""

import shutil
import subprocess

import pytest
from PIL import Image

from tests.factories import WorkstationFactory
from tests.portal.pdf_checks import save_artifact
from workstations.models import State
from workstations.models.plaques import Plaque
from workstations.services.plaques import plaque_issue, plaque_render_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed"),
]


def test_scanning_a_plaque_lands_on_its_verification_page(
    anon_page, live_server, screenshot, tmp_path, settings, host_unit, staff
):
    import zxingcpp

    settings.PORTAL_PUBLIC_URL = live_server.url  # the address the QR code carries
    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.CERTIFIED)
    plaque = plaque_issue(workstation=ws, actor=staff)
    plaque_render_store(plaque.pk)
    plaque = Plaque.objects.get(pk=plaque.pk)
    with plaque.pdf.open("rb") as fh:
        data = fh.read()
    save_artifact("plaque", data, dpi=30)
    pdf = tmp_path / "plaque.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(pdf), str(tmp_path / "plaque")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "plaque.png"))
    urls = [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(urls) == 1 and urls[0].startswith(f"{live_server.url}/public/verify/")

    anon_page.goto(urls[0])
    assert plaque.number in anon_page.inner_text("[data-testid=verify-number]")
    assert "有效" in anon_page.inner_text("[data-testid=verify-standing]")
    shown_code = anon_page.inner_text("[data-testid=verify-code]")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert shown_code in text  # the short code printed beside the QR code is the page's
    anon_page.set_input_files("input[name=pdf]", str(pdf))
    with anon_page.expect_navigation():
        anon_page.click("[data-testid=verify-upload] button[type=submit]")
    assert "正是印发的文件" in anon_page.inner_text("[data-testid=verify-result]")
    screenshot(anon_page, "verified")
