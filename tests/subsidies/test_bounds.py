"""Issue 14: plausible bounds on money and dates, in the service so that forms, admin and commands obey them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies.forms import AwardForm, EntryForm
from subsidies.models import Entry, Kind
from subsidies.services import LedgerRefused
from tests.subsidies.factories import grant

pytestmark = pytest.mark.django_db


def test_a_ten_billion_yuan_grant_is_refused_and_the_ceiling_is_configured(ws, staff, settings):
    with pytest.raises(LedgerRefused, match="at most"):
        grant(ws, staff, "9999999999.99")
    assert not Entry.objects.exists()
    settings.SUBSIDY_MAX_ENTRY_AMOUNT = "50000.00"
    with pytest.raises(LedgerRefused, match="at most"):
        grant(ws, staff, "50000.01")
    assert grant(ws, staff, "50000.00").amount == Decimal("50000.00")


def test_one_fen_is_a_valid_amount_in_the_service_and_the_form(ws, staff, clerk):
    assert grant(ws, staff, "0.01").amount == Decimal("0.01")
    form = EntryForm(
        {"amount": "0.01", "date": timezone.localdate().isoformat(), "description": "尾差"}, kind=Kind.COUNTY_GRANT
    )
    assert form.is_valid(), form.errors
    award = AwardForm({"amount": "0.01", "date": timezone.localdate().isoformat(), "description": "奖补"})
    assert award.is_valid(), award.errors


def test_an_entry_dated_before_the_measures_is_refused(ws, staff, settings):
    with pytest.raises(LedgerRefused, match="before the measures"):
        grant(ws, staff, date=date(1900, 1, 1))
    settings.MEASURES_ISSUED_ON = "2024-06-01"
    with pytest.raises(LedgerRefused, match="before the measures"):
        grant(ws, staff, date=date(2024, 5, 31))
    assert grant(ws, staff, date=date(2024, 6, 1)).date == date(2024, 6, 1)


def test_the_form_shows_the_bound_beside_the_field_and_keeps_what_was_typed(client, ws, staff):
    client.force_login(staff)
    url = reverse("subsidies:record", args=[ws.pk, Kind.CITY_GRANT])
    response = client.post(url, {"amount": "9999999999.99", "date": "1900-01-01", "description": "一次性补助"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "超过单笔记账上限" in html and "不得早于《办法》印发之日" in html
    assert "9999999999.99" in html and "一次性补助" in html
    assert not Entry.objects.exists()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"amount": "100.00", "date": tomorrow, "description": "一次性补助"})
    assert not Entry.objects.exists()
