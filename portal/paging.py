"""Paging of staff lists (issue 21 item 1): every list a person reads is a page of a bounded size.

``page_of(request, items)`` is Django's ``Paginator`` at ``settings.PORTAL_PAGE_SIZE`` rows (a bad or too large page
number gives the last page, as ``get_page`` does); the page carries the request's query string without ``page`` as
``page.query``, so ``includes/pagination.html`` keeps every filter in its links.
"""

from collections.abc import Sequence

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


class OrderedByIds(Sequence):
    """A queryset whose order needs joins (a recommender's name, a host unit's county) paged in two steps: the page's
    primary keys from a narrow query (the joins the order needs, no other column), then those rows with everything
    ``queryset`` selects — so a page costs the same whatever the length of the list (issue 21)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        found = self.queryset.in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]


class Counted(Sequence):
    """A queryset whose length is already known (from an aggregate that counted several lists at once): the pager
    takes the count from it, and a page is always one query — an empty list costs what a full one does. ``row``,
    when given, makes each fetched row (a ``values_list`` tuple) into what the page shows: ``row(*values)``."""

    def __init__(self, queryset, count: int, *, row=None):
        self.queryset, self._count, self.row = queryset, count, row

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self._count
        rows = list(self.queryset[start : max(stop, start + 1)])[: max(stop - start, 0)]
        return [self.row(*values) for values in rows] if self.row else rows
