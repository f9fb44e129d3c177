"""Issue 14 in Chromium: a city staff member sets up two-factor login, keeps the recovery codes, logs in with one
after "losing" the phone, and replaces the authenticator with another recovery code as the current factor."""

import base64
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _code_for(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def test_enrol_recover_and_replace_in_the_browser(login, live_server, settings, staff, screenshot):
    settings.PORTAL_REQUIRE_2FA = True

    page = login(staff)
    assert "/accounts/2fa/setup/" in page.url  # enforced for city staff before anything else
    secret = page.inner_text("[data-testid=otp-secret]").strip()
    screenshot(page, "setup")
    page.fill("input[name=code]", _code_for(secret))
    page.click("[data-testid=otp-enrol]")
    page.wait_for_selector("[data-testid=recovery-codes]")
    codes = [c.strip() for c in page.inner_text("[data-testid=recovery-codes]").split("\n") if c.strip()]
    assert len(codes) == 10
    screenshot(page, "recovery-codes")
    page.click("[data-testid=codes-done]")
    assert "市人社局工作人员" in page.inner_text("h1")

    # The phone is lost: a new browser logs in with a recovery code.
    page = login(staff)
    assert "/accounts/2fa/verify/" in page.url
    page.fill("input[name=code]", codes[0])
    page.click("[data-testid=otp-submit]")
    page.wait_for_selector("[data-testid=otp-status]")
    assert "恢复码" in page.inner_text("main")
    screenshot(page, "logged-in-with-recovery-code")

    # Replace the authenticator, proving it is the owner with another recovery code.
    page.click("[data-testid=otp-replace]")
    page.wait_for_selector("[data-testid=otp-secret]")
    new_secret = page.inner_text("[data-testid=otp-secret]").strip()
    assert new_secret != secret
    page.fill("input[name=current_code]", codes[1])
    while int(time.time()) % 30 > 27:  # do not straddle a 30-second step
        time.sleep(0.5)
    page.fill("input[name=code]", _code_for(new_secret))
    screenshot(page, "replace")
    page.click("[data-testid=otp-enrol]")
    page.wait_for_selector("[data-testid=codes-left]")
    assert "8" in page.inner_text("[data-testid=codes-left]")
    screenshot(page, "replaced")

    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and base64.b32encode(device.bin_key).decode().rstrip("=") == new_secret
    assert StaticToken.objects.filter(device__user=staff).count() == 8
    subjects = set(Notification.objects.filter(recipient=staff).values_list("subject", flat=True))
    assert {"您的账号已开启双因素登录", "有人使用恢复码登录了您的账号", "您的身份验证器已更换"} <= subjects
