"""One ledger per workstation; its entries are append-only (Art. 8, 9, 11(3); SPEC §4 "Subsidies").

Nothing stores a running balance: balances per funding source are sums over entries (``subsidies.selectors``).
The database itself refuses UPDATE and DELETE on entries and their receipt links (triggers created in migration
0002); a mistake is corrected by a reversing entry that points to the original and gives a reason.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.roles import OrgKind, Role


class Source(models.TextChoices):
    """Funding sources; each has its own balance (Art. 8, 11(3))."""

    CITY = "city", _("City one-time grant")
    COUNTY = "county", _("County matching grant")
    AWARD = "award", _("Award in lieu of subsidy")


class Kind(models.TextChoices):
    CITY_GRANT = "city_grant", _("City one-time grant")
    COUNTY_GRANT = "county_grant", _("County matching grant")
    AWARD = "award", _("Award in lieu of subsidy")
    EXPENDITURE = "expenditure", _("Expenditure")
    CLAWBACK = "clawback", _("Refund or claw-back")
    REVERSAL = "reversal", _("Reversal")


class Category(models.TextChoices):
    """What an expenditure paid for (Art. 8: equipment, talent training, skills exchange)."""

    EQUIPMENT = "equipment", _("Equipment purchase")
    TRAINING = "training", _("Talent training")
    EXCHANGE = "exchange", _("Skills exchange")
    OTHER = "other", _("Other")


# Money comes in on grants and awards and goes out on expenditures and claw-backs; a reversal runs the other way
# from the entry it reverses. The sign is written once, at insert, and can never change afterwards.
INFLOW_KINDS = frozenset({Kind.CITY_GRANT, Kind.COUNTY_GRANT, Kind.AWARD})
OUTFLOW_KINDS = frozenset({Kind.EXPENDITURE, Kind.CLAWBACK})
GRANT_SOURCE: dict[str, str] = {
    Kind.CITY_GRANT: Source.CITY,
    Kind.COUNTY_GRANT: Source.COUNTY,
    Kind.AWARD: Source.AWARD,
}


def ledger_scope(user, *, ws: str, ledger: str) -> Q | None:
    """The ledgers ``user`` may see, as a filter on a model reaching the workstation through the prefix ``ws`` and
    the ledger through the prefix ``ledger``.

    ``None`` means everything. City staff see all; a host unit its own; a county bureau the workstations of its
    county; an audit firm only the ledgers assigned to it. Nobody else sees ledgers.
    """
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    role = user.role
    org_id = user.organisation_id
    if role in (Role.CITY_STAFF, Role.ADMIN):
        return None
    if role == Role.HOST_UNIT:
        return Q(**{f"{ws}host_unit_id": org_id})
    if role == Role.RECOMMENDER and user.organisation.kind == OrgKind.COUNTY_BUREAU:
        # Workstation.county: the recommender when it is a county bureau, otherwise the host unit's county.
        return Q(**{f"{ws}recommender_id": org_id}) | (
            Q(**{f"{ws}host_unit__county_id": org_id}) & ~Q(**{f"{ws}recommender__kind": OrgKind.COUNTY_BUREAU})
        )
    if role == Role.AUDITOR:
        return Q(**{f"{ledger}assignments__audit__firm_id": org_id})
    return Q(pk__in=[])


class LedgerQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = ledger_scope(user, ws="workstation__", ledger="")
        return self if scope is None else self.filter(scope).distinct()


class Ledger(models.Model):
    workstation = models.OneToOneField(
        "workstations.Workstation", verbose_name=_("workstation"), on_delete=models.PROTECT, related_name="ledger"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("subsidy ledger")
        verbose_name_plural = _("subsidy ledgers")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.workstation)


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = ledger_scope(user, ws="ledger__workstation__", ledger="ledger__")
        return self if scope is None else self.filter(scope).distinct()


class Entry(models.Model):
    """One line of a ledger. Never updated, never deleted (the database refuses both)."""

    ledger = models.ForeignKey(Ledger, verbose_name=_("ledger"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("funding source"), max_length=10, choices=Source.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    sign = models.SmallIntegerField(_("direction"), editable=False)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"))
    explanation = models.TextField(_("explanation"), blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    needs_review = models.BooleanField(_("flagged for review"), default=False)
    # Art. 11(3) 以奖代补: the excellent evaluation result an award rests on (awards recorded from an evaluation).
    evaluation_result = models.ForeignKey(
        "workstations.EvaluationResult",
        verbose_name=_("evaluation result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_entries",
    )
    # Art. 12: a county matching grant records the city's numbers and the county's stricter rules it was checked
    # against (portal.measures); empty on other entries and on grants recorded before the versions.
    measures_version = models.ForeignKey(
        "portal.MeasuresVersion",
        verbose_name=_("measures version applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    county_rule = models.ForeignKey(
        "portal.CountyRule",
        verbose_name=_("county rule applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The ledger chain (subsidies/chain.py): position, previous link and this entry's MAC, set once at insert.
    chain_seq = models.BigIntegerField(_("chain position"), unique=True, null=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidies_entry_amount_positive"),
            models.CheckConstraint(condition=Q(sign__in=[1, -1]), name="subsidies_entry_sign_unit"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[Kind.CITY_GRANT, Kind.COUNTY_GRANT, Kind.AWARD], sign=1)
                    | Q(kind__in=[Kind.EXPENDITURE, Kind.CLAWBACK], sign=-1)
                    | Q(kind=Kind.REVERSAL, reverses__isnull=False)
                ),
                name="subsidies_entry_direction_from_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.EXPENDITURE) | ~Q(category=""), name="subsidies_expenditure_has_category"
            ),
        ]
        # No database constraint makes an evaluation result's award unique: a mistaken award is corrected by a
        # reversal and then recorded again, so "one unreversed award per result" is checked under the ledger lock
        # (subsidies.services.ledger.award_from_evaluation).
        indexes = [
            models.Index(fields=["ledger", "source"]),
            models.Index(fields=["needs_review"]),
            # The city overview's latest expenditures: an index scan of 20 rows, not a sort of every entry (issue 9).
            models.Index(fields=["kind", "-recorded_at", "-id"], name="subsidies_entry_kind_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)  # refused by the database: entries are append-only
        from subsidies.chain import entry_chain

        with transaction.atomic():
            entry_chain(self)
            return super().save(*args, **kwargs)

    @property
    def signed_amount(self) -> Decimal:
        return self.amount * self.sign

    @property
    def is_expenditure(self) -> bool:
        return self.kind == Kind.EXPENDITURE or (self.kind == Kind.REVERSAL and self.category != "")


class EntryReceipt(models.Model):
    """A receipt attached to an entry when it was recorded; append-only like the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="receipts")
    file = models.ForeignKey("portal.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.file)


class EntryReview(models.Model):
    """City staff's review of an "other" expenditure (flagged when recorded)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        QUESTIONED = "questioned", _("Questioned")

    entry = models.OneToOneField(Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="review")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expenditure review")
        verbose_name_plural = _("expenditure reviews")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.outcome}"
