"""Public verification of issued documents and plaques (扫码验真), no login.

The QR code and the short code printed on every issued document and plaque lead here. The page shows the number,
title, date, issuer, the SHA-256 of the issued PDF and its standing; a visitor may upload a PDF to check that it is
byte for byte the one issued. Look-ups and uploads are rate-limited per address like the other public forms, and an
upload is capped in size.
"""

import hashlib

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.documents.codes import display_code, normalise_code
from portal.documents.models import Verification
from portal.documents.services import verification_matches
from review.publicity.ratelimit import over_limit

LOOKUP_LIMIT = (60, 3600)  # unknown codes per address per hour
UPLOAD_LIMIT = (20, 3600)  # PDF checks per address per hour


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ABCD-EFGH"}),
    )


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=gettext_lazy("The PDF you received"))

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > settings.VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; an issued document is much smaller.")
                % {"mb": settings.VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def verify_index(request: HttpRequest) -> HttpResponse:
    """Type the short code printed beside the QR code."""
    form = VerifyCodeForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if Verification.objects.filter(code=code).exists():
            return redirect("publicity_public:verify", code=code)
        if over_limit(request, scope="verify", limit=LOOKUP_LIMIT[0], period=LOOKUP_LIMIT[1]):
            form.add_error(None, _("Too many look-ups from your address. Please try again in an hour."))
            status = 429
        else:
            form.add_error("code", _("No issued document or plaque has this code. Check it and try again."))
    return _no_store(render(request, "review/publicity/public_verify_index.html", {"form": form}, status=status))


@require_http_methods(["GET", "POST"])
def verify_detail(request: HttpRequest, code: str) -> HttpResponse:
    code = normalise_code(code)
    record = Verification.objects.filter(code=code).first()
    if record is None:
        limited = over_limit(request, scope="verify", limit=LOOKUP_LIMIT[0], period=LOOKUP_LIMIT[1])
        form = VerifyCodeForm(initial={"code": code})
        form.is_bound = False
        message = (
            _("Too many look-ups from your address. Please try again in an hour.")
            if limited
            else _("No issued document or plaque has this code. Check it and try again.")
        )
        context = {"form": form, "not_found": message}
        return _no_store(
            render(request, "review/publicity/public_verify_index.html", context, status=429 if limited else 404)
        )
    upload_form = VerifyUploadForm()
    result = None
    status = 200
    if request.method == "POST":
        upload_form = VerifyUploadForm(request.POST, request.FILES)
        if over_limit(request, scope="verify-upload", limit=UPLOAD_LIMIT[0], period=UPLOAD_LIMIT[1]):
            upload_form.is_valid()
            upload_form.add_error(None, _("Too many checks from your address. Please try again in an hour."))
            status = 429
        elif upload_form.is_valid():
            content = upload_form.cleaned_data["pdf"].read()
            result = {
                "matches": verification_matches(verification=record, content=content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        else:
            status = 400
    context = {
        "record": record,
        "display_code": display_code(record.code),
        "upload_form": upload_form,
        "result": result,
    }
    return _no_store(render(request, "review/publicity/public_verify.html", context, status=status))
