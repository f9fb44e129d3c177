"""One row per calendar date: is it a working day by the State Council schedule, and who said so."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date__year=year)


class CalendarDay(models.Model):
    class Source(models.TextChoices):
        LIBRARY = "library", _("Calendar library")
        STAFF = "staff", _("Entered by staff")

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    # The holiday's name on a statutory holiday, or the reason a weekend day is worked ("春节调休").
    note = models.CharField(_("note"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.LIBRARY)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {'work' if self.is_working_day else 'off'}"

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_makeup_day(self) -> bool:
        """A weekend day that is worked to make up for a holiday (调休上班)."""
        return self.is_working_day and self.is_weekend

    @property
    def is_holiday(self) -> bool:
        """A weekday off, or any day inside a named holiday."""
        return not self.is_working_day and (not self.is_weekend or bool(self.note))
