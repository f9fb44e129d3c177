from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from portal import checks, dbroles, signals  # noqa: F401  (registers deploy checks and audit receivers)

        post_migrate.connect(dbroles.after_migrate, sender=self, dispatch_uid="portal-append-only-and-grants")
