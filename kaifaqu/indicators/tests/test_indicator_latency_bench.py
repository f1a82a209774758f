"""The latency benchmark's code path on a tiny province, so that `python -m bench --only latency`
cannot rot: stored table built, readers created, every kind of request answered 200."""

from __future__ import annotations

from bench.indicator_latency import USERNAMES, run
from kaifaqu.accounts.models import User
from kaifaqu.indicators.models import IndicatorCell


def test_the_latency_benchmark_runs_on_a_tiny_province(db: None) -> None:
    lines: list[str] = []
    result = run(enterprises=300, months=14, zones=3, requests=4, echo=lines.append)
    # 2023-11, 2023-12 and 2024-02 … 2024-12 rolled up, once.
    assert result.rolled_months == 13 and result.cells == IndicatorCell.objects.count() > 0
    assert {(kind.endpoint, kind.reader) for kind in result.kinds} == {
        (endpoint, reader) for endpoint in ("page", "API") for reader in USERNAMES
    }
    assert all(len(kind.warm_ms) == 3 and kind.cold_ms > 0 for kind in result.kinds)
    assert User.objects.filter(username__in=USERNAMES.values()).count() == 3
    report = result.report()
    assert "p95" in report and "(target < 50 ms)" in report
    # A second run reuses the stored table and the readers.
    again = run(enterprises=300, months=14, zones=3, requests=2, echo=lines.append)
    assert again.rolled_months == 0 and again.rollup_s == 0.0
