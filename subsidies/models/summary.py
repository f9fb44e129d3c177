"""Issue 21: the city overview's sums, kept as summary rows instead of scanning every ledger entry per request."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerSum(models.Model):
    """Signed sum and count of the ledger entries of one county, year (of the entry's date), funding source, base kind
    (a reversal counts under the kind it reverses, as ``subsidies.selectors._grouped``) and category.

    Written only by ``subsidies.summaries`` inside the transaction of the service that records the entry (F()
    updates, so concurrent entries of one county add up); ``manage.py rebuild_ledger_sums`` recomputes every row.
    ``county_pk`` is the workstation's county (``Workstation.county``) when the entry was recorded, 0 for none.
    """

    county_pk = models.PositiveIntegerField(_("county"), default=0)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("funding source"), max_length=10)
    base_kind = models.CharField(_("kind"), max_length=20)
    category = models.CharField(_("category"), max_length=12, blank=True)
    total = models.DecimalField(_("signed total"), max_digits=16, decimal_places=2, default=0)
    entries = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("ledger sum")
        verbose_name_plural = _("ledger sums")
        constraints = [
            models.UniqueConstraint(
                fields=["county_pk", "year", "source", "base_kind", "category"], name="subsidies_ledgersum_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_pk}/{self.year}/{self.source}/{self.base_kind}/{self.category}: {self.total}"
