from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        from django.db.backends.signals import connection_created

        from subsidies.guard import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="subsidies_append_only")
