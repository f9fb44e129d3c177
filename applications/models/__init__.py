"""Calls, people, applications and their materials (Art. 5–7)."""

from applications.models.applications import Application, ApplicationQuerySet
from applications.models.calls import Call, Quota
from applications.models.materials import Material
from applications.models.people import Mentor, StaffMember
from applications.models.snapshots import ApplicationSnapshot, SiteVisit, SiteVisitPhoto

__all__ = [
    "Application",
    "ApplicationQuerySet",
    "ApplicationSnapshot",
    "Call",
    "Material",
    "Mentor",
    "Quota",
    "SiteVisit",
    "SiteVisitPhoto",
    "StaffMember",
]
