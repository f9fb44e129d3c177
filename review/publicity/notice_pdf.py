"""The public notice PDF (Art. 6(4)), rendered once per version of its content and stored like issued documents.

Rendering the notice with WeasyPrint takes seconds for a long list, and anyone may ask for it, so the PDF is never
rendered for a request that a stored copy can answer (issue 21):

* a :class:`NoticePdf` row keeps one rendered file per list and *content digest* — the SHA-256 of the notice's
  HTML, so any change to what the PDF shows (a name, an outcome, the window closing) is a new version, and nothing
  else is;
* the cache maps ``(list, public version, open or closed)`` to the stored file, so a request for a PDF that did not
  change costs one small query and a file read, no template and no WeasyPrint;
* only the worker that wins a short ``cache.add`` lock renders a new version; the others serve the previous version
  meanwhile, or answer 503 with ``Retry-After`` when there is none yet;
* a request that would render counts against the public rate limit of the visitor's address; over the limit it
  gets the latest stored version, or 429 when there is none.
"""

import hashlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.pdf import render_pdf, stored_pdf_response
from portal.uploads import _private_storage
from review.publicity.caching import public_version, render_refused
from review.publicity.models import PublicityList

TEMPLATE = "review/publicity/notice_pdf.html"
LANGUAGE = "zh-hans"  # the notice is an official Chinese document whatever the visitor's language
NAME_TTL = 24 * 3600
RENDER_LOCK_TTL = 120


class NoticePdf(models.Model):
    """One rendered version of a publicity list's notice PDF."""

    publicity_list = models.ForeignKey(
        PublicityList, verbose_name=gettext_lazy("publicity list"), on_delete=models.CASCADE, related_name="pdfs"
    )
    digest = models.CharField(gettext_lazy("content digest"), max_length=64)
    pdf = models.FileField(gettext_lazy("rendered file"), storage=_private_storage, upload_to="publicity/%Y/")
    rendered_at = models.DateTimeField(gettext_lazy("rendered at"), default=timezone.now)

    class Meta:
        app_label = "review"
        verbose_name = gettext_lazy("public notice PDF")
        verbose_name_plural = gettext_lazy("public notice PDFs")
        constraints = [
            models.UniqueConstraint(fields=["publicity_list", "digest"], name="notice_pdf_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.publicity_list_id}:{self.digest[:12]}"


def notice_pdf_store(publicity_list: PublicityList, context: dict) -> NoticePdf:
    """The stored PDF for the notice as ``context`` shows it, rendered now only if this version has none."""
    with translation.override(LANGUAGE):
        digest = hashlib.sha256(render_to_string(TEMPLATE, context).encode()).hexdigest()
    stored = NoticePdf.objects.filter(publicity_list=publicity_list, digest=digest).first()
    if stored is not None and stored.pdf and stored.pdf.storage.exists(stored.pdf.name):
        return stored
    content = render_pdf(TEMPLATE, context, language=LANGUAGE)
    with transaction.atomic():
        stored, _created = NoticePdf.objects.select_for_update().get_or_create(
            publicity_list=publicity_list, digest=digest
        )
        stored.pdf.save(f"notice-{publicity_list.pk}-{digest[:16]}.pdf", ContentFile(content), save=False)
        stored.rendered_at = timezone.now()
        stored.save()
    return stored


def notice_pdf_response(request, pk: int, *, load, context_for) -> HttpResponse:
    """Answer a request for list ``pk``'s notice PDF from the stored copy, rendering only a new version.

    ``load(pk)`` returns the list with its entries (or raises 404), ``context_for(list)`` the notice's context.
    """
    closes_at = PublicityList.objects.filter(pk=pk).values_list("closes_at", flat=True).first()
    if closes_at is None:
        raise Http404(_("No such publicity list."))
    is_open = timezone.now() < closes_at
    key = f"publicity:notice-pdf:{pk}:{public_version()}:{int(is_open)}"
    filename = f"公示-{pk}.pdf"
    name = cache.get(key)
    if name:
        try:
            return stored_pdf_response(_private_storage().open(name), filename, inline=True)
        except FileNotFoundError:
            pass  # removed from storage: rendered again below
    refused = render_refused(request)
    lock = f"publicity:notice-pdf:{pk}:render"
    if refused is not None or not cache.add(lock, 1, RENDER_LOCK_TTL):
        # Limited, or another worker is rendering: the latest stored version, if there is one, answers meanwhile.
        previous = NoticePdf.objects.filter(publicity_list_id=pk).order_by("-rendered_at").first()
        if previous is not None and previous.pdf.storage.exists(previous.pdf.name):
            return stored_pdf_response(previous.pdf, filename, inline=True)
        if refused is not None:
            return refused
        response = HttpResponse(
            _("The notice PDF is being prepared. Please try again in a few seconds."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        return response
    try:
        publicity_list = load(pk)
        stored = notice_pdf_store(publicity_list, context_for(publicity_list))
    finally:
        cache.delete(lock)
    transaction.on_commit(lambda: cache.set(key, stored.pdf.name, NAME_TTL))
    return stored_pdf_response(stored.pdf, filename, inline=True)
