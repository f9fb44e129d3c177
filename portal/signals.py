"""Logins and failed logins go into the audit trail (MLPS 2.0: every user action with date, user, outcome)."""

import hashlib
import hmac

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit import audit_record
from portal.http import client_ip


def _ip(request):
    return (client_ip(request) or None) if request is not None else None


def masked_username(typed: str) -> dict:
    """What the trail keeps of the username field of a failed login.

    An existing account is named (the supervisor needs to see which account is being guessed). Anything else may be
    a password typed into the wrong field, so only a keyed hash (the same text gives the same tag, so repeated
    attempts can be correlated) and its length are kept, never the text.
    """
    typed = str(typed or "")[:150]
    if typed and get_user_model().objects.filter(username=typed).exists():
        return {"username": typed}
    tag = hmac.new(settings.SECRET_KEY.encode(), typed.encode(), hashlib.sha256).hexdigest()[:12]
    return {"unknown_username": f"hmac:{tag}", "length": len(typed)}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        actor=None,
        action="auth.login_failed",
        after=masked_username(credentials.get("username", "")),
        outcome="failed",
        ip=_ip(request),
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username="", ip_address=None, **kwargs):
    """django-axes locked the account (or refused an attempt while it is locked): a security event of its own.
    ``username`` is already masked by :func:`axes_username`."""
    name = str(username or "")
    after = {"unknown_username": name} if name.startswith("hmac:") else {"username": name}
    audit_record(actor=None, action="auth.lockout", after=after, outcome="failed", ip=_ip(request) or ip_address)


def axes_username(request, credentials: dict | None = None) -> str:
    """django-axes's record of a login attempt (AXES_USERNAME_CALLABLE): the same masking as the audit trail, so a
    password typed into the username field is not kept in its tables either. Lockout still counts per account."""
    source = credentials if credentials else getattr(request, "POST", {})
    typed = source.get("username", "")
    masked = masked_username(typed)
    return masked.get("username") or masked["unknown_username"]
