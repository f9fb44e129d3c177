import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.LANGUAGE_CODE = "zh-hans"


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
