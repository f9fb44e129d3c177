"""Ledger pages per role: who sees what (another organisation's ledger is a 404), recording through the forms."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies.models import Entry, EntryReceipt, Kind
from subsidies.services import audit_assign
from tests.factories import AuditFirmFactory, UserFactory
from tests.subsidies.factories import operating_workstation, pdf, png, spend

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("host_user", 200),
        ("clerk", 200),
        ("other_host_user", 404),
        ("other_clerk", 404),
        ("auditor", 404),  # not assigned
        ("supervisor", 403),
        ("expert", 403),
    ],
)
def test_who_sees_a_ledger(request, client, funded, who, status):
    user = request.getfixturevalue(who)
    response = _get(client, user, reverse("subsidies:ledger", args=[funded.pk]))
    assert response.status_code == status
    if status == 200:
        assert "市级一次性补助" in response.content.decode() or "一次性补助" in response.content.decode()


def test_an_auditor_sees_only_assigned_ledgers(client, funded, host_unit, staff, auditor):
    other = operating_workstation(host_unit)
    from tests.subsidies.factories import grant

    grant(other, staff)
    audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    assert _get(client, auditor, reverse("subsidies:ledger", args=[funded.pk])).status_code == 200
    assert _get(client, auditor, reverse("subsidies:ledger", args=[other.pk])).status_code == 404
    listing = _get(client, auditor, reverse("subsidies:ledgers")).content.decode()
    assert funded.name in listing and other.name not in listing
    # Another firm's auditor sees neither.
    stranger = UserFactory(organisation=AuditFirmFactory())
    assert _get(client, stranger, reverse("subsidies:ledger", args=[funded.pk])).status_code == 404


def test_a_receipt_goes_only_to_those_who_may_see_the_ledger(client, funded, host_user, other_host_user, auditor):
    spend(funded, host_user, "120.00", receipts=[pdf("发票.pdf")])
    receipt = EntryReceipt.objects.get()
    url = reverse("subsidies:receipt", args=[receipt.pk])
    response = _get(client, host_user, url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert _get(client, other_host_user, url).status_code == 404
    assert _get(client, auditor, url).status_code == 404


def test_the_host_unit_records_an_expenditure_with_receipts(client, funded, host_user):
    client.force_login(host_user)
    url = reverse("subsidies:record", args=[funded.pk, Kind.EXPENDITURE])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "source": "city",
            "category": "training",
            "amount": "1234.56",
            "date": "2026-03-05",
            "description": "创业服务骨干培训",
            "receipts": [png("a.png"), pdf("b.pdf")],
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(kind=Kind.EXPENDITURE)
    assert entry.amount == Decimal("1234.56") and entry.recorded_by == host_user
    assert entry.receipts.count() == 2
    ledger_page = client.get(reverse("subsidies:ledger", args=[funded.pk])).content.decode()
    assert "1,234.56元" in ledger_page
    assert "48,765.44元" in ledger_page  # city balance left


def test_a_refused_expenditure_keeps_what_was_typed(client, funded, host_user):
    client.force_login(host_user)
    response = client.post(
        reverse("subsidies:record", args=[funded.pk, Kind.EXPENDITURE]),
        {
            "source": "city",
            "category": "equipment",
            "amount": "60000.00",
            "date": "2026-03-05",
            "description": "购置大型设备一批",
            "receipts": [png()],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "低于零" in html  # the overdraft message, in Chinese
    assert "购置大型设备一批" in html and "60000.00" in html
    assert not Entry.objects.filter(kind=Kind.EXPENDITURE).exists()


def test_a_fake_receipt_is_refused_by_content(client, funded, host_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(host_user)
    response = client.post(
        reverse("subsidies:record", args=[funded.pk, Kind.EXPENDITURE]),
        {
            "source": "city",
            "category": "equipment",
            "amount": "10.00",
            "date": "2026-03-05",
            "description": "x",
            "receipts": [SimpleUploadedFile("fapiao.pdf", b"<html>not a pdf</html>")],
        },
    )
    assert response.status_code == 200
    assert "fapiao.pdf" in response.content.decode()
    assert not Entry.objects.filter(kind=Kind.EXPENDITURE).exists()


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("host_user", Kind.CITY_GRANT, 403),
        ("clerk", Kind.EXPENDITURE, 403),
        ("staff", Kind.EXPENDITURE, 403),
        ("other_clerk", Kind.COUNTY_GRANT, 404),
        ("auditor", Kind.EXPENDITURE, 403),
        ("staff", Kind.CITY_GRANT, 200),
        ("clerk", Kind.COUNTY_GRANT, 200),
    ],
)
def test_record_pages_per_role(request, client, ws, who, kind, status):
    user = request.getfixturevalue(who)
    assert _get(client, user, reverse("subsidies:record", args=[ws.pk, kind])).status_code == status


def test_the_city_grant_form_defaults_to_the_grant_amount(client, ws, staff):
    html = _get(client, staff, reverse("subsidies:record", args=[ws.pk, Kind.CITY_GRANT])).content.decode()
    assert 'value="50000.00"' in html


def test_reversing_through_the_page(client, funded, host_user):
    mistake = spend(funded, host_user, "99.00")
    client.force_login(host_user)
    response = client.post(reverse("subsidies:reverse", args=[mistake.pk]), {"reason": "重复录入"})
    assert response.status_code == 302
    assert Entry.objects.get(reverses=mistake).description == "重复录入"


def test_the_ledger_page_has_a_chart_without_inline_styles(client, funded, host_user, staff):
    spend(funded, host_user, "1000.00")
    html = _get(client, staff, reverse("subsidies:ledger", args=[funded.pk])).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "<rect" in svg and "<polyline" in svg
    assert "style=" not in html and "<script>" not in html


def test_list_and_overview_query_counts_do_not_grow_with_ledgers(
    client, host_unit, staff, django_assert_max_num_queries
):
    from tests.subsidies.factories import grant

    for _ in range(6):
        grant(operating_workstation(host_unit), staff)
    client.force_login(staff)
    for name in ("subsidies:ledgers", "subsidies:overview"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200


def test_the_overview_is_for_city_staff(client, funded, host_user, clerk, auditor):
    for user in (host_user, clerk, auditor):
        assert _get(client, user, reverse("subsidies:overview")).status_code == 403


def test_home_panels_per_role(client, funded, host_user, clerk, staff, auditor):
    spend(funded, host_user, "500.00", category="other", explanation="其他")
    html = _get(client, host_user, reverse("home")).content.decode()
    assert "补助资金台账" in html and "69,500.00元" in html
    staff_html = _get(client, staff, reverse("home")).content.decode()
    assert "待审核" in staff_html
    audit_assign(title="审计", firm=auditor.organisation, ledgers=[funded.ledger], actor=staff)
    assert funded.name in _get(client, auditor, reverse("home")).content.decode()
    other_ws = operating_workstation(funded.host_unit)
    assert other_ws.name in _get(client, clerk, reverse("home")).content.decode()


def test_ledger_list_shows_fifty_a_page_with_the_same_queries(client, host_unit, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.subsidies.factories import grant

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    client.force_login(staff)
    for _ in range(3):
        grant(operating_workstation(host_unit), staff)
    few, _html = queries(reverse("subsidies:ledgers"))
    for _ in range(50):
        grant(operating_workstation(host_unit), staff)
    many, html = queries(reverse("subsidies:ledgers"))
    assert few == many
    assert html.count("/subsidies/workstations/") == 50 and "1 / 2" in html
    _n, second = queries(reverse("subsidies:ledgers") + "?page=2")
    assert second.count("/subsidies/workstations/") == 3


def test_receipts_survive_a_refused_expenditure(client, funded, host_user):
    """Issue 15: the receipts chosen were silently gone when the form came back with an error."""
    client.force_login(host_user)
    url = reverse("subsidies:record", args=[funded.pk, Kind.EXPENDITURE])
    data = {
        "source": "city",
        "category": "equipment",
        "amount": "60000.00",
        "date": "2026-03-05",
        "description": "购置设备一批",
    }
    refused = client.post(url, {**data, "receipts": [png("发票.png")]})
    html = refused.content.decode()
    assert refused.status_code == 200 and "已上传：发票.png" in html
    token = html.split('name="held_files_receipts" value="', 1)[1].split('"', 1)[0]
    done = client.post(url, {**data, "amount": "600.00", "held_files_receipts": token})
    assert done.status_code == 302
    entry = Entry.objects.get(kind=Kind.EXPENDITURE)
    assert [r.file.original_name for r in entry.receipts.all()] == ["发票.png"]
