"""专班陪跑 of the demo zone: the task force of 淮海钠电新能源项目 with its visits and issues, from
`data/taskforces.json`, loaded through the projects app's services (`by=None`: a job of the
platform). A project that already has a task force is left as it is, so a second run writes
nothing and real work recorded since is never overwritten."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import IssueStatus, Project, TaskForce
from kaifaqu.projects.services import (
    Person,
    issue_transition,
    service_visit_record,
    task_force_assign,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "taskforces.json"


def read_task_forces(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["task_forces"]
    return rows


def _person(row: dict[str, Any], users: dict[str, User]) -> Person:
    if "user" in row:
        return Person(user=users[row["user"]])
    return Person(name=row["name"], department=row.get("department", ""))


def demo_task_forces_load(*, zone: Zone, place: Callable[[date], date]) -> Counter[str]:
    """Form each task force the file names, if its project has none yet, with its visits and
    the issues they raised (settled where the file gives a resolution). `place` moves the files'
    dates to where they fall today (`timeline.Timeline.place`)."""
    rows = read_task_forces()
    names = {
        row["user"]
        for task_force in rows
        for row in [task_force["lead"], *task_force["members"]]
        if "user" in row
    } | {name for tf in rows for visit in tf["visits"] for name in visit["participants"]}
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    outcomes: Counter[str] = Counter()
    for row in rows:
        project = Project.objects.get(zone=zone, name=row["project"])
        if TaskForce.objects.filter(project=project).exists():
            outcomes["unchanged"] += 1
            continue
        task_force_assign(
            by=None,
            project=project,
            lead=_person(row["lead"], users),
            members=[_person(member, users) for member in row["members"]],
            on=place(date.fromisoformat(row["formed_on"])),
            name=row["name"],
            note=row.get("note", ""),
        )
        for visit_row in row["visits"]:
            _load_visit(project, visit_row, users, place)
        outcomes["created"] += 1
    return outcomes


def _load_visit(
    project: Project, row: dict[str, Any], users: dict[str, User], place: Callable[[date], date]
) -> None:
    visit = service_visit_record(
        by=None,
        project=project,
        data={
            "visited_on": place(date.fromisoformat(row["visited_on"])),
            "others": row.get("others", ""),
            "met_with": row["met_with"],
            "summary": row["summary"],
            "follow_up": row.get("follow_up", ""),
            "is_illustrative": True,
        },
        participants=[users[name] for name in row["participants"]],
        issues=[
            {
                "problem": issue["problem"],
                "department": issue["department"],
                "due_on": place(date.fromisoformat(issue["due_on"])),
                "is_illustrative": True,
            }
            for issue in row.get("issues", [])
        ],
    )
    raised = {issue.problem: issue for issue in visit.issues.all()}
    for issue_row in row.get("issues", []):
        if "resolved_on" in issue_row:
            issue_transition(
                by=None,
                issue=raised[issue_row["problem"]],
                to_status=IssueStatus.RESOLVED,
                on=place(date.fromisoformat(issue_row["resolved_on"])),
                resolution=issue_row["resolution"],
            )
