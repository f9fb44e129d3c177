"""The money trail of a grant (Art. 8, 13; issue 18): funding channel and 拨付 record, an optional grant publicity of
five working days before payment, and the closing of a ledger after an exit.

"大众创业指导大师工作室建设补助资金的拨付、使用、管理和监督等，严格按照就业补助资金管理办法执行" (Art. 13): each grant
names the fund it is paid from and the payment's document and date. Rows here are written once by
``subsidies.services.trail`` and never changed; a mistaken grant is reversed in the ledger as before.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from subsidies.models.ledger import Entry, Ledger, ledger_scope


class Channel(models.TextChoices):
    """The fund a grant is paid from (Art. 8: the county's matching grant "从本级就业补助资金中列支"; Art. 13)."""

    CITY_EMPLOYMENT = "city_employment", _("City employment subsidy fund (就业补助资金)")
    COUNTY_EMPLOYMENT = "county_employment", _("County employment subsidy fund (就业补助资金)")
    OTHER = "other", _("Other")


class TrailQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may see the grant's ledger."""
        scope = ledger_scope(user, ws="entry__ledger__workstation__", ledger="entry__ledger__")
        return self if scope is None else self.filter(scope).distinct()


class Disbursement(models.Model):
    """拨付: how and when a grant was paid."""

    entry = models.OneToOneField(Entry, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="disbursement")
    channel = models.CharField(_("funding channel"), max_length=20, choices=Channel.choices)
    channel_detail = models.CharField(_("other channel"), max_length=120, blank=True)
    document_number = models.CharField(_("payment document"), max_length=60)
    paid_on = models.DateField(_("paid on"))
    account = models.CharField(_("receiving account"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TrailQuerySet.as_manager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(channel="other") | ~models.Q(channel_detail=""), name="disbursement_other_named"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.document_number}"


class GrantPublicity(models.Model):
    """An optional public notice of a grant for five working days before it is paid (Henan practice for subsidies
    from 就业补助资金: 审核 → 公示 → 提请财政拨付), on the working-day calendar of Art. 6(4)."""

    entry = models.OneToOneField(Entry, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="publicity")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    closes_at = models.DateTimeField(_("closes at"))
    # Frozen at publication for the public page, like the publicity list of Art. 6(4).
    workstation_name = models.CharField(_("workstation"), max_length=120)
    host_unit_name = models.CharField(_("host unit"), max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = TrailQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant publicity")
        verbose_name_plural = _("grant publicity")
        ordering = ["-first_day", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.first_day} – {self.last_day}"


class LedgerClosure(models.Model):
    """After an exit, refunds and claw-backs are recorded until staff close the ledger; then it accepts nothing."""

    ledger = models.OneToOneField(Ledger, verbose_name=_("ledger"), on_delete=models.PROTECT, related_name="closure")
    outstanding = models.DecimalField(_("still owed at closing (yuan)"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger closure")
        verbose_name_plural = _("ledger closures")

    def __str__(self) -> str:
        return f"{self.ledger_id} closed"
