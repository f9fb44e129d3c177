"""Second factors (SPEC §5, MLPS 2.0 practice): an authenticator app (TOTP) and one-time recovery codes.

Every change to a user's second factor is a service here, so that the views, the admin and any command obey the
same rule: enrolling, replacing or removing a second factor needs the current one (a code from the authenticator or
a recovery code). The only other way is an administrator's reset, which is audited and tells the owner by inbox and
e-mail. The owner is told of every change, so an attacker who knows only a password cannot enrol quietly.
"""

import base64
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit_record
from portal.notifications import notify
from portal.refusals import Refusal
from portal.roles import TWO_FACTOR_REQUIRED_ROLES, Role

if TYPE_CHECKING:
    from portal.models import User

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"


class SecondFactorRefused(Refusal):
    """A change to a second factor that may not be made; the message says why, in the user's language."""


def two_factor_required(user) -> bool:
    """With ``PORTAL_REQUIRE_2FA`` (on in production): city staff, experts, supervisors and every administrator."""
    if not settings.PORTAL_REQUIRE_2FA:
        return False
    return user.role in TWO_FACTOR_REQUIRED_ROLES or user.role == Role.ADMIN or user.is_staff or user.is_superuser


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_replaces(user) -> bool:
    """A new authenticator replaces a second factor the user already has, so it needs the current one."""
    return has_second_factor(user) or recovery_codes_left(user) > 0


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str) -> str:
    """Codes are typed with spaces or hyphens ("abcd-efgh"); compare them without."""
    return "".join(ch for ch in (code or "").strip().lower() if ch.isalnum())


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps expect it when typed by hand (RFC 4648 base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def pending_authenticator(*, user) -> TOTPDevice:
    """The not-yet-confirmed authenticator the setup page shows (one per user, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def verify_current_factor(user, code: str):
    """The confirmed device (authenticator or recovery codes) that accepts ``code``, or None.

    django-otp throttles each device after a wrong code and refuses a TOTP code used before; a recovery code is
    deleted when it is used.
    """
    code = normalise_code(code)
    if not code:
        return None
    if code.isdigit():
        candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        candidates = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in candidates:
        if device.verify_token(code):
            return device
    return None


def _require_current(user, current_code: str) -> object:
    device = verify_current_factor(user, current_code)
    if device is None:
        raise SecondFactorRefused(
            _("The current code is not right: enter a code from your present authenticator app or a recovery code.")
        )
    return device


def _tell_owner(user, *, message: str, params: dict | None = None) -> None:
    notify(recipients=[user], message=message, params=params, url=reverse("otp_manage"))


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_enrol(*, user, device: TOTPDevice, code: str, current_code: str = "", ip: str | None = None):
    """Confirm ``device`` (the pending authenticator) as the user's authenticator.

    When the user already has a second factor this is a replacement, and it needs ``current_code``: a code from the
    present authenticator or a recovery code. The old authenticator is removed. A first enrolment creates recovery
    codes and returns them (shown once); a replacement returns an empty list. The owner is told either way.
    """
    if device.user_id != user.pk or device.confirmed:
        raise SecondFactorRefused(_("This set-up has expired. Start again."))
    replacing = enrolment_replaces(user)
    # Codes are checked outside the transaction, so that django-otp's throttling of wrong codes is kept on refusal.
    if not device.verify_token(normalise_code(code)):
        raise SecondFactorRefused(_("That code is not right. Check the time on your phone and try again."))
    if replacing:
        _require_current(user, current_code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = [] if replacing and recovery_codes_left(user) else _new_recovery_codes(user)
        audit_record(actor=user, action="auth.2fa_replaced" if replacing else "auth.2fa_enabled", obj=device, ip=ip)
        if replacing:
            _tell_owner(user, message="otp.replaced")
        else:
            _tell_owner(user, message="otp.enabled")
    return codes


def recovery_codes_regenerate(*, user, current_code: str, ip: str | None = None) -> list[str]:
    """New recovery codes (the old ones stop working); needs the current second factor."""
    if not has_second_factor(user):
        raise SecondFactorRefused(_("Set up an authenticator app first."))
    _require_current(user, current_code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="auth.2fa_recovery_codes_new", ip=ip)
        _tell_owner(user, message="otp.recovery_codes")
    return codes


def second_factor_remove(*, user, current_code: str, ip: str | None = None) -> None:
    """Turn two-factor login off (authenticator and recovery codes); needs the current second factor and is refused
    where the role must use it."""
    if two_factor_required(user):
        raise SecondFactorRefused(
            _("Your role must use two-factor login. You can replace the authenticator app, but not remove it.")
        )
    if not has_second_factor(user):
        raise SecondFactorRefused(_("Two-factor login is not on for your account."))
    _require_current(user, current_code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action="auth.2fa_removed", ip=ip)
        _tell_owner(user, message="otp.removed")


def second_factor_reset(*, user, reason: str, actor: "User", ip: str | None = None) -> None:
    """An administrator removes a user's second factor (lost phone and lost recovery codes).

    Audited with the reason; the owner is told by inbox and e-mail. The user sets up a new authenticator at the next
    login (required roles) or may do so (others).
    """
    if actor is None or actor.role != Role.ADMIN or not actor.is_active:
        raise SecondFactorRefused(_("Only a system administrator resets a second factor."))
    if actor.pk == user.pk:
        raise SecondFactorRefused(_("Administrators cannot reset their own second factor; ask another administrator."))
    reason = (reason or "").strip()
    if not reason:
        raise SecondFactorRefused(_("Give the reason for the reset (it goes into the audit trail and to the owner)."))
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        audit_record(
            actor=actor,
            action="auth.2fa_reset",
            obj=user,
            after={"user": user.username, "reason": reason, "devices_removed": removed},
            ip=ip,
        )
        _tell_owner(user, message="otp.reset", params={"admin": str(actor), "reason": reason})


def recovery_code_used(*, user, ip: str | None = None) -> None:
    """A login with a recovery code: audited, and the owner is told how many are left."""
    left = recovery_codes_left(user)
    audit_record(actor=user, action="auth.2fa_recovery_used", after={"left": left}, ip=ip)
    _tell_owner(user, message="otp.recovery_used", params={"left": left})
