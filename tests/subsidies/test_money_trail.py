"""Issue 18, Art. 8, 9, 11(4), 13: funding channel and 拨付 record per grant, the optional five-working-day grant
publicity before payment, claw-backs after an exit until staff close the ledger, and what is still owed."""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.workdays.models import CalendarDay
from subsidies.models import Kind
from subsidies.models.trail import Channel, Disbursement, LedgerClosure
from subsidies.services import entry_record, entry_reverse
from subsidies.services.ledger import LedgerRefused
from subsidies.services.trail import disbursement_record, grant_publicity_start, ledger_close, still_owed
from tests.subsidies.factories import DAY, spend
from workstations.models import State, Workstation

pytestmark = pytest.mark.django_db


def _clawback(ws, staff, amount, source="city"):
    return entry_record(
        workstation=ws,
        kind=Kind.CLAWBACK,
        source=source,
        amount=Decimal(amount),
        date=timezone.localdate(),
        description="按撤销决定收回尚未使用的补助资金",
        actor=staff,
    )


def _revoke(ws):
    Workstation.objects.filter(pk=ws.pk).update(state=State.REVOKED)
    ws.refresh_from_db()


def test_a_clawback_is_recorded_after_revocation_until_staff_close_the_ledger(client, funded, staff, host_user):
    ws = funded
    spend(ws, host_user, "10000.00")
    _revoke(ws)
    ledger = ws.ledger
    assert still_owed(ledger) == Decimal("60000.00")  # 40,000 city + 20,000 county unspent
    with pytest.raises(PermissionDenied):  # the host unit spends nothing more
        spend(ws, host_user, "100.00")
    _clawback(ws, staff, "40000.00")
    assert still_owed(ledger) == Decimal("20000.00")

    client.force_login(staff)
    page = client.get(reverse("subsidies:ledger", args=[ws.pk])).content.decode()
    assert 'data-testid="ledger-owed"' in page and "20,000.00元" in page
    close_url = reverse("subsidies:ledger_close", args=[ws.pk])
    page = client.get(close_url).content.decode()
    assert 'data-testid="close-consequence"' in page and "20,000.00元" in page
    with pytest.raises(PermissionDenied):
        ledger_close(workstation=ws, actor=host_user)
    assert client.post(close_url, {"note": "县级配套资金由县财政另行收回。"}).status_code == 302
    closure = LedgerClosure.objects.get(ledger=ledger)
    assert closure.outstanding == Decimal("20000.00") and closure.closed_by == staff

    with pytest.raises(PermissionDenied, match=r"closed|结账"):
        _clawback(ws, staff, "100.00", source="county")
    with pytest.raises(PermissionDenied, match=r"closed|结账"):
        entry_reverse(entry=ledger.entries.get(kind=Kind.CLAWBACK), reason="错", actor=staff)
    with pytest.raises(LedgerRefused):
        ledger_close(workstation=ws, actor=staff)
    assert 'data-testid="ledger-closed"' in client.get(reverse("subsidies:ledger", args=[ws.pk])).content.decode()


def test_a_ledger_is_closed_only_after_an_exit(funded, staff):
    with pytest.raises(LedgerRefused, match="exit"):
        ledger_close(workstation=funded, actor=staff)


