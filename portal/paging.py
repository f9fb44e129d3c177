"""Paging of staff lists (issue 21 item 1): every list a person reads is a page of a bounded size.

``page_of(request, items)`` is Django's ``Paginator`` at ``settings.PORTAL_PAGE_SIZE`` rows (a bad or too large page
number gives the last page, as ``get_page`` does); the page carries the request's query string without ``page`` as
``page.query``, so ``includes/pagination.html`` keeps every filter in its links.
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_size() -> int:
    return int(getattr(settings, "PORTAL_PAGE_SIZE", 50))


def matrix_columns() -> int:
    """Columns of a paged matrix (experts × candidates on the review pages)."""
    return int(getattr(settings, "PORTAL_MATRIX_COLUMNS", 10))


def page_of(request: HttpRequest, items, *, param: str = "page", size: int | None = None) -> Page:
    page = Paginator(items, size or page_size()).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    page.query = params.urlencode()
    page.param = param
    return page
