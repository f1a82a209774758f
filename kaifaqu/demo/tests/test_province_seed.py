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


def test_real_months_carry_entries_exits_missing_and_late_returns() -> None:
    from datetime import date

    from kaifaqu.returns.models import ReturnStatus

    summary = generate_province(zones=4, enterprises=1000, months=24, seed=3, real_months=True)
    roster = RosterEntry.objects.filter(enterprise__zone__name__startswith=PREFIX)
    assert summary.roster_entries == roster.count() < 2000
    exits = roster.exclude(exited_on=None)
    entries = roster.filter(entry_kind="monthly")
    assert exits.exists() and entries.exists()
    assert not exits.filter(exit_reason="").exists()
    for entry in exits[:20]:
        # It reports up to the month it leaves (a past month may be missing), none after, and
        # is on no later roster.
        last = Return.objects.filter(enterprise=entry.enterprise).latest("period").period
        assert entry.exited_on is not None and last <= entry.exited_on.replace(day=1)
        assert not roster.filter(enterprise=entry.enterprise, year__gt=entry.year).exists()
    for entry in entries[:20]:
        # A monthly entry (新开业): from the first day of a month other than January, no return
        # before it.
        assert entry.entered_on is not None
        assert entry.entered_on.day == 1 and entry.entered_on.month != 1
        first = Return.objects.filter(enterprise=entry.enterprise).earliest("period").period
        assert first >= entry.entered_on and first.year == entry.year
    december = Return.objects.filter(period=date(2024, 12, 1))
    late = december.filter(status=ReturnStatus.SUBMITTED)
    assert 0 < late.count() < december.count() // 10
    assert not late.filter(submitted_at=None).exists()
    on_december = roster.filter(year=2024).exclude(exited_on__lt=date(2024, 12, 1)).count()
    assert 0 < on_december - december.count() < on_december // 20  # not reported at all
    assert Return.objects.filter(total_profit__lt=0).exists()  # losses
    # Without real months nothing of it: the default province is unchanged.
    assert summary.returns < 1000 * 24
