"""The staff page where a new year's State Council schedule is entered."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.workdays.models import CalendarDay
from portal.workdays.services import is_working_day, publicity_window

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = {
    "holidays": "2027-01-01 至 2027-01-03 元旦\n2027-02-06至2027-02-12 春节\n2027年10月1日 至 2027年10月7日 国庆节\n",
    "makeup_days": "2027-02-20 春节调休\n2027-10-09",
}


def test_staff_enter_2027_and_deadlines_can_be_counted(client, staff):
    client.force_login(staff)
    page = client.get(reverse("workdays:years"))
    assert page.status_code == 200
    assert "2027" in page.content.decode()
    form = client.get(reverse("workdays:year", args=[2027]))
    assert 'data-testid="not-covered"' in form.content.decode()
    response = client.post(reverse("workdays:year", args=[2027]), SCHEDULE_2027)
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027, source="staff").count() == 365
    assert not is_working_day(dt.date(2027, 10, 4))
    assert is_working_day(dt.date(2027, 10, 9))
    assert publicity_window(dt.date(2026, 12, 28)).last_day == dt.date(2027, 1, 5)
    again = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert "2027-02-06 至 2027-02-12 春节" in again  # the form shows the stored schedule for correction


def test_an_unreadable_line_keeps_what_was_typed(client, staff):
    client.force_login(staff)
    data = {"holidays": "2027-02-06 至 2027-02-12 春节\n2027-13-01 国庆", "makeup_days": "2027-02-20"}
    response = client.post(reverse("workdays:year", args=[2027]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "2027-13-01 国庆" in body
    assert "第2行" in body or "Line 2" in body
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    ("data", "message_en"),
    [
        ({"holidays": "2028-01-01 元旦", "makeup_days": ""}, "is not in 2027"),
        ({"holidays": "", "makeup_days": "2027-03-03"}, "is a weekday"),
        ({"holidays": "2027-02-06 至 2027-02-12 春节", "makeup_days": "2027-02-07"}, "both a make-up"),
        ({"holidays": "2027-02-06", "makeup_days": ""}, "name the holiday"),
    ],
)
def test_the_form_refuses_impossible_schedules(client, staff, settings, data, message_en):
    settings.LANGUAGE_CODE = "en"
    client.force_login(staff)
    response = client.post(reverse("workdays:year", args=[2027]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message_en in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize("who", ["clerk", "host_user", "expert", "supervisor"])
def test_only_city_staff_edit_the_calendar(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("workdays:years")).status_code == 403
    assert client.post(reverse("workdays:year", args=[2027]), SCHEDULE_2027).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("workdays:year", args=[2027]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_year_page_query_count(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("workdays:year", args=[2026])).status_code == 200
