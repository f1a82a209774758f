"""The data files are read exactly (Decimal, dates) and contradictions in them are refused."""

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kaifaqu.demo.dataset import DATA_DIR, DatasetError, read_dataset


def test_figures_are_read_as_published_and_converted_to_wan_yuan_exactly() -> None:
    figures = {row.indicator: row.value for row in read_dataset().figures}
    # 96.6559 亿元 and 5.773 亿元, with no float rounding on the way.
    assert figures["fiscal_revenue"] == Decimal("966559")
    assert figures["budget_revenue"] == Decimal("57730")


def test_a_round_adds_its_dated_step_to_the_history_of_each_project_it_lists() -> None:
    dataset = read_dataset()
    project = next(row for row in dataset.projects if row.name.startswith("绿净"))
    steps = [(step.stage, step.on) for step in dataset.stage_history(project)]
    # 奠基开工 at the round of 2025-02-18, between the files' 立项 and 在建.
    assert steps == [
        ("signed", date(2024, 9, 12)),
        ("approved", date(2025, 1, 10)),
        ("started", date(2025, 2, 18)),
        ("building", date(2025, 4, 8)),
    ]
    assert len(steps) == len(project.history) + 1


def test_it_refuses_a_round_that_lists_an_unknown_project(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "projects.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    content["rounds"][0]["lists"][0]["projects"].append("不存在的项目")
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DatasetError, match="不存在的项目"):
        read_dataset(data)


def test_it_refuses_a_uscc_defined_twice(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "enterprises.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(DatasetError, match="defined twice"):
        read_dataset(data)
