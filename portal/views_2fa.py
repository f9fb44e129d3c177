"""Two-factor login (SPEC §5): an authenticator app, recovery codes, and the pages to manage them.

Thin views over ``portal.twofactor``: every change there needs the current second factor. All these pages send
``Cache-Control: no-store`` (they show a secret key or recovery codes, or take a code).
"""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from portal import twofactor
from portal.audit import audit_record
from portal.http import client_ip, safe_next
from portal.models import User
from portal.permissions import role_required
from portal.refusals import refusal_to_form
from portal.roles import Role

_SESSION_NEW_CODES = "portal_new_recovery_codes"
_SESSION_AFTER_CODES = "portal_after_recovery_codes"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Six-digit code"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class CurrentCodeForm(forms.Form):
    """The current second factor: six digits from the authenticator app or one recovery code."""

    current_code = forms.CharField(
        label=gettext_lazy("Current code or recovery code"),
        max_length=40,
        help_text=gettext_lazy("A code from the authenticator app you use now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields.update(CurrentCodeForm().fields)
            self.order_fields(["current_code", "code"])
            self.fields["code"].label = _("Six-digit code from the new authenticator app")


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Six digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("Recorded in the audit trail and sent to the owner."),
    )


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """Show new recovery codes once: kept in the session only until the next page load."""
    request.session[_SESSION_NEW_CODES] = codes
    return redirect("otp_recovery_codes")


@never_cache
@login_required
def otp_manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "portal/otp_manage.html",
        {
            "authenticator": twofactor.authenticator_of(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "required": twofactor.two_factor_required(user),
        },
    )


@never_cache
@sensitive_post_parameters("code", "current_code")
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    replacing = twofactor.enrolment_replaces(user)
    if replacing and not user.is_verified():
        # A password alone never reaches the set-up page of an account that has a second factor.
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = twofactor.pending_authenticator(user=user)
    form = EnrolForm(request.POST or None, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.second_factor_enrol(
                user=user,
                device=device,
                code=form.cleaned_data["code"],
                current_code=form.cleaned_data.get("current_code", ""),
                ip=_ip(request),
            )
        except twofactor.SecondFactorRefused as exc:
            refusal_to_form(form, exc)
        else:
            otp_login(request, device)
            if replacing:
                messages.success(request, _("Your new authenticator app is in use; the old one no longer works."))
            else:
                messages.success(request, _("Two-factor login is on for your account."))
            if codes:
                request.session[_SESSION_AFTER_CODES] = safe_next(request, "home")
                return _codes_page(request, codes)
            return redirect(safe_next(request, "otp_manage"))
    qr_uri = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "portal/otp_setup.html",
        {
            "form": form,
            "qr_uri": qr_uri,
            "secret": twofactor.secret_base32(device),
            "replacing": replacing,
            "next": safe_next(request, "otp_manage" if replacing else "home"),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_current_factor(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                twofactor.recovery_code_used(user=request.user, ip=_ip(request))
                messages.warning(
                    request,
                    _("You logged in with a recovery code. If you lost your phone, replace the authenticator app now."),
                )
                return redirect("otp_manage")
            return redirect(safe_next(request, "home"))
        audit_record(actor=request.user, action="auth.2fa_failed", outcome="failed", ip=_ip(request))
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "portal/otp_verify.html", {"form": form, "next": safe_next(request, "home")})


@never_cache
@login_required
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(_SESSION_NEW_CODES, None)
    after = request.session.pop(_SESSION_AFTER_CODES, "") or reverse("otp_manage")
    if not codes:
        return redirect("otp_manage")
    return render(request, "portal/otp_recovery_codes.html", {"codes": codes, "after": after})


@never_cache
@sensitive_post_parameters("current_code")
@login_required
def otp_recovery_regenerate(request: HttpRequest) -> HttpResponse:
    form = CurrentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.recovery_codes_regenerate(
                user=request.user, current_code=form.cleaned_data["current_code"], ip=_ip(request)
            )
        except twofactor.SecondFactorRefused as exc:
            refusal_to_form(form, exc, field="current_code")
        else:
            return _codes_page(request, codes)
    return render(request, "portal/otp_change.html", {"form": form, "action": "regenerate"})


@never_cache
@sensitive_post_parameters("current_code")
@login_required
def otp_remove(request: HttpRequest) -> HttpResponse:
    form = CurrentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.second_factor_remove(
                user=request.user, current_code=form.cleaned_data["current_code"], ip=_ip(request)
            )
        except twofactor.SecondFactorRefused as exc:
            refusal_to_form(form, exc, field="current_code")
        else:
            messages.success(request, _("Two-factor login is off for your account."))
            return redirect("otp_manage")
    return render(request, "portal/otp_change.html", {"form": form, "action": "remove"})


@never_cache
@role_required(Role.ADMIN)
def otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator resets another user's second factor, after a confirmation page that states the consequence."""
    owner = get_object_or_404(User, pk=pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.second_factor_reset(
                user=owner, reason=form.cleaned_data["reason"], actor=request.user, ip=_ip(request)
            )
        except twofactor.SecondFactorRefused as exc:
            refusal_to_form(form, exc)
        else:
            done = _("The second factor of %(user)s was reset; they were told by inbox and e-mail.")
            messages.success(request, done % {"user": owner})
            return redirect("admin:otp_totp_totpdevice_changelist")
    return render(
        request,
        "portal/otp_reset.html",
        {
            "form": form,
            "owner": owner,
            "has_authenticator": twofactor.has_second_factor(owner),
            "codes_left": twofactor.recovery_codes_left(owner),
        },
    )
