"""Two-factor login (TOTP + recovery codes): offered to everyone, required for city staff, experts, supervisors and
administrators when enforced, and no second factor changes without the current one (issue 14)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import AuditEvent
from portal.models import Notification, User
from portal.twofactor import normalise_code

PASSWORD = "Test@pass123"


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = ["aaaabbbb", "ccccdddd", "eeeeffff"]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return device, codes


def _verified_login(client, user, device):
    _login(client, user)
    response = client.post(reverse("otp_verify"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # the test enters the next code in the same 30 s window; a person would wait for the next one
    device.save(update_fields=["last_t"])


@pytest.mark.django_db
def test_staff_must_set_up_two_factor_when_enforced_and_get_recovery_codes_once(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = True
    response = _login(client, staff)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(reverse("otp_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the user waits, the test resets
    response = client.post(reverse("otp_setup"), {"code": _code(device), "next": "/"}, follow=True)
    page = response.content.decode()
    codes = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    assert "no-store" in response["Cache-Control"]
    # Shown once: a reload does not show them again.
    assert codes[0] not in client.get(reverse("otp_recovery_codes"), follow=True).content.decode()
    assert "首页 · 市人社局工作人员" in client.get("/").content.decode()
    assert Notification.objects.filter(recipient=staff, subject__contains="双因素登录").exists()
    assert AuditEvent.objects.filter(action="auth.2fa_enabled", actor=staff).exists()


@pytest.mark.django_db
def test_a_password_alone_cannot_enrol_a_new_authenticator(client, settings, staff):
    """The critical finding: with only the password of an account that has an authenticator, the attacker opened
    /accounts/2fa/setup/, scanned the code into their own phone and was in."""
    settings.PORTAL_REQUIRE_2FA = True
    owners_device, _codes = _enrolled(staff)
    _login(client, staff)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    # Even a POST with a code of a device the attacker made is refused, and nothing changes.
    attackers = TOTPDevice.objects.create(user=staff, name="attacker", confirmed=False)
    client.post(reverse("otp_setup"), {"code": _code(attackers), "next": "/"})
    attackers.refresh_from_db()
    assert not attackers.confirmed
    assert list(TOTPDevice.objects.filter(user=staff, confirmed=True)) == [owners_device]
    assert client.get(reverse("workstations:list")).status_code == 302


@pytest.mark.django_db
def test_replacing_the_authenticator_needs_the_current_code_and_tells_the_owner(
    client, settings, staff, django_capture_on_commit_callbacks
):
    settings.PORTAL_REQUIRE_2FA = True
    old, _codes = _enrolled(staff)
    _verified_login(client, staff, old)  # e.g. a session left open on a shared computer
    page = client.get(reverse("otp_setup")).content.decode()
    assert "当前验证码或恢复码" in page
    new = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("otp_setup"), {"code": _code(new), "current_code": "999999"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).get() == old
    new.throttle_reset()
    old.refresh_from_db()
    old.throttle_reset()  # the wrong current code slowed the old app down, as for any wrong code
    new.last_t = -1  # the refused attempt used up this window's code of the new app; a person waits for the next
    new.save(update_fields=["last_t"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("otp_setup"), {"code": _code(new), "current_code": _code(old)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=staff)) == [new] and TOTPDevice.objects.get().confirmed
    assert Notification.objects.filter(recipient=staff, subject="您的身份验证器已更换").exists()
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert AuditEvent.objects.filter(action="auth.2fa_replaced", actor=staff).exists()


@pytest.mark.django_db
def test_a_recovery_code_logs_in_once_and_the_owner_is_told(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = True
    _device, codes = _enrolled(staff)
    _login(client, staff)
    response = client.post(reverse("otp_verify"), {"code": "AAAA-BBBB"})
    assert response.status_code == 302 and response["Location"] == reverse("otp_manage")
    assert client.get(reverse("workstations:list")).status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    assert Notification.objects.filter(recipient=staff, subject__contains="恢复码").exists()
    assert AuditEvent.objects.filter(action="auth.2fa_recovery_used", actor=staff).exists()
    client.logout()
    _login(client, staff)
    response = client.post(reverse("otp_verify"), {"code": codes[0]})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()


@pytest.mark.django_db
def test_removing_needs_the_current_code_and_is_refused_where_the_role_requires_it(client, settings, host_user):
    settings.PORTAL_REQUIRE_2FA = True
    device, codes = _enrolled(host_user)
    _verified_login(client, host_user, device)
    client.post(reverse("otp_remove"), {"current_code": "123456" if _code(device) != "123456" else "654321"})
    assert TOTPDevice.objects.filter(user=host_user).exists()
    device.throttle_reset()
    client.post(reverse("otp_remove"), {"current_code": codes[1]})
    assert not TOTPDevice.objects.filter(user=host_user).exists()
    assert not StaticDevice.objects.filter(user=host_user).exists()
    assert AuditEvent.objects.filter(action="auth.2fa_removed", actor=host_user).exists()


@pytest.mark.django_db
def test_a_required_role_cannot_remove_its_second_factor(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = True
    device, codes = _enrolled(staff)
    _verified_login(client, staff, device)
    response = client.post(reverse("otp_remove"), {"current_code": codes[0]})
    assert "不能关闭" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_new_recovery_codes_need_the_current_code(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = True
    device, codes = _enrolled(staff)
    _verified_login(client, staff, device)
    client.post(reverse("otp_recovery_regenerate"), {"current_code": "zzzzzzzz"})
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    StaticDevice.objects.get(user=staff).throttle_reset()
    response = client.post(reverse("otp_recovery_regenerate"), {"current_code": codes[2]}, follow=True)
    new_codes = list(StaticToken.objects.values_list("token", flat=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert all(code in response.content.decode() for code in new_codes)


def _admin(username="root"):
    return User.objects.create(
        username=username, is_superuser=True, is_staff=True, email=f"{username}@x.cn", password=make_password(PASSWORD)
    )


@pytest.mark.django_db
def test_administrators_need_a_second_factor_in_production(client, settings):
    settings.PORTAL_REQUIRE_2FA = True
    admin = _admin()
    client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    response = client.get(reverse("audit_trail"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))


@pytest.mark.django_db
def test_an_administrators_reset_is_audited_and_tells_the_owner(
    client, settings, staff, host_user, django_capture_on_commit_callbacks
):
    settings.PORTAL_REQUIRE_2FA = False
    _enrolled(host_user)
    admin = _admin()
    # Another role may not reset anyone's second factor.
    client.force_login(staff)
    assert client.post(reverse("otp_reset", args=[host_user.pk]), {"reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=host_user).exists()
    client.force_login(admin)
    page = client.get(reverse("otp_reset", args=[host_user.pk])).content.decode()
    assert "审计记录" in page  # the confirmation page states the consequence
    response = client.post(reverse("otp_reset", args=[host_user.pk]), {"reason": ""})
    assert response.status_code == 200 and TOTPDevice.objects.filter(user=host_user).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("otp_reset", args=[host_user.pk]), {"reason": "手机丢失，电话核实本人"})
    assert not TOTPDevice.objects.filter(user=host_user).exists()
    assert not StaticDevice.objects.filter(user=host_user).exists()
    event = AuditEvent.objects.get(action="auth.2fa_reset")
    assert event.actor == admin and event.after["reason"] == "手机丢失，电话核实本人"
    note = Notification.objects.get(recipient=host_user, subject="管理员已重置您的双因素登录")
    assert "手机丢失" in note.body
    assert [m.to for m in mail.outbox] == [[host_user.email]]


@pytest.mark.django_db
def test_the_admin_never_shows_a_totp_secret_or_recovery_code(client, settings, staff):
    settings.PORTAL_REQUIRE_2FA = False
    device, codes = _enrolled(staff)
    client.force_login(_admin())
    pages = [
        client.get(reverse("admin:otp_totp_totpdevice_changelist")),
        client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])),
        client.get(reverse("admin:otp_static_staticdevice_change", args=[StaticDevice.objects.get().pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert device.key not in body and device.bin_key.hex() not in body
        assert not any(code in body for code in codes)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (403, 404, 302)
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403


@pytest.mark.django_db
def test_a_user_with_a_device_enters_a_code_after_the_password(client, settings, host_user):
    settings.PORTAL_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=host_user, name="app", confirmed=True)
    response = _login(client, host_user)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_verify"))
    assert client.get(reverse("workstations:list")).status_code == 302
    assert client.get(reverse("otp_manage")).status_code == 302  # managing needs the code first, too
    response = client.post(reverse("otp_verify"), {"code": _code(device), "next": "/"}, follow=True)
    assert "首页 · 申报单位用户" in response.content.decode()


@pytest.mark.django_db
def test_host_units_are_not_forced(client, settings, host_user):
    settings.PORTAL_REQUIRE_2FA = True
    response = _login(client, host_user)
    assert "首页 · 申报单位用户" in response.content.decode()


def test_codes_are_compared_without_spaces_or_hyphens():
    assert normalise_code(" AAAA-bbbb ") == "aaaabbbb"
