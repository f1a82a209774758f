"""The project benchmark's code path on a tiny province, so that `python -m bench --only
projects` cannot rot: projects generated once with their histories, every page answered 200."""

from __future__ import annotations

from bench.project_latency import USERNAMES, run
from kaifaqu.demo.province_projects import NAME_PREFIX
from kaifaqu.projects.models import Project, StageChange


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
        *((endpoint, reader) for endpoint in ("看板", "列表") for reader in USERNAMES),
        ("周期", "one zone"),
    }
    assert all(len(kind.warm_ms) == 2 for kind in result.kinds)
    assert "target < 100 ms" in result.report()
    # A second run reuses the projects.
    run(projects=60, requests=2, enterprises=40, months=1, zones=2, echo=lines.append)
    assert synthetic.count() == 60
