from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self):
        from portal import aggregates
        from subsidies.models import Entry, EntryReview, Ledger

        # Whole-city figures computed once per change (issue 21): every save of these rows moves the topic on.
        for model in (Ledger, Entry, EntryReview):
            aggregates.bump_on_change(model, aggregates.LEDGERS)
