"""Every page the benchmark measures is bounded by what a person reads (issue 21, item 1).

The benchmark's own city (``benchmarks/city.py``) is built at two sizes, one after the other, each inside a
transaction rolled back afterwards; every page of ``benchmarks/pages.py`` is requested at both. A page passes when it
issues the same number of queries at both sizes and its HTML is at most 300 KB and does not grow with the data (a
few bytes for longer numbers, nothing per row).
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

SMALL, LARGE = 40, 120
PAGE_SIZE, MATRIX_COLUMNS = 3, 2  # small pages, so that both cities fill them
MAX_BYTES = 300 * 1024
SLACK = 1024  # digits of larger counts and sums, never a row


def _pages():
    from benchmarks.pages import pages

    class Ids(dict):
        def __missing__(self, key):
            return 0

    class Stub:
        ids = Ids()

    return [label for label, _role, _url in pages(Stub())]


class _Rollback(Exception):
    pass


def _measure(size: int) -> dict:
    from django.core.cache import cache

    from benchmarks.city import build_city
    from benchmarks.pages import pages

    found = {}
    try:
        with transaction.atomic(), override_settings(PORTAL_PAGE_SIZE=PAGE_SIZE, PORTAL_MATRIX_COLUMNS=MATRIX_COLUMNS):
            city = build_city(size, timezone.localdate())
            call_command("rebuild_ledger_sums", stdout=StringIO())  # the city is bulk-loaded, past the services
            clients = {"public": Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")}
            for role, user in city.users.items():
                clients[role] = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
                clients[role].force_login(user)
            for label, role, url in pages(city):
                cache.clear()
                queries: list[str] = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    response = clients[role].get(url)
                found[label] = (response.status_code, len(queries), len(response.content), url)
            raise _Rollback
    except _Rollback:
        pass
    return found


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return {SMALL: _measure(SMALL), LARGE: _measure(LARGE)}


@pytest.mark.django_db
@pytest.mark.parametrize("label", _pages())
def test_page_is_bounded(measured, label):
    small, large = measured[SMALL][label], measured[LARGE][label]
    assert small[0] == 200 and large[0] == 200, (small, large)
    assert large[1] == small[1], f"{label}: {small[1]} queries at {SMALL} workstations, {large[1]} at {LARGE}"
    assert large[2] <= MAX_BYTES, f"{label}: {large[2]} bytes of HTML"
    assert large[2] <= small[2] + SLACK, f"{label}: {small[2]} bytes at {SMALL} workstations, {large[2]} at {LARGE}"
