from django import template
from django.utils.translation import gettext as _

from portal.formatting import format_date, is_chinese

register = template.Library()


@register.simple_tag
def notice_period(publicity_list) -> str:
    """“公示期为2026年5月11日至5月15日（5个工作日）。”, the sentence every notice carries (Art. 6(4))."""
    first, last = publicity_list.first_day, publicity_list.last_day
    last_text = f"{last.month}月{last.day}日" if is_chinese() and last.year == first.year else format_date(last)
    return _("The publicity period runs from %(first)s to %(last)s (%(days)d working days).") % {
        "first": format_date(first),
        "last": last_text,
        "days": publicity_list.working_days,
    }
