"""What the stage apps add to the workstation pages (issue 20), registered by dotted path in
``settings.WORKSTATIONS_PAGE_SECTIONS`` as ``PORTAL_HOME_PANELS`` is for the home page, so that workstations shows
them without importing a stage app and its templates load no stage app's tags.

- A *page* section is ``section(request, workstation) -> str``: the HTML to show there, rendered from the stage app's
  own template, or ``""`` for nothing (a section checks who may see it).
- A *row* section (places ending in ``_rows``) is ``section(request, rows) -> dict[int, str]``: the HTML of each row's
  cell by the row's primary key, fetched for the whole list at once.

The places are listed in ``PLACES``; ``{% stage_sections "place" workstation %}`` renders a page's sections.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

PLACES = {
    "detail": "the workstation page, under its heading",
    "exit_detail": "an exit case, beside the decision (balances and what is owed)",
    "exit_propose": "the exit proposal form, above the grounds",
    "evaluation_rows": "each result row of an evaluation, in its award cell",
}


def _registered(place: str) -> list[Callable]:
    if place not in PLACES:
        raise KeyError(f"unknown workstation page place {place!r}; the places are {sorted(PLACES)}")
    return [import_string(path) for path in getattr(settings, "WORKSTATIONS_PAGE_SECTIONS", {}).get(place, [])]


def page_sections(place: str, request: HttpRequest, workstation) -> list[str]:
    """The rendered sections the stage apps add at ``place`` of a workstation page, in the order registered."""
    return [html for section in _registered(place) if (html := section(request, workstation))]


def row_sections(place: str, request: HttpRequest, rows: list) -> list:
    """Set ``stage_cells`` on each row: the rendered cells the stage apps add at ``place``, in the order registered."""
    cells = [section(request, rows) for section in _registered(place)]
    for row in rows:
        row.stage_cells = [by_row[row.pk] for by_row in cells if by_row.get(row.pk)]
    return rows
