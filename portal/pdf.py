"""HTML → PDF with WeasyPrint and the installed Noto CJK fonts (fontconfig finds them by family name).

Fonts are subset with libharfbuzz-subset when WeasyPrint finds it (much faster than fontTools on the large CJK
fonts); :func:`uses_harfbuzz_subset` tells operators whether it did. Templates are rendered in the current language;
static files (CSS) are read from disk, never over the network.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def _local_fetcher():
    """A fetcher that serves ``/static/...`` from the static finders and ``data:`` URLs, and refuses anything else:
    rendering never reaches the network or arbitrary files."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            for prefix in (f"file://{settings.STATIC_URL}", settings.STATIC_URL):
                if url.startswith(prefix):
                    path = finders.find(url[len(prefix) :].split("?", 1)[0])
                    if path:
                        return super().fetch(Path(path).as_uri(), headers)
            raise ValueError(f"PDF rendering may not fetch {url!r}")

    return LocalFetcher()


def uses_harfbuzz_subset() -> bool:
    from weasyprint.text import ffi

    return bool(ffi.harfbuzz_subset) and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes."""
    from weasyprint import HTML

    started = time.perf_counter()
    html = render_to_string(template_name, context)
    pdf = HTML(string=html, base_url=base_url or "file:///", url_fetcher=_local_fetcher()).write_pdf()
    logger.debug("rendered %s in %.0f ms", template_name, (time.perf_counter() - started) * 1000)
    return pdf
