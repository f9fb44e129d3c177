from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationsConfig(AppConfig):
    name = "workstations"
    verbose_name = _("Workstations")

    def ready(self):
        from portal.measures.signals import measures_changed
        from workstations import contracts  # noqa: F401  (registers the stage-contract system check)

        measures_changed.connect(_measures_changed, dispatch_uid="workstations.compliance_summary")

        from portal import aggregates
        from portal.models import Organisation
        from workstations.models import Workstation
        from workstations.models.compliance import ComplianceSummary

        # Whole-city figures computed once per change (issue 21): every save of these rows moves their topic on.
        aggregates.bump_on_change(Workstation, aggregates.WORKSTATIONS)
        aggregates.bump_on_change(Organisation, aggregates.WORKSTATIONS)  # a host unit's county, a recommender's kind
        aggregates.bump_on_change(ComplianceSummary, aggregates.COMPLIANCE, deletes=False)  # rebuild() bumps


def _measures_changed(sender, version, **kwargs) -> None:
    """A new version of the measures' numbers: the board's summary rows recompute their needs (issue 21)."""
    from portal import aggregates
    from portal.celery import send_task
    from workstations.tasks import rebuild_compliance_summary

    aggregates.bump(aggregates.COMPLIANCE)  # the needs of a missing row follow the numbers in force at once
    send_task(rebuild_compliance_summary)
