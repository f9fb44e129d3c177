"""The roles of SPEC §2 and the kinds of organisation they come from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", _("City HR and social-security bureau")
    COUNTY_BUREAU = "county_bureau", _("County-level HR bureau")
    UNIVERSITY = "university", _("University (recommender)")
    HOST_UNIT = "host_unit", _("Host unit")
    EXPERT_POOL = "expert_pool", _("Expert pool")
    DISCIPLINE_GROUP = "discipline_group", _("Discipline-inspection group")
    AUDIT_FIRM = "audit_firm", _("Audit firm")


class Role(models.TextChoices):
    HOST_UNIT = "host_unit", _("Host-unit user")
    RECOMMENDER = "recommender", _("Recommender clerk")
    CITY_STAFF = "city_staff", _("City bureau staff")
    EXPERT = "expert", _("Expert")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("System administrator")
    NONE = "none", _("No role")


ORG_KIND_ROLE = {
    OrgKind.CITY_BUREAU: Role.CITY_STAFF,
    OrgKind.COUNTY_BUREAU: Role.RECOMMENDER,
    OrgKind.UNIVERSITY: Role.RECOMMENDER,
    OrgKind.HOST_UNIT: Role.HOST_UNIT,
    OrgKind.EXPERT_POOL: Role.EXPERT,
    OrgKind.DISCIPLINE_GROUP: Role.SUPERVISOR,
    OrgKind.AUDIT_FIRM: Role.AUDITOR,
}

# Who reads every workstation of the city: the bureau's staff, the discipline-inspection supervisor and the system
# administrator (the one tuple the views, querysets and selectors use for "city-wide" reading).
CITY_WIDE_ROLES = (Role.CITY_STAFF, Role.SUPERVISOR, Role.ADMIN)

# SPEC §5: two-factor login is required for these roles.
TWO_FACTOR_REQUIRED_ROLES = frozenset({Role.CITY_STAFF, Role.EXPERT, Role.SUPERVISOR})
