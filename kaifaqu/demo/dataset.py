"""The demo dataset: the files of `data/` read into plain records, without touching the database.

`data/README.md` says what each file holds, what comes from the article and what is illustrative.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaifaqu.core.lib.money import MoneyUnit, to_wan
from kaifaqu.demo.leads import read_leads

DATA_DIR = Path(__file__).resolve().parent / "data"


class DatasetError(ValueError):
    """The data files contradict themselves (a name that is not defined, a duplicate key…)."""


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str


@dataclass(frozen=True)
class ZoneRow:
    name: str
    region: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class ParkRow:
    name: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class TargetRow:
    """A zone target (illustrative: the article gives none); value in 万元 as stored."""

    fields: dict[str, Any]


@dataclass(frozen=True)
class FigureRow:
    indicator: str
    year: int
    months: int
    value: Decimal
    source: str
    # False: the article's figure is reproduced from records (固定资产投资 from the investment
    # database, every year on that one definition), not entered.
    entered: bool = True


@dataclass(frozen=True)
class EnterpriseRow:
    uscc: str
    name: str
    industry: str
    park: str | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class RosterRow:
    year: int
    category: str
    uscc: str
    entered_on: date | None


@dataclass(frozen=True)
class StageStep:
    stage: str
    on: date
    note: str = ""


@dataclass(frozen=True)
class ProjectRow:
    name: str
    park: str | None
    enterprise: str | None
    industry: str | None
    fields: dict[str, Any]
    history: tuple[StageStep, ...]


@dataclass(frozen=True)
class RoundList:
    stage: str
    note: str
    sums: str
    projects: tuple[str, ...]


@dataclass(frozen=True)
class FaiRow:
    """A project registered in the fixed-asset investment database, with its monthly reports
    (万元): `opening` was invested before the first reported month. Illustrative."""

    project: str
    registered_on: date
    stats_code: str
    opening: Decimal
    months: tuple[tuple[str, Decimal], ...]
    illustrative: bool = True
    # The months after the typed ones are generated (`fai.py`): about `monthly` a month (growing
    # by `growth` a year) while the project is being built, never beyond `budget` in all.
    monthly: Decimal = Decimal(0)
    growth: Decimal = Decimal(0)
    budget: Decimal | None = None


@dataclass(frozen=True)
class Round:
    key: str  # "2025-1": the year and the round of the year
    name: str
    on: date
    window_start: date  # the first day a list counts stage changes from
    lists: tuple[RoundList, ...]

    @property
    def year(self) -> int:
        return int(self.key.split("-")[0])

    @property
    def number(self) -> int:
        return int(self.key.split("-")[1])


@dataclass(frozen=True)
class PersonaRow:
    username: str
    password: str
    role: str
    full_name: str
    region: str | None
    zone: str | None
    park: str | None
    enterprise: str | None


@dataclass(frozen=True)
class Dataset:
    regions: tuple[RegionRow, ...]
    zone: ZoneRow
    parks: tuple[ParkRow, ...]
    figures: tuple[FigureRow, ...]
    targets: tuple[TargetRow, ...]
    enterprises: tuple[EnterpriseRow, ...]
    rosters: tuple[RosterRow, ...]
    projects: tuple[ProjectRow, ...]
    rounds: tuple[Round, ...]
    personas: tuple[PersonaRow, ...]
    fai: tuple[FaiRow, ...] = ()
    fai_seed: str = ""
    fai_season: tuple[Decimal, ...] = ()

    def stage_history(self, project: ProjectRow) -> list[StageStep]:
        """The project's own history plus one step per round list naming it, in date order."""
        steps = list(project.history)
        for round_ in self.rounds:
            for listed in round_.lists:
                if project.name in listed.projects:
                    steps.append(StageStep(stage=listed.stage, on=round_.on, note=listed.note))
        return sorted(steps, key=lambda step: step.on)

    def enterprise_named(self, name: str) -> EnterpriseRow:
        for row in self.enterprises:
            if row.name == name:
                return row
        raise DatasetError(f"no enterprise named {name!r} in enterprises.csv")


