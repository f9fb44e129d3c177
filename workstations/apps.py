from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    name = "workstations"
    verbose_name = _("Workstations")