def test_each_grant_records_its_channel_payment_document_and_date(client, funded, staff, clerk, host_user):
    city = funded.ledger.entries.get(kind=Kind.CITY_GRANT)
    county = funded.ledger.entries.get(kind=Kind.COUNTY_GRANT)
    with pytest.raises(PermissionDenied):  # the county pays only its own grant
        disbursement_record(entry=city, actor=clerk, channel=Channel.CITY_EMPLOYMENT, document_number="x", paid_on=DAY)
    with pytest.raises(PermissionDenied):
        disbursement_record(
            entry=county, actor=host_user, channel=Channel.COUNTY_EMPLOYMENT, document_number="x", paid_on=DAY
        )
    with pytest.raises(LedgerRefused, match="before the grant"):
        disbursement_record(
            entry=city,
            actor=staff,
            channel=Channel.CITY_EMPLOYMENT,
            document_number="平人社财〔2026〕3号",
            paid_on=DAY - dt.timedelta(days=1),
        )
    with pytest.raises(LedgerRefused, match="Name the other"):
        disbursement_record(entry=city, actor=staff, channel=Channel.OTHER, document_number="x", paid_on=DAY)
    paid = disbursement_record(
        entry=city, actor=staff, channel=Channel.CITY_EMPLOYMENT, document_number="平人社财〔2026〕3号", paid_on=DAY
    )
    assert (paid.channel, paid.paid_on) == (Channel.CITY_EMPLOYMENT, DAY)
    with pytest.raises(LedgerRefused, match="already"):
        disbursement_record(
            entry=city, actor=staff, channel=Channel.CITY_EMPLOYMENT, document_number="再次", paid_on=DAY
        )
    client.force_login(clerk)
    response = client.post(
        reverse("subsidies:disbursement", args=[county.pk]),
        {"channel": "county_employment", "document_number": "新财〔2026〕8号", "paid_on": "2026-03-05"},
    )
    assert response.status_code == 302
    page = client.get(reverse("subsidies:ledger", args=[funded.pk])).content.decode()
    assert "平人社财〔2026〕3号" in page and "新财〔2026〕8号" in page and "就业补助资金" in page
    assert Disbursement.objects.count() == 2


def test_a_published_grant_is_paid_only_after_five_working_days(funded, staff):
    city = funded.ledger.entries.get(kind=Kind.CITY_GRANT)
    # Published on Monday 2 March 2026: the window runs Tuesday 3 March to Monday 9 March (5 working days).
    publicity = grant_publicity_start(entry=city, actor=staff, today=date(2026, 3, 2))
    assert (publicity.first_day, publicity.last_day) == (date(2026, 3, 3), date(2026, 3, 9))
    pay = {"entry": city, "actor": staff, "channel": Channel.CITY_EMPLOYMENT, "document_number": "平人社财〔2026〕3号"}
    with pytest.raises(LedgerRefused, match="publicity"):
        disbursement_record(paid_on=date(2026, 3, 9), today=date(2026, 3, 9), **pay)
    with pytest.raises(LedgerRefused, match="publicity"):
        disbursement_record(paid_on=date(2026, 3, 9), today=date(2026, 3, 10), **pay)
    assert disbursement_record(paid_on=date(2026, 3, 10), today=date(2026, 3, 10), **pay).pk


def test_the_public_sees_grants_in_publicity_on_the_portal(client, funded, staff):
    today = timezone.localdate()
    have = set(
        CalendarDay.objects.filter(date__range=(today, today + dt.timedelta(days=30))).values_list("date", flat=True)
    )
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=d, is_working_day=d.weekday() < 5)
            for d in (today + dt.timedelta(days=n) for n in range(31))
            if d not in have
        ]
    )
    county = funded.ledger.entries.get(kind=Kind.COUNTY_GRANT)
    with pytest.raises(PermissionDenied):  # the city does not publish the county's grant
        grant_publicity_start(entry=county, actor=staff)
    grant_publicity_start(entry=funded.ledger.entries.get(kind=Kind.CITY_GRANT), actor=staff)
    page = client.get(reverse("subsidies_public:grants")).content.decode()
    assert funded.name in page and "50,000.00元" in page


def test_a_grant_is_published_for_the_working_days_of_the_measures_in_force(client, funded, staff):
    from tests.portal.test_measures import new_version

    # As Art. 6(4) for the list of candidates: a version giving 7 working days applies to grants published from its
    # day on (Monday 2 March 2026: Tuesday 3 to Wednesday 11 March).
    new_version(staff, effective_on=date(2026, 3, 1), publicity_working_days=7)
    city = funded.ledger.entries.get(kind=Kind.CITY_GRANT)
    client.force_login(staff)
    form = client.get(reverse("subsidies:grant_publicity", args=[city.pk])).content.decode()
    assert "（7个工作日）" in form  # the consequence shown before publishing
    publicity = grant_publicity_start(entry=city, actor=staff, today=date(2026, 3, 2))
    assert (publicity.first_day, publicity.last_day) == (date(2026, 3, 3), date(2026, 3, 11))
    client.logout()
    assert "拨付前公示7个工作日" in client.get(reverse("subsidies_public:grants")).content.decode()
