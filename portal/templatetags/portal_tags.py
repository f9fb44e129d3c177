from django import template

from portal import formatting

register = template.Library()


@register.filter
def cn_date(value):
    return formatting.format_date(value)


@register.filter
def yuan(value):
    return formatting.format_yuan(value)


@register.filter
def masked_id(value):
    return formatting.mask_id_number(value)


@register.filter
def masked_phone(value):
    return formatting.mask_phone(value)
