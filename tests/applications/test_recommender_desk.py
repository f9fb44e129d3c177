"""The recommender's desk (Art. 6(2)) a list and a page at a time (issue 21): a county with hundreds of applications
in a call reads what waits first, each list with its count, and nothing is lost between pages."""

import pytest
from django.test import override_settings
from django.urls import reverse

from applications import services
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application
from workstations.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(county):
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=5)
    return call


def _apps(county, call, n, state=State.SUBMITTED):
    return [
        make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=state) for _ in range(n)
    ]


def _names(page) -> list[str]:
    return [row.name for row in page]


@override_settings(PORTAL_PAGE_SIZE=2)
def test_what_waits_comes_first_a_page_at_a_time_with_every_count(client, county, clerk, call):
    waiting = _apps(county, call, 3)
    _apps(county, call, 1, state=State.RETURNED)
    client.force_login(clerk)
    desk = reverse("applications:recommender_desk", args=[call.pk])
    first = client.get(desk, HTTP_ACCEPT_LANGUAGE="en")
    assert first.context["shown"] == "waiting"
    assert first.context["counts"] == {"waiting": 3, "recommended": 0, "other": 1}
    second = client.get(desk, {"page": 2})
    shown = _names(first.context["page"]) + _names(second.context["page"])
    assert sorted(shown) == sorted(a.workstation.name for a in waiting)  # every one, once, over two pages
    html = first.content.decode()
    assert "Waiting for your decision" in html and "1 / 2" in html and "?show=other" in html
    other = client.get(desk, {"show": "other"})
    assert other.context["shown"] == "other" and len(other.context["page"]) == 1


def test_once_nothing_waits_the_desk_opens_on_the_ranking_and_a_move_returns_to_it(client, county, clerk, call):
    first, second = _apps(county, call, 2)
    for app in (first, second):
        services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
    client.force_login(clerk)
    desk = reverse("applications:recommender_desk", args=[call.pk])
    page = client.get(desk)
    assert page.context["shown"] == "recommended"
    assert [a.pk for a in page.context["page"]] == [first.pk, second.pk]
    moved = client.post(reverse("applications:move", args=[second.pk]), {"dir": "up"})
    assert moved.url == f"{desk}?show=recommended"
    assert [a.pk for a in client.get(moved.url).context["page"]] == [second.pk, first.pk]


def test_the_counts_follow_every_change_made_after_the_desk_was_read(client, county, clerk, call):
    """The counts are kept between requests (issue 21): a decision, a new application, an application moved to another
    call (the admin) each show on the next read."""
    first, second = _apps(county, call, 2)
    client.force_login(clerk)
    desk = reverse("applications:recommender_desk", args=[call.pk])

    def counts():
        return client.get(desk).context["counts"]

    assert counts() == {"waiting": 2, "recommended": 0, "other": 0}
    services.application_recommend(application=first, actor=clerk, opinion="同意推荐。")
    assert counts() == {"waiting": 1, "recommended": 1, "other": 0}
    services.application_return(application=second, actor=clerk, reason="材料不全。")
    assert counts() == {"waiting": 0, "recommended": 1, "other": 1}
    (third,) = _apps(county, call, 1)
    assert counts() == {"waiting": 1, "recommended": 1, "other": 1}
    third.call = CallFactory()
    third.save()
    assert counts() == {"waiting": 0, "recommended": 1, "other": 1}


def test_another_countys_applications_are_not_on_the_desk(client, county, clerk, call):
    _apps(factories.CountyFactory(), call, 2)
    client.force_login(clerk)
    page = client.get(reverse("applications:recommender_desk", args=[call.pk]))
    assert page.context["counts"] == {"waiting": 0, "recommended": 0, "other": 0} and not list(page.context["page"])


def test_a_full_page_costs_the_queries_of_a_short_one(client, county, clerk, call):
    """The desk loads only what its rows show; nothing a row shows is fetched row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(clerk)
    desk = reverse("applications:recommender_desk", args=[call.pk])
    counts = []
    for show, n in (("waiting", 1), ("recommended", 1), ("other", 1), ("waiting", 4), ("recommended", 4), ("other", 4)):
        if show == "waiting":
            _apps(county, call, n)
        elif show == "other":
            _apps(county, call, n, state=State.RETURNED)
        else:
            for app in _apps(county, call, n):
                services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(desk, {"show": show}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and len(page.context["page"]) >= n
        counts.append((show, len(queries)))
    assert counts[:3] == [(s, q) for s, q in counts[3:]], counts
