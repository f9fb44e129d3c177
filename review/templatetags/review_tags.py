"""Template helpers of the review pages."""

from django import template
from django.utils.html import format_html, format_html_join
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
        "": format_html('<td class="attend-none">{}</td>', "—"),
    }
    # Every piece is one of the three strings above, built by format_html; format_html_join keeps them as they are.
    return format_html_join("", "{}", ((html.get(cell or "", html[""]),) for cell in cells))
