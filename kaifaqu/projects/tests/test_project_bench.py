"""The project benchmark's code path on a tiny province, so that `python -m bench --only
projects` cannot rot: projects generated once with their histories, every page answered 200."""

from __future__ import annotations

from bench.project_latency import USERNAMES, run
from kaifaqu.demo.province_projects import NAME_PREFIX
from kaifaqu.projects.models import LIST_STAGE, Project, Round, RoundEntry, StageChange


def test_the_project_benchmark_runs_on_a_tiny_province(db: None) -> None:
    lines: list[str] = []
    result = run(projects=60, requests=3, enterprises=40, months=1, zones=2, echo=lines.append)
    synthetic = Project.objects.filter(name__startswith=NAME_PREFIX)
    assert synthetic.count() == 60
    # Each project's stage is where its history ends, dated as its last change.
    for project in synthetic[:20]:
        last = StageChange.objects.filter(project=project).order_by("on", "id").last()
        assert last is not None and (last.to_stage, last.on) == (project.stage, project.stage_since)
    assert {(kind.endpoint, kind.reader) for kind in result.kinds} == {
        *((endpoint, "province-wide") for endpoint in ("看板", "列表")),
        *((endpoint, "one zone") for endpoint in ("看板", "列表", "周期", "轮次", "轮次表")),
        *((endpoint, "province office") for endpoint in ("轮次", "轮次表", "轮次对比")),
    }
    assert set(USERNAMES) == {"province-wide", "one zone", "province office"}
    # Four rounds a quarter each; an entry is a project that entered the list's stage in the
    # round's quarter, with the figure its list sums.
    rounds = list(Round.objects.order_by("number"))
    assert [(r.number, r.window_start.month, r.held_on.month) for r in rounds] == [
        (1, 1, 3),
        (2, 4, 6),
        (3, 7, 9),
        (4, 10, 12),
    ]
    entries = RoundEntry.objects.select_related("round", "project")
    assert entries.count() == result.round_entries > 0
    for entry in entries:
        assert entry.round.window_start <= entry.stage_on <= entry.round.held_on
        assert StageChange.objects.filter(
            project=entry.project, to_stage=LIST_STAGE[entry.list], on=entry.stage_on
        ).exists()
    assert all(len(kind.warm_ms) == 2 for kind in result.kinds)
    assert "target < 100 ms" in result.report()
    # A second run reuses the projects.
    run(projects=60, requests=2, enterprises=40, months=1, zones=2, echo=lines.append)
    assert synthetic.count() == 60
