"""factory_boy factories shared by every test module. Stage apps add theirs in tests/<app>/factories.py."""

import factory

from portal.models import Organisation, User
from portal.roles import OrgKind
from workstations.models import Workstation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.HOST_UNIT
    name = factory.Sequence(lambda n: f"测试单位{n}")


class CityBureauFactory(OrganisationFactory):
    kind = OrgKind.CITY_BUREAU
    name = factory.Sequence(lambda n: f"平顶山市人力资源和社会保障局{n}")


class CountyFactory(OrganisationFactory):
    kind = OrgKind.COUNTY_BUREAU
    name = factory.Sequence(lambda n: f"测试县{n}人力资源和社会保障局")
    short_name = factory.Sequence(lambda n: f"测试县{n}")
    code = factory.Sequence(lambda n: f"4104{n:02d}")


class UniversityFactory(OrganisationFactory):
    kind = OrgKind.UNIVERSITY
    name = factory.Sequence(lambda n: f"测试学院{n}")


class HostUnitFactory(OrganisationFactory):
    kind = OrgKind.HOST_UNIT
    name = factory.Sequence(lambda n: f"测试创业孵化基地{n}")
    host_type = Organisation.HostType.STARTUP_SERVICE
    county = factory.SubFactory(CountyFactory)


class ExpertPoolFactory(OrganisationFactory):
    kind = OrgKind.EXPERT_POOL
    name = factory.Sequence(lambda n: f"专家库{n}")


class DisciplineGroupFactory(OrganisationFactory):
    kind = OrgKind.DISCIPLINE_GROUP
    name = factory.Sequence(lambda n: f"纪检监察组{n}")


class AuditFirmFactory(OrganisationFactory):
    kind = OrgKind.AUDIT_FIRM
    name = factory.Sequence(lambda n: f"会计师事务所{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    organisation = factory.SubFactory(HostUnitFactory)
    password = factory.django.Password("Test@pass123")


class WorkstationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstation

    host_unit = factory.SubFactory(HostUnitFactory)
    recommender = factory.LazyAttribute(lambda ws: ws.host_unit.county)
    lead_mentor_name = factory.Sequence(lambda n: f"导师{n}")
