"""The call (工作通知) of Art. 6(1): conditions, dates, the grant, and a quota per recommender."""

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from portal.models import Organisation
from portal.roles import OrgKind


def today() -> date:
    """Today in Asia/Shanghai (the call's dates are local dates)."""
    return timezone.localdate()


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Calls are public notices inside the portal: every signed-in user with a role may read them."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        return self

    def open_on(self, day: date | None = None):
        day = day or today()
        return self.filter(opens_on__lte=day, closes_on__gte=day, closed_at__isnull=True)


class Call(models.Model):
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(
        _("document number"), max_length=60, help_text=_("For example 平人社〔2026〕5号.")
    )
    conditions = models.TextField(_("conditions and requirements"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day on which applications are accepted."))
    grant_amount = models.DecimalField(
        _("one-time grant (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Art. 8: the city's one-time grant to each recognised workstation."),
    )
    # Art. 6(2): recommenders select after the applications are in; this is the last day they may recommend.
    recommendation_deadline = models.DateField(
        _("recommendation deadline"),
        null=True,
        blank=True,
        help_text=_("The last day on which recommenders may recommend; empty: the closing date of the call."),
    )
    # Art. 6(2) names the county bureaus; the heading "县(市、区)或平顶山市域内高校遴选推荐" lets a university put
    # forward its own host units. Whether it may is the bureau's reading (Art. 14), set per call.
    universities_recommend_own = models.BooleanField(
        _("universities may recommend their own host units directly"),
        default=True,
        help_text=_("Art. 6(2): a university recommends only host units that belong to it."),
    )
    # Staff may close a call before its closing date; from then on drafts are locked.
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="call_dates_ordered"),
            models.CheckConstraint(
                condition=models.Q(recommendation_deadline__isnull=True)
                | models.Q(recommendation_deadline__gte=models.F("closes_on")),
                name="call_recommendation_after_close",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, day: date | None = None) -> bool:
        day = day or today()
        return self.closed_at is None and self.opens_on <= day <= self.closes_on

    @property
    def last_recommendation_day(self) -> date:
        return self.recommendation_deadline or self.closes_on

    def recommendation_open(self, day: date | None = None) -> bool:
        return (day or today()) <= self.last_recommendation_day

    @property
    def status_label(self) -> str:
        day = today()
        if self.is_open(day):
            return str(_("Open"))
        if self.closed_at is None and day < self.opens_on:
            return str(_("Not yet open"))
        return str(pgettext("call status", "Closed"))


class Quota(models.Model):
    """How many candidates one recommender may put forward in one call (Art. 6(1)–(2)).

    The row is also the lock that serialises recommendations of that recommender in that call.
    """

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="quotas")
    recommender = models.ForeignKey(
        Organisation,
        verbose_name=_("recommender"),
        on_delete=models.PROTECT,
        related_name="quotas",
        limit_choices_to={"kind__in": [OrgKind.COUNTY_BUREAU, OrgKind.UNIVERSITY]},
    )
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["call", "recommender__kind", "recommender__code", "recommender__name"]
        constraints = [models.UniqueConstraint(fields=["call", "recommender"], name="quota_unique_per_recommender")]

    def __str__(self) -> str:
        return f"{self.recommender}: {self.places}"