def read_dataset(directory: Path = DATA_DIR) -> Dataset:
    zone_file = _read_json(directory / "zone.json")
    projects_file = _read_json(directory / "projects.json")
    dataset = Dataset(
        regions=tuple(
            RegionRow(code=row["code"], name=row["name"])
            for row in _read_csv(directory / "regions.csv")
        ),
        zone=_zone(zone_file["zone"]),
        parks=tuple(_park(row) for row in zone_file["parks"]),
        figures=_figures(zone_file["figures"]),
        targets=_targets(zone_file.get("targets")),
        enterprises=tuple(_enterprise(row) for row in _read_csv(directory / "enterprises.csv")),
        rosters=tuple(_roster(row) for row in _read_csv(directory / "rosters.csv")),
        projects=tuple(_project(row) for row in projects_file["projects"]),
        rounds=tuple(_round(row) for row in projects_file["rounds"]),
        personas=tuple(
            _persona(row) for row in _read_json(directory / "personas.json")["personas"]
        ),
        fai=_fai(projects_file.get("fai")),
        fai_seed=str(projects_file.get("fai", {}).get("seed", "")),
        fai_season=tuple(Decimal(v) for v in projects_file.get("fai", {}).get("season", ())),
    )
    _check_references(dataset)
    return dataset


def _zone(row: dict[str, Any]) -> ZoneRow:
    return ZoneRow(
        name=row["name"],
        region=row["region"],
        fields={
            "name": row["name"],
            "short_name": row.get("short_name", ""),
            "level": row["level"],
            "area_km2": _decimal(row["area_km2"]),
            "established_year": row.get("established_year"),
            "internal_departments": row.get("internal_departments"),
            "public_institutions": row.get("public_institutions"),
            "park_service_centres": row.get("park_service_centres"),
            "governance_model": row.get("governance_model", ""),
            "description": row.get("description", ""),
        },
    )


def _park(row: dict[str, Any]) -> ParkRow:
    return ParkRow(
        name=row["name"],
        fields={
            "name": row["name"],
            "position": row["position"],
            "area_km2": _decimal(row.get("area_km2")),
            "area_is_illustrative": bool(row.get("area_is_illustrative", False)),
            "role": row.get("role", ""),
            "description": row.get("description", ""),
        },
    )


def _figures(block: dict[str, Any]) -> tuple[FigureRow, ...]:
    unit = MoneyUnit(block["unit"])
    return tuple(
        FigureRow(
            indicator=row["indicator"],
            year=int(block["year"]),
            months=int(block["months"]),
            value=to_wan(_required_decimal(row["value"]), unit),
            source=block["source"],
            entered=bool(row.get("entered", True)),
        )
        for row in block["values"]
    )


def _targets(block: dict[str, Any] | None) -> tuple[TargetRow, ...]:
    if not block:
        return ()
    common = {"year": int(block["year"]), "source": block["source"]}
    annual = [
        {
            **common,
            "kind": "annual",
            "indicator": row["indicator"],
            "value": _decimal(row.get("value", "")),
            "growth_pct": _decimal(row.get("growth_pct", "")),
        }
        for row in block.get("annual", [])
    ]
    plans = [
        {
            **common,
            "kind": "plan",
            "indicator": row["indicator"],
            "plan_name": row["plan_name"],
            "start_year": int(row["start_year"]),
            "end_year": int(row["end_year"]),
            "value": _decimal(row.get("value", "")),
            "growth_pct": _decimal(row.get("growth_pct", "")),
        }
        for row in block.get("plans", [])
    ]
    return tuple(TargetRow(fields=fields) for fields in annual + plans)


def _enterprise(row: dict[str, str]) -> EnterpriseRow:
    return EnterpriseRow(
        uscc=row["uscc"],
        name=row["name"],
        industry=row["industry"],
        park=row["park"] or None,
        fields={
            "uscc": row["uscc"],
            "name": row["name"],
            "kind": row["kind"],
            "status": row["status"],
            "established_on": _date(row["established_on"]),
            "land_mu": _decimal(row["land_mu"]),
            # Who at the firm reports the statistics (illustrative firms only: invented).
            "statistics_contact": row.get("statistics_contact", ""),
            "statistics_phone": row.get("statistics_phone", ""),
            "description": row["description"],
            "is_illustrative": _flag(row["illustrative"]),
        },
    )


def _roster(row: dict[str, str]) -> RosterRow:
    return RosterRow(
        year=int(row["year"]),
        category=row["category"],
        uscc=row["uscc"],
        entered_on=_date(row["entered_on"]),
    )


def _project(row: dict[str, Any]) -> ProjectRow:
    money = (
        "total_investment",
        "signed_investment",
        "planned_investment",
        "expected_annual_output",
    )
    return ProjectRow(
        name=row["name"],
        park=row.get("park"),
        enterprise=row.get("enterprise"),
        industry=row.get("industry"),
        fields={
            "name": row["name"],
            "site": row.get("site", ""),
            "investor": row.get("investor", ""),
            **{key: _decimal(row.get(key)) for key in money},
            "expected_annual_tax": _decimal(row.get("expected_annual_tax")),
            "land_mu": _decimal(row.get("land_mu")),
            "capacity": row.get("capacity", ""),
            "expected_jobs": row.get("expected_jobs"),
            "description": row.get("description", ""),
            "is_illustrative": bool(row["illustrative"]),
        },
        history=tuple(
            StageStep(stage=step["stage"], on=_required_date(step["on"]), note=step.get("note", ""))
            for step in row["history"]
        ),
    )


