"""Issue 18 item 7: two lead mentors with the same name give identical workstation names (Art. 6(5)); a list that
holds both tells them apart by the host unit, without a query: ``{% load workstation_names %}``,
``{% with dupes=items|same_names:"workstation" %}`` … ``{% ws_name item.workstation dupes %}``."""

from collections import Counter

from django import template

register = template.Library()


def _reach(item, path: str):
    for part in path.split(".") if path else []:
        item = getattr(item, part)
    return item


@register.filter
def same_names(items, path: str = "") -> frozenset:
    """The workstation names that occur more than once among ``items`` (each reaching its workstation by ``path``)."""
    counts = Counter(_reach(item, path).name for item in items)
    return frozenset(name for name, n in counts.items() if n > 1)


@register.simple_tag
def ws_name(workstation, dupes=frozenset()) -> str:
    if workstation.name in dupes:
        return f"{workstation.name}（{workstation.host_unit.name}）"
    return workstation.name
