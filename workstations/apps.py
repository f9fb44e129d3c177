from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    name = "workstations"
    verbose_name = _("Workstations")

    def ready(self):
        from portal.measures.signals import measures_changed
        from workstations import contracts  # noqa: F401  (registers the stage-contract system check)

        measures_changed.connect(_measures_changed, dispatch_uid="workstations.compliance_summary")


def _measures_changed(sender, version, **kwargs) -> None:
    """A new version of the measures' numbers: the board's summary rows recompute their needs (issue 21)."""
    from portal.celery import send_task
    from workstations.tasks import rebuild_compliance_summary

    send_task(rebuild_compliance_summary)
