"""The walk's world: the demo zone (every kind of record, in one zone of 山西), a second zone of
山西 (乙, in 大同) and a zone of 河北 (丙), and a persona of every role at home and away.

Home personas are the demo's logins (README) and two more for the roles the demo has none of
(zone leadership, a platform company). Away personas have the same roles in zone 乙 (its park,
its enterprise) and, for the provincial office, in 河北: every record of the demo is outside
their scope. So each record is requested from inside its scope and from outside it, and the
statuses are derived from `for_user` rather than written per persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.accounts.services import user_create
from kaifaqu.core.imports.background import JOB_LABEL
from kaifaqu.core.imports.registry import kinds
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.lib.uscc import with_check_character
from kaifaqu.core.models import IndustryClass, JobProgress
from kaifaqu.core.permissions import Role
from kaifaqu.demo.services import demo_load
from kaifaqu.enterprises.services import enterprise_create
from kaifaqu.geo.models import Region, Zone, ZoneLevel
from kaifaqu.geo.services import park_create, region_create, zone_create
from kaifaqu.indicators.services import value_added_rate_create
from kaifaqu.projects.models import DocumentKind, Project
from kaifaqu.projects.services import document_add
from kaifaqu.returns.models import ProxyKind, Return
from kaifaqu.returns.services import proxy_figure_record

# The demo's history ends the day before; the same day as the export walk.
DAY = date(2026, 3, 15)
PASSWORD = "walk-password-1"
# The demo logins (README: demo personas); `gangjiegou` is a second reporter of the same kind.
HOME = ["demo", "shanxi", "tongji", "zhaoshang", "shendian", "lvjing", "sysadmin", "secadmin"]
HOME += ["auditadmin", "lingdao", "pingtai"]
AWAY = ["yi_admin", "yi_lingdao", "yi_tongji", "yi_zhaoshang", "yi_park", "yi_reporter"]
AWAY += ["yi_pingtai", "hebei"]
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Persona:
    name: str
    # A User, or AnonymousUser for the signed-out visitor (typed loosely: the walk asks both
    # the same questions).
    user: Any

    @property
    def signed_in(self) -> bool:
        return self.user.is_authenticated


def _quiet(_line: str) -> None:
    pass


def build_world() -> dict[str, Persona]:
    """Load the demo and add the other zones and personas; the caller holds the transaction."""
    with mock.patch.object(timezone, "localdate", return_value=DAY):
        demo_load(echo=_quiet, today=DAY)
    home_zone = Zone.objects.get(name="朔州经济开发区")
    datong = Region.objects.get(code="140200")
    hebei = region_create(by=None, data={"code": "130000", "name": "河北省"})
    shijiazhuang = region_create(
        by=None, data={"code": "130100", "name": "石家庄市", "parent": hebei}
    )
    industry = IndustryClass.objects.get(code="3011")

    def zone(name: str, region: Region) -> Zone:
        data = {"name": name, "level": ZoneLevel.PROVINCIAL, "region": region}
        return zone_create(by=None, data={**data, "area_km2": Decimal("50")})

    zone_b, zone_c = zone("乙开发区", datong), zone("丙开发区", shijiazhuang)
    park_b = park_create(by=None, data={"zone": zone_b, "name": "乙园", "area_km2": Decimal("8")})
    park_create(by=None, data={"zone": zone_c, "name": "丙园", "area_km2": Decimal("8")})

    def enterprise(name: str, serial: int, zone: Zone, park: object) -> object:
        uscc = with_check_character(f"91{zone.region.code}MA{serial:07d}")
        data = {"uscc": uscc, "name": name, "industry": industry, "zone": zone, "park": park}
        return enterprise_create(by=None, data=data)

    ent_b = enterprise("乙一储能有限公司", 9001, zone_b, park_b)
    ent_b2 = enterprise("乙二物流有限公司", 9002, zone_b, park_b)
    enterprise("丙一物流有限公司", 9003, zone_c, None)
    reporter = User.objects.get(username="lvjing")
    home_firm = home_zone.enterprises.exclude(pk=reporter.scope_enterprise_id or 0).order_by("pk")[
        0
    ]

    def user(username: str, role: str, **scope: object) -> None:
        user_create(username=username, password=PASSWORD, role=role, **scope)  # type: ignore[arg-type]

    user("lingdao", Role.ZONE_LEADER, scope_zone=home_zone)
    user("pingtai", Role.PLATFORM_COMPANY, scope_enterprise=home_firm)
    user("yi_admin", Role.ZONE_ADMIN, scope_zone=zone_b)
    user("yi_lingdao", Role.ZONE_LEADER, scope_zone=zone_b)
    user("yi_tongji", Role.STATISTICIAN, scope_zone=zone_b)
    user("yi_zhaoshang", Role.INVESTMENT_OFFICER, scope_zone=zone_b)
    user("yi_park", Role.PARK_SERVICE, scope_park=park_b)
    user("yi_reporter", Role.ENTERPRISE_REPORTER, scope_enterprise=ent_b)
    user("yi_pingtai", Role.PLATFORM_COMPANY, scope_enterprise=ent_b2)
    user("hebei", Role.PROVINCE_OFFICER, scope_region=hebei)
    personas = {name: Persona(name, User.objects.get(username=name)) for name in [*HOME, *AWAY]}
    _files(home_zone)
    _jobs([p.user for p in personas.values()])  # type: ignore[misc]
    personas[ANONYMOUS] = Persona(ANONYMOUS, AnonymousUser())
    return personas


def _files(zone: Zone) -> None:
    """What the demo has no file of: a project document and a return's supporting document
    (the caller points MEDIA_ROOT at a temporary folder)."""
    # Entered by the zone's staff whose work they are (三员分立: the system administrator has
    # no business action).
    officer = User.objects.get(username="zhaoshang")
    statistician = User.objects.get(username="tongji")
    for project in Project.objects.filter(zone=zone).order_by("pk")[:2]:
        document_add(
            by=officer,
            project=project,
            data={"title": "投资协议", "kind": DocumentKind.CONTRACT, "dated": DAY},
            file=SimpleUploadedFile("协议.pdf", b"%PDF-1.4 walk"),
        )
    returns = Return.objects.filter(enterprise__zone=zone, is_estimate=False).order_by("pk")
    for record in returns[:2]:
        record.supporting_document.save("证明.pdf", ContentFile(b"%PDF-1.4 walk"))
    # A value-added rate of 山西 (the demo has the national reference only).
    value_added_rate_create(
        by=statistician,
        data={
            "region": Region.objects.get(code="140000"),
            "division": IndustryClass.objects.get(code="30"),
            "year": 2025,
            "rate": Decimal("0.3100"),
            "source": "省统计局",
        },
        rebuild=False,
    )
    # The tax bureau's figures of two firms (the demo has none).
    for firm in zone.enterprises.order_by("pk")[:2]:
        proxy_figure_record(
            by=statistician,
            enterprise=firm,
            month=Month(2026, 1),
            kind=ProxyKind.TAX,
            value=Decimal("12.5"),
            source="税务局",
            today=DAY,
        )


def _jobs(users: list[User]) -> None:
    """A background import under way for every user and every kind of import: each user's own
    job pages are its own, everyone else's are not found."""
    JobProgress.objects.bulk_create(
        JobProgress(task_id=f"walk-{kind}-{user.pk}", label=JOB_LABEL.format(kind=kind), user=user)
        for kind in kinds()
        for user in users
    )
