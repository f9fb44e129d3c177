"""The demo world of SPEC §5, part one: organisations and one login per role.

Every builder in ``settings.PORTAL_DEMO_BUILDERS`` takes the shared :class:`World` and must be idempotent: running
``manage.py seed_demo`` twice gives the same world.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from portal.models import Organisation, User
from portal.roles import OrgKind

DEMO_PASSWORD = "Pds@2026demo"  # noqa: S105  # nosec B105

# Pingdingshan's county-level divisions with administrative codes (shared/reference/domain-facts.md), and the
# pinyin used for their clerks' logins.
COUNTIES = [
    ("410402", "新华区人力资源和社会保障局", "新华区", "xinhua"),
    ("410403", "卫东区人力资源和社会保障局", "卫东区", "weidong"),
    ("410404", "石龙区人力资源和社会保障局", "石龙区", "shilong"),
    ("410411", "湛河区人力资源和社会保障局", "湛河区", "zhanhe"),
    ("410421", "宝丰县人力资源和社会保障局", "宝丰县", "baofeng"),
    ("410422", "叶县人力资源和社会保障局", "叶县", "yexian"),
    ("410423", "鲁山县人力资源和社会保障局", "鲁山县", "lushan"),
    ("410425", "郏县人力资源和社会保障局", "郏县", "jiaxian"),
    ("410481", "舞钢市人力资源和社会保障局", "舞钢市", "wugang"),
    ("410482", "汝州市人力资源和社会保障局", "汝州市", "ruzhou"),
    ("410471", "平顶山高新技术产业开发区人力资源管理局", "高新区", "gaoxin"),
    ("410472", "平顶山市城乡一体化示范区组织人力资源社会保障局", "城乡一体化示范区", "shifanqu"),
]

UNIVERSITIES = [
    ("河南城建学院", "hncj"),
    ("平顶山学院", "pdsu"),
    ("河南质量工程职业学院", "hnzl"),
    ("平顶山工业职业技术学院", "pdsgy"),
    ("平顶山职业技术学院", "pdszy"),
    ("平顶山文化艺术职业学院", "pdswy"),
    ("汝州职业技术学院", "rzzy"),
]

# Fictional host units following the usual name patterns; (name, host type, county short name, login).
HOST_UNITS = [
    ("鹰城创业孵化基地", "startup_service", "新华区", "host1"),
    ("平顶山学院创新创业园", "university", "新华区", "host2"),
    ("中原人力资源服务产业园", "hr_service", "卫东区", "host3"),
    ("湛河电商创业孵化园", "startup_service", "湛河区", "host4"),
    ("宝丰县返乡创业孵化基地", "startup_service", "宝丰县", "host5"),
    ("鲁山县人力资源服务有限公司", "hr_service", "鲁山县", "host6"),
    ("舞钢市钢城创业孵化基地", "startup_service", "舞钢市", "host7"),
    ("汝州市汝瓷文创孵化园", "startup_service", "汝州市", "host8"),
    ("高新区科创人力资源服务有限公司", "hr_service", "高新区", "host9"),
    ("叶县昆阳创业孵化基地", "startup_service", "叶县", "host10"),
]


@dataclass
class World:
    """What the builders share: organisations and users by key, and the lines printed at the end."""

    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, User, str]] = field(default_factory=list)  # (username, user, organisation)
    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # printed by seed_demo after the logins
    _known_hashes: set[str] = field(default_factory=set, repr=False)

    def ensure_demo_password(self, user: User) -> None:
        """Give ``user`` the demo password, hashing it once per world (a hash costs a good part of a second).

        Every demo login gets the same salted hash, so a hash already verified is recognised by its text and the
        demo rebuilds without re-checking each login.
        """
        if user.password in self._known_hashes:
            return
        if user.password and user.check_password(DEMO_PASSWORD):
            self._known_hashes.add(user.password)
            return
        if not self._known_hashes:
            self._known_hashes.add(make_password(DEMO_PASSWORD))
        user.password = next(iter(self._known_hashes))
        user.save(update_fields=["password"])

    def user(self, username: str, *, organisation: Organisation | None, full_name: str, email: str = "") -> User:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "organisation": organisation,
                "full_name": full_name,
                "email": email or f"{username}@demo.pds",
            },
        )
        self.ensure_demo_password(user)
        self.users[username] = user
        self.logins.append((username, user, organisation.name if organisation else "—"))
        return user


def _org(world: World, key: str, **fields) -> Organisation:
    name = fields.pop("name")
    org, created = Organisation.objects.get_or_create(name=name, defaults=fields)
    changed = [name for name, value in fields.items() if getattr(org, name) != value]
    if not created and changed:  # save only what differs, so a rebuild leaves no new history rows
        for name in changed:
            setattr(org, name, fields[name])
        org.save(update_fields=changed)
    world.orgs[key] = org
    return org


def build(world: World) -> None:
    city = _org(
        world,
        "city",
        name="平顶山市人力资源和社会保障局",
        short_name="市人社局",
        kind=OrgKind.CITY_BUREAU,
        code="410400",
    )
    world.user("staff", organisation=city, full_name="王建国")
    world.user("staff2", organisation=city, full_name="李晓梅")
    for code, name, short, login in COUNTIES:
        county = _org(world, short, name=name, short_name=short, kind=OrgKind.COUNTY_BUREAU, code=code)
        world.user(login, organisation=county, full_name=f"{short}经办人")
    for name, login in UNIVERSITIES:
        uni = _org(world, name, name=name, short_name=name, kind=OrgKind.UNIVERSITY)
        world.user(login, organisation=uni, full_name=f"{name}就业处")
    for name, host_type, county_short, login in HOST_UNITS:
        host = _org(
            world,
            login,
            name=name,
            kind=OrgKind.HOST_UNIT,
            host_type=host_type,
            county=world.orgs[county_short],
            address=f"平顶山市{county_short}",
            contact_person="王主任",
            contact_phone="0375-2660000",
            # Art. 6(2): the university's own host unit belongs to it.
            university=world.orgs["平顶山学院"] if login == "host2" else None,
        )
        world.user(login, organisation=host, full_name=f"{name}管理员")
    pool = _org(world, "experts", name="平顶山市创业指导专家库", short_name="专家库", kind=OrgKind.EXPERT_POOL)
    for i, full_name in enumerate(["张明远", "刘思琪", "陈国栋", "赵丽华", "孙浩然", "周文静", "吴志强"], start=1):
        world.user(f"expert{i}", organisation=pool, full_name=full_name)
    group = _org(
        world,
        "supervisor",
        name="市纪委监委驻市人力资源社会保障局纪检监察组",
        short_name="纪检监察组",
        kind=OrgKind.DISCIPLINE_GROUP,
    )
    world.user("jijian", organisation=group, full_name="郑纪明")
    firm = _org(
        world,
        "auditor",
        name="河南鹰城会计师事务所有限公司",
        short_name="鹰城会计师事务所",
        kind=OrgKind.AUDIT_FIRM,
    )
    world.user("auditor", organisation=firm, full_name="马审计")
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created or not (admin.is_staff and admin.is_superuser):
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    world.ensure_demo_password(admin)
    world.users["admin"] = admin
    world.logins.append(("admin", admin, "—"))
