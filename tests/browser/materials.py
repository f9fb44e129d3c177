"""Browser helpers for the required materials of Art. 7 (issue 16): every mentor's ID card and certificate scans,
and the signed application report."""

from applications.samples import pdf_bytes, png_bytes


def upload_material(page, url, application_pk, *, kind, title, mentor=None, level=None):
    page.goto(f"{url}/applications/{application_pk}/materials/")
    page.select_option("#id_kind", kind)
    if mentor:
        page.select_option("#id_mentor", label=mentor)
    if level:
        page.select_option("#id_level", level)
    page.fill("#id_title", title)
    page.set_input_files("#id_upload", {"name": "scan.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.click("[data-testid=material-upload]")
    page.wait_for_load_state()
    assert title in page.inner_text("[data-testid=materials]")


def upload_required_materials(page, url, application_pk, mentors):
    """``mentors``: (name, years, certificate) as the journeys create them; one certificate each."""
    page.goto(f"{url}/applications/{application_pk}/materials/")
    assert page.locator("[data-testid=missing-materials]").is_visible()
    for name, _years, certificate in mentors:
        upload_material(page, url, application_pk, kind="id_card", title=f"{name}身份证", mentor=name)
        upload_material(page, url, application_pk, kind="certificate", title=f"{name}{certificate}证书", mentor=name)
    page.goto(f"{url}/applications/{application_pk}/materials/")
    page.select_option("#id_kind", "application_report")
    page.fill("#id_title", "申报单位申请报告（盖章）")
    page.set_input_files("#id_upload", {"name": "report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    page.click("[data-testid=material-upload]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=materials-complete]").is_visible()


def submit_with_confirmation(page, url, application_pk):
    """The host unit opens the check page, reads what will be sent and confirms."""
    page.goto(f"{url}/applications/{application_pk}/")
    page.click("[data-testid=submit-application]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=will-send]").is_visible()
    page.click("[data-testid=confirm-submit]")
    page.wait_for_load_state()
