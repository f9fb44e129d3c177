"""``{% load workstation_sections %}{% stage_sections "detail" workstation %}``: what the stage apps registered for
that place of a workstation page (``workstations.sections``)."""

from django import template

from workstations.sections import page_sections

register = template.Library()


@register.inclusion_tag("workstations/_stage_sections.html", takes_context=True)
def stage_sections(context, place: str, workstation):
    return {"sections": page_sections(place, context.get("request"), workstation)}
