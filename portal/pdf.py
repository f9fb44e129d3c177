"""PDF rendering with WeasyPrint and the free Noto CJK fonts (see docs/documents.md).

WeasyPrint subsets fonts through HarfBuzz; without Debian's ``libharfbuzz-subset0`` one CJK page takes seconds
instead of a fifth of one, which is why ``scripts/setup.sh`` installs it.
"""

from pathlib import Path
from urllib.parse import quote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

CJK_FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'


class StaticOnlyFetcher(URLFetcher):
    """Documents load our own static files (CSS, images) and nothing else: no network, no other local paths."""

    def fetch(self, url, headers=None):
        path = urlparse(url).path
        if path.startswith(settings.STATIC_URL):
            name = path[len(settings.STATIC_URL) :]
            content = _static_bytes(name)
            if content is not None:
                mime = "text/css" if name.endswith(".css") else "application/octet-stream"
                return URLFetcherResponse(url, content, {"Content-Type": mime})
        raise ValueError(f"PDF rendering does not fetch {url!r}")


def _static_bytes(name: str) -> bytes | None:
    """A static file by the name ``{% static %}`` gave: a source file (development), or, under the production
    manifest storage, the hashed copy ``collectstatic`` wrote (``official.<hash>.css`` exists only there)."""
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    return None


def render_pdf(template_name: str, context: dict | None = None, *, language: str | None = None) -> bytes:
    """Render a Django template to PDF bytes. Documents are Chinese unless ``language`` says otherwise."""
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context or {})
    return HTML(string=html, base_url="file:///", url_fetcher=StaticOnlyFetcher()).write_pdf()


def stored_pdf_response(field, filename: str, *, inline: bool = False) -> FileResponse:
    """Stream a PDF kept in a FileField (a document, a plaque) to a user the view has authorised."""
    response = FileResponse(
        field.open("rb"), content_type="application/pdf", as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
