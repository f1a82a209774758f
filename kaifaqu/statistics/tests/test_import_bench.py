"""The benchmark's code path on 500 rows, so that `make bench` cannot rot unnoticed."""

from pathlib import Path

from bench.import_returns import run
from bench.province import province_create, synthetic_uscc
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.statistics.models import Return


def test_the_benchmark_runs_on_a_small_province(db: None, tmp_path: Path) -> None:
    figures = run(rows=500, workdir=tmp_path, echo=lambda _text: None)
    assert (figures.rows, figures.created) == (500, 500)
    assert Return.objects.filter(enterprise__name__startswith="合成企业").count() == 500
    assert figures.fastexcel_s > 0 and figures.import_s > 0 and figures.reference_s > 0
    assert "b/a =" in figures.report()


def test_the_synthetic_province_is_created_once(db: None) -> None:
    first = province_create(zones=3, enterprises=30)
    again = province_create(zones=3, enterprises=30)
    assert (first.enterprise_count, again.enterprise_count) == (30, 30)
    assert len(first.zones) == 3
    assert RosterEntry.objects.filter(year=2025, category=StatCategory.INDUSTRY).count() == 30
    # Serial 4 lands in the second zone (4 % 3 = 1), whose city is 大同 (140200).
    assert Enterprise.objects.get(uscc=synthetic_uscc("140200", 4)).zone == first.zones[1]
