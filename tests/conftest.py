from pathlib import Path

import pytest

from tests import factories
from tests.support.dbroles import flush_around_guards, switch_to_app_role, switch_to_owner

BROWSER_TESTS = Path(__file__).parent / "browser"


# The data migrations that write or complete version 1 of the measures (a later one adds a parameter's value).
MEASURES_SEED_MIGRATIONS = ("0011_measures_version_one", "0013_measures_no_lead_exit_years")


def _seed_what_migrations_seed(*, calendar: bool = True):
    """A reused test database (``--reuse-db``, the local default) was emptied by the last run's transactional tests
    (their flush): put back the tables migrations fill — the working-day calendar (portal 0005_seed_calendar) and
    version 1 of the measures' numbers (portal 0011, completed by 0013) — so that every run starts from what
    ``migrate`` leaves. After each transactional test's flush, version 1 is put back (a one-row insert; the calendar,
    some thousand rows, is not: a transactional test that needs it builds it). A database just created already has
    them (nothing is written)."""
    import importlib

    from django.apps import apps

    from portal.workdays.library import sync_from_library
    from portal.workdays.models import CalendarDay

    if calendar and not CalendarDay.objects.exists():
        sync_from_library(CalendarDay)
    # Each is idempotent (0011 writes nothing when a version exists, 0013 only fills a missing value), so they run
    # every time: a database reused from before 0013 existed is completed too.
    for migration in MEASURES_SEED_MIGRATIONS:  # in order, as migrate runs them
        importlib.import_module(f"portal.migrations.{migration}").forwards(apps, None)


def _sqlite_without_fsync(sender, connection, **kwargs):
    """The local test database is a file (kept between runs): no fsync per commit, since a crash only costs a
    ``--create-db``. Building it (the migrations) is then as fast as in memory."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


def pytest_configure(config):
    from django.db.backends.signals import connection_created

    connection_created.connect(_sqlite_without_fsync, dispatch_uid="tests-sqlite-without-fsync")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The one place for two collection rules (issue 20 item 7), run before ``-m`` deselects:

    - every test under ``tests/browser/`` is a ``browser`` test, so ``-m "not browser"`` (the local default in
      ``pyproject.toml``) leaves all of them out and ``scripts/test.sh`` (CI) runs all of them;
    - a ``postgres`` test is skipped when the test database is not PostgreSQL (SQLite is the local default).
    """
    from django.db import connection

    on_postgresql = connection.vendor == "postgresql"
    needs_postgresql = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        if not on_postgresql and item.get_closest_marker("postgres"):
            item.add_marker(needs_postgresql)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Created and migrated by the owner; the tests then run as the application role when DATABASE_APP_ROLE is set
    (tests/support/dbroles.py), and the owner drops the database at the end."""
    with django_db_blocker.unblock():
        _seed_what_migrations_seed()
    switch_to_app_role()
    yield
    switch_to_owner()


@pytest.fixture(autouse=True)
def _no_public_page_copies():
    """Each test starts without the previous test's public pages in this process (review.publicity.fastpath)."""
    from review.publicity.fastpath import forget_copies

    forget_copies()
    yield
    forget_copies()


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "portal.storage.TransactionalFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.LANGUAGE_CODE = "zh-hans"
    from portal.redisguard import redis_breaker

    redis_breaker.close()  # process-wide: a test that found Redis hung must not make the next one skip it
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints" / "chain-heads.jsonl"


@pytest.fixture
def county(db):
    return factories.CountyFactory()


@pytest.fixture
def host_unit(county):
    return factories.HostUnitFactory(county=county)


@pytest.fixture
def city(db):
    return factories.CityBureauFactory()


@pytest.fixture
def staff(city):
    return factories.UserFactory(organisation=city, username="staff")


@pytest.fixture
def staff2(city):
    return factories.UserFactory(organisation=city, username="staff2")


@pytest.fixture
def host_user(host_unit):
    return factories.UserFactory(organisation=host_unit, username="host")


@pytest.fixture
def clerk(county):
    return factories.UserFactory(organisation=county, username="clerk")


@pytest.fixture
def expert(db):
    return factories.UserFactory(organisation=factories.ExpertPoolFactory(), username="expert")


@pytest.fixture
def supervisor(db):
    return factories.UserFactory(organisation=factories.DisciplineGroupFactory(), username="supervisor")


@pytest.fixture
def auditor(db):
    return factories.UserFactory(organisation=factories.AuditFirmFactory(), username="auditor")


@pytest.fixture
def other_host_user(db):
    return factories.UserFactory(organisation=factories.HostUnitFactory(), username="otherhost")


@pytest.fixture
def other_clerk(db):
    return factories.UserFactory(organisation=factories.CountyFactory(), username="otherclerk")


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """Transactional tests end with ``flush``. PostgreSQL flushes with TRUNCATE, which row triggers do not see; SQLite
    flushes with DELETE, which the append-only triggers (portal/dbtriggers.py) rightly refuse. For SQLite, the
    flush between tests drops those triggers and puts them back afterwards; PostgreSQL's BEFORE TRUNCATE guards are
    switched off by the owner for the flush only (tests/support/dbroles.py)."""
    from django.core.management.commands import flush
    from django.db import connections

    original = flush.Command.handle
    postgresql_flush = flush_around_guards(original)

    def sqlite_flush(self, connection, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type='trigger' AND name LIKE '%append_only%'")
            saved = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE '%append_only%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            return original(self, **options)
        finally:
            with connection.cursor() as cursor:
                for sql in saved:
                    cursor.execute(sql)

    def handle(self, **options):
        connection = connections[options.get("database", "default")]
        try:
            if connection.vendor != "sqlite":
                return postgresql_flush(self, **options)
            return sqlite_flush(self, connection, **options)
        finally:
            _seed_what_migrations_seed(calendar=False)  # version 1 of the measures, as migrate leaves it

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
