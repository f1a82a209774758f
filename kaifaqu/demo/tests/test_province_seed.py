"""The synthetic province is the same for the same seed, and its roster follows its months.

(Separate from test_province.py, whose module builds one province for all its tests.)"""

from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.db.models import Sum

from kaifaqu.cli import main
from kaifaqu.demo.province import PREFIX, Summary, generate_province
from kaifaqu.enterprises.models import Enterprise, RosterEntry
from kaifaqu.geo.models import Park, Zone
from kaifaqu.returns.models import Return

pytestmark = pytest.mark.django_db


def _tiny(seed: int = 7) -> Summary:
    return generate_province(zones=4, enterprises=60, months=2, seed=seed)


def _delete_province() -> None:
    synthetic = Zone.objects.filter(name__startswith=PREFIX)
    Return.objects.filter(enterprise__zone__in=synthetic).delete()
    RosterEntry.objects.filter(enterprise__zone__in=synthetic).delete()
    Enterprise.objects.filter(zone__in=synthetic).delete()
    Park.objects.filter(zone__in=synthetic).delete()
    synthetic.delete()


def test_the_same_seed_builds_the_same_province() -> None:
    def totals() -> dict[str, Decimal]:
        returns = Return.objects.filter(enterprise__zone__name__startswith=PREFIX)
        return returns.aggregate(Sum("gross_output"), Sum("revenue"), Sum("electricity"))

    _tiny()
    first = totals()
    names = set(Enterprise.objects.filter(zone__name__startswith=PREFIX).values_list("uscc"))
    _delete_province()
    _tiny()
    assert totals() == first
    assert set(Enterprise.objects.filter(zone__name__startswith=PREFIX).values_list("uscc")) == (
        names
    )


def test_fourteen_months_span_two_roster_years() -> None:
    summary = generate_province(zones=3, enterprises=30, months=14, seed=1)
    assert summary == Summary(
        created=True,
        zones=3,
        parks=summary.parks,
        enterprises=30,
        roster_entries=60,  # 2023 and 2024
        returns=420,  # 30 × 14
        seconds=summary.seconds,
    )
    assert set(
        RosterEntry.objects.filter(enterprise__zone__name__startswith=PREFIX).values_list(
            "year", flat=True
        )
    ) == {2023, 2024}


def test_another_seed_builds_other_figures() -> None:
    _tiny()
    first = Return.objects.aggregate(Sum("gross_output"))
    _delete_province()
    _tiny(seed=8)
    assert Return.objects.aggregate(Sum("gross_output")) != first


def test_kfq_demo_province_builds_the_size_asked_for_then_nothing() -> None:
    args = ["demo", "--province", "--no-migrate", "--zones", "3", "--enterprises", "30"]
    first = CliRunner().invoke(main, [*args, "--months", "2"])
    assert first.exit_code == 0, first.output
    assert (Zone.objects.filter(name__startswith=PREFIX).count(), Return.objects.count()) == (3, 60)
    again = CliRunner().invoke(main, [*args, "--months", "2"])
    assert again.exit_code == 0, again.output
    assert Return.objects.count() == 60
