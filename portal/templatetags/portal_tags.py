from django import template

from portal import formatting

register = template.Library()


@register.filter
def cn_date(value):
    return formatting.format_date(value)


@register.filter
def cn_datetime(value):
    """2026年12月1日 10:30 in Chinese (the date as format_date, then the local time)."""
    if not value:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{formatting.format_date(local)} {local:%H:%M}"


@register.filter
def yuan(value):
    return formatting.format_yuan(value)


@register.filter
def masked_id(value):
    return formatting.mask_id_number(value)


@register.filter
def masked_phone(value):
    return formatting.mask_phone(value)
