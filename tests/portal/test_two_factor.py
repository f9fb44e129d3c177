"""Two-factor login (TOTP): offered to everyone, required for city staff, experts and supervisors when enforced."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "Test@pass123"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)


@pytest.mark.django_db
def test_staff_must_set_up_two_factor_when_enforced(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = True
    response = _login(client, staff)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(reverse("otp_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the user waits, the test resets
    response = client.post(reverse("otp_setup"), {"code": _code(device), "next": "/"}, follow=True)
    assert "首页 · 市人社局工作人员" in response.content.decode()


@pytest.mark.django_db
def test_a_user_with_a_device_enters_a_code_after_the_password(client, settings, host_user):
    settings.PORTAL_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=host_user, name="app", confirmed=True)
    response = _login(client, host_user)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_verify"))
    assert client.get(reverse("workstations:list")).status_code == 302
    response = client.post(reverse("otp_verify"), {"code": _code(device), "next": "/"}, follow=True)
    assert "首页 · 申报单位用户" in response.content.decode()


@pytest.mark.django_db
def test_host_units_are_not_forced(client, settings, host_user):
    settings.PORTAL_REQUIRE_2FA = True
    response = _login(client, host_user)
    assert "首页 · 申报单位用户" in response.content.decode()
