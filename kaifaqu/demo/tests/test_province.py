"""The synthetic province at a small size: the counts asked for, valid USCCs, marked illustrative,
the same data for the same seed, and a second run that writes nothing."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from kaifaqu.core.lib import uscc
from kaifaqu.core.models import IndustryLevel
from kaifaqu.demo.province import PREFIX, Summary, describe, generate_province
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import Return, ReturnStatus

pytestmark = pytest.mark.django_db


def _small() -> Summary:
    """The size for tests: `kfq demo --province --enterprises 2000 --months 3`."""
    return generate_province(zones=100, enterprises=2000, months=3, seed=2025)


@pytest.fixture(scope="module")
def small(django_db_setup: None, django_db_blocker: Any) -> Iterator[Summary]:
    """The test size of `kfq demo --province`, built once for the module and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _small()
        transaction.set_rollback(True)


def test_it_creates_the_zones_enterprises_roster_and_months_asked_for(small: Summary) -> None:
    summary = small
    assert (summary.created, summary.zones, summary.enterprises) == (True, 100, 2000)
    assert summary.roster_entries == 2000  # 2024-10 … 2024-12: one roster year
    assert summary.returns == 6000  # 2000 × 3
    synthetic = Zone.objects.filter(name__startswith=PREFIX)
    assert synthetic.count() == 100
    assert {z.region.code for z in synthetic} == {
        "140100", "140200", "140300", "140400", "140500", "140600",
        "140700", "140800", "140900", "141000", "141100",
    }  # fmt: skip
    assert Park.objects.filter(zone__in=synthetic).count() == summary.parks >= 200
    enterprises = Enterprise.objects.filter(zone__in=synthetic)
    assert enterprises.count() == 2000
    assert (
        RosterEntry.objects.filter(
            enterprise__zone__in=synthetic, year=2024, category=StatCategory.INDUSTRY
        ).count()
        == 2000
    )
    returns = Return.objects.filter(enterprise__zone__in=synthetic)
    assert returns.count() == 6000
    assert set(returns.values_list("period", flat=True)) == {
        date(2024, 10, 1),
        date(2024, 11, 1),
        date(2024, 12, 1),
    }
    assert not returns.exclude(status=ReturnStatus.ACCEPTED).exists()


@pytest.mark.usefixtures("small")
def test_every_uscc_is_valid_and_unique_and_every_firm_is_industrial() -> None:
    firms = Enterprise.objects.filter(zone__name__startswith=PREFIX).select_related("industry")
    codes = [firm.uscc for firm in firms]
    assert len(codes) == len(set(codes)) == 2000
    for code in codes:
        assert uscc.validate(code) == code
    for firm in firms:
        assert firm.industry.level == IndustryLevel.CLASS
        assert firm.industry.code[:2] in {f"{n:02d}" for n in range(6, 47)}
        assert firm.park is None or firm.park.zone_id == firm.zone_id


@pytest.mark.usefixtures("small")
def test_everything_is_marked_illustrative() -> None:
    firms = Enterprise.objects.filter(zone__name__startswith=PREFIX)
    assert not firms.filter(is_illustrative=False).exists()
    assert not Return.objects.filter(enterprise__in=firms, is_illustrative=False).exists()
    assert all("合成数据" in z.description for z in Zone.objects.filter(name__startswith=PREFIX))


@pytest.mark.usefixtures("small")
def test_the_figures_read_back_as_plausible_decimals() -> None:
    returns = Return.objects.filter(enterprise__zone__name__startswith=PREFIX)
    for r in returns[:300]:
        r.full_clean(exclude=["enterprise"])
        assert isinstance(r.gross_output, Decimal)
        assert r.gross_output >= Decimal("150")  # above scale: 2000 万元 a year
        assert r.sales_output is not None and r.sales_output <= r.gross_output


def test_running_it_again_writes_nothing_and_says_so(small: Summary) -> None:
    first = small
    counts = (Zone.objects.count(), Enterprise.objects.count(), Return.objects.count())
    again = _small()
    assert (Zone.objects.count(), Enterprise.objects.count(), Return.objects.count()) == counts
    assert again.created is False
    assert (again.zones, again.enterprises, again.returns) == (100, 2000, 6000)
    assert (again.parks, again.roster_entries) == (first.parks, first.roster_entries)
    with translation.override("en"):
        assert "nothing was written" in describe(again)
    with translation.override("zh-hans"):
        assert "未写入任何数据" in describe(again)


def test_it_refuses_fewer_enterprises_than_zones() -> None:
    with pytest.raises(ValueError):
        generate_province(zones=10, enterprises=5, months=3, seed=1)
