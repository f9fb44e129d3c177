"""Two-factor login with a TOTP authenticator app (SPEC §5): set up a device, then enter a code after the password."""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit_record


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Six-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
def otp_setup(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.2fa_enabled", obj=device)
            messages.success(request, _("Two-factor login is on for your account."))
            return redirect(_next(request))
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    qr_uri = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "portal/otp_setup.html",
        {"form": form, "qr_uri": qr_uri, "secret": device.bin_key.hex(), "next": _next(request)},
    )


@login_required
def otp_verify(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(_next(request))
        audit_record(actor=request.user, action="auth.2fa_failed", outcome="failed")
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "portal/otp_verify.html", {"form": form, "next": _next(request)})
