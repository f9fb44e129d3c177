"""The public directory (SPEC §5): 50 workstations a page, a county filter, a fixed number of queries (issue 9)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CountyFactory, HostUnitFactory, UniversityFactory, WorkstationFactory
from workstations.models import State

pytestmark = pytest.mark.django_db
URL = reverse("publicity_public:directory")


def _operating(n, host_unit, start=dt.date(2024, 1, 1), **kwargs):
    """``n`` active workstations, recognised one a day from ``start`` (the directory lists them in that order)."""
    return [
        WorkstationFactory(host_unit=host_unit, state=State.ACTIVE, certified_on=start + dt.timedelta(days=i), **kwargs)
        for i in range(n)
    ]


def test_directory_shows_fifty_a_page_and_pages_keep_the_county(client):
    east, west = CountyFactory(short_name="东县"), CountyFactory(short_name="西县")
    in_east = _operating(55, HostUnitFactory(county=east))
    # Recommended by a university: the workstation counts in its host unit's county.
    in_west = _operating(2, HostUnitFactory(county=west), dt.date(2025, 1, 1), recommender=UniversityFactory())
    WorkstationFactory(host_unit=HostUnitFactory(county=west), state=State.CERTIFIED)  # not operating yet

    first = client.get(URL).content.decode()
    assert "共 57 个工作室" in first and first.count("<tr>") - first.count("<thead>") <= 50 + 1
    assert in_east[0].name in first and in_west[-1].name not in first
    assert "1 / 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert in_west[-1].name in second and in_east[0].name not in second

    west_page = client.get(URL, {"county": west.pk}).content.decode()
    assert "共 2 个工作室" in west_page
    assert all(ws.name in west_page for ws in in_west) and in_east[0].name not in west_page
    east_page = client.get(URL, {"county": east.pk}).content.decode()
    assert "共 55 个工作室" in east_page and f"?county={east.pk}&amp;page=2" in east_page
    assert in_east[54].name in client.get(URL, {"county": east.pk, "page": 2}).content.decode()


def test_bad_parameters_are_404_and_not_cached(client, county):
    for params in ({"page": 9}, {"page": "x"}, {"county": "abc"}, {"county": 999999}):
        assert client.get(URL, params).status_code == 404, params
    assert client.get(URL, {"county": county.pk}).status_code == 200


def test_directory_query_count_does_not_grow_with_the_workstations(client, django_assert_num_queries):
    county = CountyFactory()
    host = HostUnitFactory(county=county)
    _operating(3, host)
    cache.clear()
    with django_assert_num_queries(8) as small:  # issue 18: + the terms, one prefetch
        client.get(URL)
    _operating(60, host)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)
    # A cache hit asks the database nothing.
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200
