"""Template helpers of the review pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def attendance_cells(cells) -> str:
    """One row of the attendance matrix (who has voted, never how) as ``<td>`` cells.

    Rendered here, not by a template loop: a round of 200 candidates × 50 experts has 10,000 cells, and a
    ``{% translate %}`` and an ``{% if %}`` per cell cost more than everything else on the oversight page (issue 9).
    """
    html = {
        "voted": format_html('<td class="attend-voted">✓ {}</td>', _("voted")),
        "recused": format_html('<td class="attend-recused">{}</td>', _("recused")),
        "": mark_safe('<td class="attend-none">—</td>'),
    }
    # Every piece is one of the three safe strings above (format_html escaped the labels); nothing else is joined.
    return mark_safe("".join(html.get(cell or "", html[""]) for cell in cells))  # noqa: S308
