"""Uploads: content-checked, size-limited, versioned; a refused file loses nothing already saved."""

import pytest
from django.urls import reverse

from applications.models import Material
from portal.uploads import StoredFile
from tests.applications.factories import make_application, pdf_bytes, png_bytes, upload

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def app(host_unit):
    return make_application(host_unit=host_unit, materials=False)


def post_material(client, app, name, content, title="身份证扫描件"):
    return client.post(
        reverse("applications:materials", args=[app.pk]),
        {"kind": "id_card", "title": title, "mentor": app.lead_mentor_id, "upload": upload(name, content)},
    )


@pytest.mark.django_db
def test_pdf_and_png_are_stored_privately(client, host_user, app, settings):
    client.force_login(host_user)
    assert post_material(client, app, "id.png", png_bytes()).status_code == 302
    assert post_material(client, app, "cert.pdf", pdf_bytes(), title="证书").status_code == 302
    assert app.materials.count() == 2
    stored = app.materials.get(title="证书").file
    assert stored.content_type == "application/pdf"
    # In the private storage, outside every public path (the media and static roots).
    assert stored.file.path.startswith(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not stored.file.path.startswith((str(settings.MEDIA_ROOT), str(settings.STATIC_ROOT)))
    response = client.get(reverse("applications:material_download", args=[app.pk, app.materials.get(title="证书").pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", ELF, "按文件内容检查"),
        ("report.pdf", HTML, "按文件内容检查"),
        ("photo.png", b"", "空文件"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_lost(client, host_user, app, name, content, message):
    client.force_login(host_user)
    post_material(client, app, "id.png", png_bytes(), title="已保存的身份证")
    response = post_material(client, app, name, content, title="我输入的标题")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "我输入的标题" in page  # what was typed is still in the form
    assert list(app.materials.values_list("title", flat=True)) == ["已保存的身份证"]
    assert StoredFile.objects.count() == 1


@pytest.mark.django_db
def test_oversized_file_is_refused(client, host_user, app, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(host_user)
    big = png_bytes() + b"\0" * 2048
    assert len(big) > 1024
    response = post_material(client, app, "big.png", big)
    assert response.status_code == 400
    assert "不得超过" in response.content.decode()
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_replacing_keeps_the_old_version(client, host_user, app):
    client.force_login(host_user)
    post_material(client, app, "id.png", png_bytes())
    material = app.materials.get()
    first = material.file
    response = client.post(
        reverse("applications:material_replace", args=[app.pk, material.pk]),
        {"upload": upload("id-new.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.file != first
    assert [v.pk for v in material.file.versions()] == [material.file.pk, first.pk]
    old = client.get(reverse("applications:material_version", args=[app.pk, material.pk, first.pk]))
    assert b"".join(old.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_replacement_with_a_bad_file_keeps_the_current_one(client, host_user, app):
    client.force_login(host_user)
    post_material(client, app, "id.png", png_bytes())
    material = app.materials.get()
    response = client.post(
        reverse("applications:material_replace", args=[app.pk, material.pk]), {"upload": upload("x.pdf", HTML)}
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.file.original_name == "id.png"
    assert material.file.replaces is None
