"""Fixtures every app's tests share: a small province with two zones, and named personas.

World: 山西省 › 朔州市 has zone 甲 (parks 一园, 二园); 山西省 › 大同市 has zone 乙 (park 乙园);
河北省 › 石家庄市 has zone 丙. Each zone has enterprises and projects.

Personas, each able to see exactly one slice of it:
- `province_viewer`  provincial office of 山西 (sees zones 甲 and 乙, never 丙)
- `zone_admin`       administrator of zone 甲
- `statistician`     statistician of zone 甲
- `park_user`        service centre of park 一园 (never 二园 or other zones)
- `reporter`         reporter of enterprise 甲一 (never any other enterprise)
- `outsider`         administrator of zone 乙 (never anything of zone 甲)
- `sysadmin`, `secadmin`, `auditor`  三员分立: the system, security and audit administrators, none
  with business data (accounts; roles and scopes; the audit trail)
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.core.industries import load_industry_classes
from kaifaqu.core.lib.uscc import with_check_character
from kaifaqu.core.models import IndustryClass
from kaifaqu.core.permissions import Role
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_create
from kaifaqu.geo.models import Park, Region, Zone, ZoneLevel
from kaifaqu.geo.services import park_create, region_create, zone_create
from kaifaqu.projects.models import Project, Stage
from kaifaqu.projects.services import project_create

PASSWORD = "persona-password-1"


def make_uscc(region: str, serial: int) -> str:
    return with_check_character(f"91{region}MA{serial:07d}")


@dataclass
class World:
    shanxi: Region
    shuozhou: Region
    datong: Region
    hebei: Region
    zone_a: Zone
    zone_b: Zone
    zone_c: Zone
    park_a1: Park
    park_a2: Park
    park_b: Park
    ent_a1: Enterprise
    ent_a2: Enterprise
    ent_b: Enterprise
    ent_c: Enterprise
    project_a1: Project
    project_a2: Project
    project_b: Project
    project_c: Project


@dataclass
class Personas:
    province_viewer: User
    zone_admin: User
    statistician: User
    park_user: User
    reporter: User
    outsider: User
    # The statistics office of another zone (zone 乙): sees respondents' figures, none of zone 甲's.
    statistician_b: User
    sysadmin: User
    secadmin: User
    auditor: User


@pytest.fixture(scope="session", autouse=True)
def flush_past_audit_triggers() -> Iterator[None]:
    """Transactional tests (browser tests) empty the database after each test with `flush`, which
    the audit tables' append-only triggers refuse (accounts/trail/triggers.py): in tests only, the
    flush turns the archiving flag on inside its own transaction, as `kfq audit archive` does."""
    from django.db import connection

    operations = type(connection.ops)
    if connection.vendor == "postgresql":
        on, off = "SELECT set_config('kfq.archiving', 'on', true)", None
    else:
        on = "UPDATE kfq_audit_control SET archiving = 1 WHERE id = 1"
        off = "UPDATE kfq_audit_control SET archiving = 0 WHERE id = 1"
    original = operations.sql_flush

    def sql_flush(self: Any, *args: Any, **kwargs: Any) -> list[str]:
        statements = list(original(self, *args, **kwargs))
        if not statements:
            return statements
        return [on, *statements, *([off] if off else [])]

    operations.sql_flush = sql_flush  # type: ignore[method-assign]
    yield
    operations.sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the platform's default language (Chinese), whatever the one before
    it left active: a request with the English cookie leaves English on the test's thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db: None) -> World:
    # Transactional tests (the browser ones) flush the table the migration filled.
    load_industry_classes()
    shanxi = region_create(by=None, data={"code": "140000", "name": "山西省"})
    shuozhou = region_create(by=None, data={"code": "140600", "name": "朔州市", "parent": shanxi})
    datong = region_create(by=None, data={"code": "140200", "name": "大同市", "parent": shanxi})
    hebei = region_create(by=None, data={"code": "130000", "name": "河北省"})
    shijiazhuang = region_create(
        by=None, data={"code": "130100", "name": "石家庄市", "parent": hebei}
    )

    def zone(name: str, region: Region) -> Zone:
        return zone_create(
            by=None,
            data={
                "name": name,
                "level": ZoneLevel.PROVINCIAL,
                "region": region,
                "area_km2": Decimal("50"),
            },
        )

    zone_a, zone_b, zone_c = (
        zone("甲开发区", shuozhou),
        zone("乙开发区", datong),
        zone("丙开发区", shijiazhuang),
    )
    park_a1 = park_create(by=None, data={"zone": zone_a, "name": "一园", "area_km2": Decimal("10")})
    park_a2 = park_create(by=None, data={"zone": zone_a, "name": "二园", "area_km2": Decimal("12")})
    park_b = park_create(by=None, data={"zone": zone_b, "name": "乙园", "area_km2": Decimal("8")})

    def enterprise(name: str, serial: int, zone: Zone, park: Park | None) -> Enterprise:
        return enterprise_create(
            by=None,
            data={
                "uscc": make_uscc("140600", serial),
                "name": name,
                "industry": IndustryClass.objects.get(code="3011"),
                "zone": zone,
                "park": park,
            },
        )

    ent_a1 = enterprise("甲一水泥有限公司", 1, zone_a, park_a1)
    ent_a2 = enterprise("甲二新材料有限公司", 2, zone_a, park_a2)
    ent_b = enterprise("乙一储能有限公司", 3, zone_b, park_b)
    ent_c = enterprise("丙一物流有限公司", 4, zone_c, None)

    def project(
        name: str, zone: Zone, park: Park | None, wan: str, ent: Enterprise | None
    ) -> Project:
        return project_create(
            by=None,
            data={
                "name": name,
                "zone": zone,
                "park": park,
                "total_investment": Decimal(wan),
                "signed_investment": Decimal(wan),
                "planned_investment": Decimal(wan),
                "enterprise": ent,
            },
            stage=Stage.SIGNED,
            stage_on=date(2025, 1, 10),
        )

    return World(
        shanxi=shanxi,
        shuozhou=shuozhou,
        datong=datong,
        hebei=hebei,
        zone_a=zone_a,
        zone_b=zone_b,
        zone_c=zone_c,
        park_a1=park_a1,
        park_a2=park_a2,
        park_b=park_b,
        ent_a1=ent_a1,
        ent_a2=ent_a2,
        ent_b=ent_b,
        ent_c=ent_c,
        project_a1=project("甲一扩建项目", zone_a, park_a1, "45000", ent_a1),
        project_a2=project("甲二新建项目", zone_a, park_a2, "3000", ent_a2),
        project_b=project("乙储能项目", zone_b, park_b, "8000", ent_b),
        project_c=project("丙物流项目", zone_c, None, "1000", ent_c),
    )


@pytest.fixture
def personas(world: World) -> Personas:
    def user(username: str, role: str, **scope: object) -> User:
        return user_create(username=username, password=PASSWORD, role=role, **scope)  # type: ignore[arg-type]

    return Personas(
        province_viewer=user("province_viewer", Role.PROVINCE_OFFICER, scope_region=world.shanxi),
        zone_admin=user("zone_admin", Role.ZONE_ADMIN, scope_zone=world.zone_a),
        statistician=user("statistician", Role.STATISTICIAN, scope_zone=world.zone_a),
        park_user=user("park_user", Role.PARK_SERVICE, scope_park=world.park_a1),
        reporter=user("reporter", Role.ENTERPRISE_REPORTER, scope_enterprise=world.ent_a1),
        outsider=user("outsider", Role.ZONE_ADMIN, scope_zone=world.zone_b),
        statistician_b=user("statistician_b", Role.STATISTICIAN, scope_zone=world.zone_b),
        sysadmin=user("sysadmin", Role.SYSTEM_ADMIN),
        secadmin=user("secadmin", Role.SECURITY_ADMIN),
        auditor=user("auditor", Role.AUDIT_ADMIN),
    )


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no internet: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI: run scripts/install-system-packages")
        pytest.skip("the Debian package chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
