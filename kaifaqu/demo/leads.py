"""The demo zone's investment promotion leads (招商线索), from `data/leads.json`: all illustrative,
since the article gives no lead data. Loaded through the lead services (`by=None`).

A lead is matched by zone and title: a missing one is created with its follow-ups and what became
of it (dropped, or converted to a project that may move on); an existing one is left alone, so a
second run writes nothing. Two leads are the origin of projects of `projects.json` (the two signed
at the 2025 first round): the project loader converts them instead of
registering those projects directly (`lead_convert` into the project's first stage on its first
day), so their history starts on the day the lead came in.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.core.models import IndustryClass
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.models import Lead, LeadStatus, Project
from kaifaqu.projects.services import (
    follow_up_add,
    lead_convert,
    lead_create,
    lead_drop,
    project_advance,
)

LEADS_FILE = Path(__file__).parent / "data" / "leads.json"
Echo = Callable[[str], None]


@dataclass(frozen=True)
class LeadRow:
    title: str
    fields: dict[str, Any]
    park: str | None
    industry: str | None
    officer: str | None
    follow_ups: tuple[dict[str, Any], ...]
    outcome: dict[str, Any]

    @property
    def project(self) -> str | None:
        """The name of the projects.json project this lead became, if any."""
        name = self.outcome.get("project")
        return str(name) if name else None


def read_leads(path: Path = LEADS_FILE) -> list[LeadRow]:
    rows = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["leads"]
    return [_row(row) for row in rows]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _row(row: dict[str, Any]) -> LeadRow:
    person, phone, email = row.get("contact", ["", "", ""])
    return LeadRow(
        title=row["title"],
        fields={
            "title": row["title"],
            "investor": row["investor"],
            "source": row["source"],
            "contact_person": person,
            "contact_phone": phone,
            "contact_email": email,
            "expected_investment": Decimal(row["expected_investment"]),
            "received_on": _day(row["received_on"]),
            "note": row.get("note", ""),
            "is_illustrative": True,
        },
        park=row.get("park"),
        industry=row.get("industry"),
        officer=row.get("officer"),
        follow_ups=tuple(
            {
                "on": _day(item["on"]),
                "method": item["method"],
                "content": item["content"],
                "next_step": item.get("next_step", ""),
                "next_on": _day(item.get("next_on")),
            }
            for item in row.get("follow_ups", [])
        ),
        outcome=row.get("outcome", {}),
    )


def demo_leads_load(
    *,
    rows: list[LeadRow],
    zone: Zone,
    parks: Mapping[str, Park],
    place: Callable[[date], date] = lambda day: day,
) -> tuple[dict[str, Lead], Counter[str]]:
    """Create the missing leads with their follow-ups, drops and conversions to new projects.
    Returns the leads that are the origin of a projects.json project, by that project's name,
    while still open (the project loader converts them), and how many were created or left.
    `place` moves the files' dates to where they fall today (`timeline.Timeline.place`)."""
    industries = IndustryClass.objects.in_bulk({row.industry for row in rows if row.industry})
    officers = {
        user.username: user
        for user in User.objects.filter(username__in={row.officer for row in rows if row.officer})
    }
    outcomes: Counter[str] = Counter()
    origins: dict[str, Lead] = {}
    for row in rows:
        lead = Lead.objects.filter(zone=zone, title=row.title).first()
        if lead is None:
            if row.project and Project.objects.filter(zone=zone, name=row.project).exists():
                # A database loaded before leads existed keeps that project as it is.
                outcomes["unchanged"] += 1
                continue
            lead = _create(_placed(row, place), zone, parks, industries, officers)
            outcomes["created"] += 1
        else:
            outcomes["unchanged"] += 1
        if row.project and lead.status == LeadStatus.OPEN:
            origins[row.project] = lead
    return origins, outcomes


def _placed(row: LeadRow, place: Callable[[date], date]) -> LeadRow:
    """The row with its dates where they fall today (the outcome's dates stay ISO text)."""

    def day(value: date | None) -> date | None:
        return place(value) if value else None

    def text(value: str) -> str:
        return place(date.fromisoformat(value)).isoformat()

    outcome = dict(row.outcome)
    if "drop" in outcome:
        outcome["drop"] = {**outcome["drop"], "on": text(outcome["drop"]["on"])}
    if "convert" in outcome:
        convert = outcome["convert"]
        outcome["convert"] = {
            **convert,
            "on": text(convert["on"]),
            "advance": [{**step, "on": text(step["on"])} for step in convert.get("advance", [])],
        }
    return LeadRow(
        title=row.title,
        fields={**row.fields, "received_on": day(row.fields["received_on"])},
        park=row.park,
        industry=row.industry,
        officer=row.officer,
        follow_ups=tuple(
            {**item, "on": day(item["on"]), "next_on": day(item["next_on"])}
            for item in row.follow_ups
        ),
        outcome=outcome,
    )


def _create(
    row: LeadRow,
    zone: Zone,
    parks: Mapping[str, Park],
    industries: Mapping[str, IndustryClass],
    officers: Mapping[str, User],
) -> Lead:
    lead = lead_create(
        by=None,
        data={
            **row.fields,
            "zone": zone,
            "park": parks[row.park] if row.park else None,
            "industry": industries[row.industry] if row.industry else None,
            "officer": officers.get(row.officer) if row.officer else None,
        },
    )
    for follow_up in row.follow_ups:
        follow_up_add(by=None, data={**follow_up, "lead": lead})
    if "drop" in row.outcome:
        drop = row.outcome["drop"]
        lead_drop(
            by=None,
            lead=lead,
            on=date.fromisoformat(drop["on"]),
            reason=drop["reason"],
            note=drop.get("note", ""),
        )
    if "convert" in row.outcome:
        convert = row.outcome["convert"]
        project = lead_convert(
            lead=lead, by=None, on=date.fromisoformat(convert["on"]), stage=convert["stage"]
        )
        for step in convert.get("advance", []):
            figures = {
                name: Decimal(step[name])
                for name in ("signed_investment", "planned_investment", "total_investment")
                if name in step
            }
            project_advance(
                project=project,
                to_stage=step["stage"],
                on=date.fromisoformat(step["on"]),
                by=None,
                note=step.get("note", ""),
                data=figures,
            )
    return lead
