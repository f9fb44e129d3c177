"""The public notice PDF (Art. 6(4)), rendered off the request path, once per version of its content, and stored.

Rendering the notice with WeasyPrint takes seconds for a long list (16 s for 2,000 candidates), and anyone may ask
for it, so no request renders it (issue 21: no request over 1 s, the first one included):

* a :class:`NoticePdf` row keeps one rendered file per list and *content digest* — the SHA-256 of the notice's
  HTML, so any change to what the PDF shows (a name, an outcome, the window closing) is a new version, and nothing
  else is;
* the task :func:`render_notice_pdf` renders and stores the notice as it stands. The services send it after commit
  whenever a list is published and whenever what its notice shows changes (a withdrawal, an objection decided, a
  candidate cleared, the window closed): :func:`notice_pdf_render_after_commit`;
* the cache maps ``(list, public version, open or closed)`` to the stored file (the task sets it), so a request for
  a PDF that did not change costs one small query and a file read, no template and no WeasyPrint;
* a request that finds no file for the current version sends the task itself (one request per list and
  ``RENDER_LOCK_TTL``: a short ``cache.add`` lock, counted against the public rate limit of its address) and is
  answered from the latest stored version meanwhile, or with 503 and ``Retry-After`` when there is none yet (429
  when its address is over the limit).

With Celery eager (development's and the tests' default) the task runs inside the call that sends it.
"""

import hashlib

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.celery import send_task, send_task_after_commit
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


def notice_context(publicity_list: PublicityList) -> dict:
    """What the official notice shows (the print view and the PDF): every candidate of the list, in order."""
    return {
        "publicity_list": publicity_list,
        "entries": list(publicity_list.entries.all()),
        "is_open": publicity_list.is_open(),
    }


def _name_key(pk: int, version: str, is_open: bool) -> str:
    return f"publicity:notice-pdf:{pk}:{version}:{int(is_open)}"


def _lock_key(pk: int) -> str:
    return f"publicity:notice-pdf:{pk}:render"


def notice_pdf_refresh(publicity_list_id: int) -> NoticePdf | None:
    """Render (when new) and store the notice as it stands now, and answer the current public version with it."""
    from review.publicity.selectors import public_list_detail

    # The version is read before the list: the file named under it is never older than the data of that version.
    version = public_version()
    try:
        publicity_list = public_list_detail(publicity_list_id)
    except PublicityList.DoesNotExist:
        return None
    stored = notice_pdf_store(publicity_list, notice_context(publicity_list))
    key = _name_key(publicity_list.pk, version, publicity_list.is_open())
    transaction.on_commit(lambda: cache.set(key, stored.pdf.name, NAME_TTL))
    return stored


# Defined beside the code it runs, so that the services that send it need no import of review.publicity.tasks (which
# imports them); tasks.py re-exports it under the name it is registered with.
@shared_task(name="review.publicity.tasks.render_notice_pdf")
def render_notice_pdf(publicity_list_id: int) -> bool:
    """Art. 6(4): render and store list ``publicity_list_id``'s notice PDF. Idempotent: a version already stored is
    not rendered again (its HTML is, to compute the digest)."""
    try:
        return notice_pdf_refresh(publicity_list_id) is not None
    finally:
        cache.delete(_lock_key(publicity_list_id))


def notice_pdf_render_after_commit(*publicity_list_ids: int) -> None:
    """For the services: the notice of these lists changed; render it once the change has committed."""
    for pk in sorted(set(publicity_list_ids)):
        send_task_after_commit(render_notice_pdf, pk)


def _latest_stored(pk: int) -> NoticePdf | None:
    latest = NoticePdf.objects.filter(publicity_list_id=pk).order_by("-rendered_at", "-pk").first()
    if latest is not None and latest.pdf and latest.pdf.storage.exists(latest.pdf.name):
        return latest
    return None


def notice_pdf_response(request, pk: int) -> HttpResponse:
    """Answer a request for list ``pk``'s notice PDF from what is stored; never render it here.

    The file of the current version when the task has stored it; otherwise the task is sent (once per list and lock)
    and the latest stored version answers meanwhile, or 503 with ``Retry-After`` when the list has none yet.
    """
    closes_at = PublicityList.objects.filter(pk=pk).values_list("closes_at", flat=True).first()
    if closes_at is None:
        raise Http404(_("No such publicity list."))
    is_open = timezone.now() < closes_at
    filename = f"公示-{pk}.pdf"
    name = cache.get(_name_key(pk, public_version(), is_open))
    if name:
        try:
            return stored_pdf_response(_private_storage().open(name), filename, inline=True)
        except FileNotFoundError:
            pass  # removed from storage: rendered again by the task
    # Asking for a render is asking for real work: it counts against the public rate limit of the address.
    refused = render_refused(request)
    lock = _lock_key(pk)
    if refused is None and cache.add(lock, 1, RENDER_LOCK_TTL) and not send_task(render_notice_pdf, pk):
        cache.delete(lock)  # the broker is down: the next request asks again
    latest = _latest_stored(pk)
    if latest is not None:
        return stored_pdf_response(latest.pdf, filename, inline=True)
    if refused is not None:
        return refused
    response = HttpResponse(
        _("The notice PDF is being prepared. Please try again in a few seconds."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "5"
    return response
