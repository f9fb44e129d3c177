from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    name = "workstations"
    verbose_name = _("Workstations")

    def ready(self):
        from workstations import contracts  # noqa: F401  (registers the stage-contract system check)
