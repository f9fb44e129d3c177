"""The role-aware home page: every stage app adds panels of what waits for the user."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Panel:
    title: str
    count: int
    url: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    tone: str = "primary"
    order: int = 50


def home_panels(user) -> list[Panel]:
    panels: list[Panel] = []
    for path in settings.PORTAL_HOME_PANELS:
        panels.extend(import_string(path)(user))
    return sorted(panels, key=lambda p: p.order)