def _round(row: dict[str, Any]) -> Round:
    return Round(
        key=row["key"],
        name=row["name"],
        on=_required_date(row["on"]),
        window_start=_required_date(row["window_start"]),
        lists=tuple(
            RoundList(
                stage=item["stage"],
                note=item["note"],
                sums=item["sums"],
                projects=tuple(item["projects"]),
            )
            for item in row["lists"]
        ),
    )


def _persona(row: dict[str, Any]) -> PersonaRow:
    return PersonaRow(
        username=row["username"],
        password=row["password"],
        role=row["role"],
        full_name=row.get("full_name", ""),
        region=row.get("region"),
        zone=row.get("zone"),
        park=row.get("park"),
        enterprise=row.get("enterprise"),
    )


def _fai(block: dict[str, Any] | None) -> tuple[FaiRow, ...]:
    if not block:
        return ()
    illustrative = bool(block.get("illustrative", True))
    return tuple(
        FaiRow(
            project=row["project"],
            registered_on=date.fromisoformat(row["registered_on"]),
            stats_code=row.get("stats_code", ""),
            opening=Decimal(row.get("opening", 0)),
            months=tuple((month, Decimal(value)) for month, value in row["months"].items()),
            illustrative=illustrative,
            monthly=Decimal(row.get("monthly", 0)),
            growth=Decimal(row.get("growth", 0)),
            budget=_decimal(row.get("budget")),
        )
        for row in block["registrations"]
    )


def _check_references(dataset: Dataset) -> None:
    """Every name a file uses is defined once in the file that defines it."""
    _check_unique("region code", (row.code for row in dataset.regions))
    _check_unique("park", (row.name for row in dataset.parks))
    _check_unique("USCC", (row.uscc for row in dataset.enterprises))
    _check_unique("enterprise name", (row.name for row in dataset.enterprises))
    _check_unique("project", (row.name for row in dataset.projects))
    _check_unique("user name", (row.username for row in dataset.personas))
    parks = {row.name for row in dataset.parks}
    usccs = {row.uscc for row in dataset.enterprises}
    projects = {row.name for row in dataset.projects}
    for enterprise in dataset.enterprises:
        _check_in(enterprise.park, parks, "park", enterprise.name)
    for entry in dataset.rosters:
        _check_in(entry.uscc, usccs, "USCC", "rosters.csv")
    # A lead converted in leads.json becomes a project of its title (lead_convert).

    converted = {row.title for row in read_leads() if "convert" in row.outcome}
    for registration in dataset.fai:
        _check_in(registration.project, projects | converted, "project", "projects.json fai")
    for project in dataset.projects:
        _check_in(project.park, parks, "park", project.name)
        if project.enterprise is not None:
            dataset.enterprise_named(project.enterprise)
    for round_ in dataset.rounds:
        for listed in round_.lists:
            for name in listed.projects:
                _check_in(name, projects, "project", round_.key)
    regions = {row.code for row in dataset.regions}
    _check_in(dataset.zone.region, regions, "region", dataset.zone.name)
    for persona in dataset.personas:
        _check_in(persona.region, regions, "region", persona.username)
        _check_in(persona.zone, {dataset.zone.name}, "zone", persona.username)
        _check_in(persona.park, parks, "park", persona.username)
        if persona.enterprise is not None:
            dataset.enterprise_named(persona.enterprise)


def _check_unique(what: str, values: Iterator[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DatasetError(f"{what} {value!r} is defined twice")
        seen.add(value)


def _check_in(value: str | None, known: set[str], what: str, where: str) -> None:
    if value is not None and value not in known:
        raise DatasetError(f"{where}: unknown {what} {value!r}")


def _read_json(path: Path) -> dict[str, Any]:
    # Decimals, never floats: 99.86 km² and 72.763 亿元 are read exactly.
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return data


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return _required_decimal(value)


def _required_decimal(value: object) -> Decimal:
    if isinstance(value, float):
        raise DatasetError(f"{value!r} was read as a float")
    return Decimal(str(value))


def _date(value: str | None) -> date | None:
    return _required_date(value) if value else None


def _required_date(value: str) -> date:
    return date.fromisoformat(value)


def _flag(value: str) -> bool:
    if value not in {"true", "false"}:
        raise DatasetError(f"{value!r} is neither true nor false")
    return value == "true"
