from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications.models import Application
        from portal import aggregates

        # The desk's counts (issue 21) read which call an application is in; its state moves the workstations topic.
        aggregates.bump_on_change(Application, aggregates.APPLICATIONS)
