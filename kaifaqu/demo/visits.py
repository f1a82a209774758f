"""The zone's routine service visits (服务走访) to its projects, after the article (illustrative).

The investment office visits each project on the line about every two months, so that the
project warnings show what a zone that follows its projects would show: only the project
stalled on purpose (`示例冷链物流仓储项目`, no one visits it) goes without progress. Projects with a
task force get their visits from `taskforces.json` instead; projects at capacity (达产),
terminated or stalled get none.

Each project is visited in every other month (which ones, and the day, come from a hash of the
seed, the project and the month), from the month after the article or of its first stage, up to
today: the same day always gives the same visits and a later day only adds the new ones. A
visit already recorded on that day is left alone.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, timedelta

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.demo.timeline import ARTICLE_END, Timeline
from kaifaqu.geo.models import Zone
from kaifaqu.projects.models import LIFECYCLE, Project, Stage, TaskForce
from kaifaqu.projects.services import service_visit_record

SEED = "kaifaqu-demo-visits-1"
OFFICER = "zhaoshang"
PARK_CENTRE = {"神电固废综合利用园区": "shendian"}  # the park service centre that goes along
SUMMARIES: dict[str, str] = {
    Stage.LEAD: "了解企业投资意向与选址需求（示例）。",
    Stage.NEGOTIATING: "洽谈投资协议条款，梳理用地、用能需求（示例）。",
    Stage.SIGNED: "推进项目备案与前期手续（示例）。",
    Stage.APPROVED: "协调施工许可与开工准备（示例）。",
    Stage.STARTED: "查看施工进度，协调建设中的问题（示例）。",
    Stage.BUILDING: "查看施工进度与投资完成情况（示例）。",
    Stage.COMMISSIONED: "了解投产后的生产经营与达产计划（示例）。",
}


def demo_visits_load(*, zone: Zone, timeline: Timeline) -> Counter[str]:
    on_line = [stage for stage in LIFECYCLE if stage in SUMMARIES]
    projects = (
        Project.objects.filter(zone=zone, stage__in=on_line)
        .exclude(pk__in=TaskForce.objects.values("project_id"))
        .select_related("park")
        .order_by("name")
    )
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    outcomes: Counter[str] = Counter()
    for project in projects:
        changes = list(project.stage_changes.order_by("on", "pk"))
        begins = max(ARTICLE_END + timedelta(days=1), changes[0].on)
        seen = set(project.service_visits.values_list("visited_on", flat=True))
        for day in _days(project.name, begins, timeline.today):
            if day in seen:
                outcomes["unchanged"] += 1
                continue
            stage = next(
                (c.to_stage for c in reversed(changes) if c.on <= day), changes[0].to_stage
            )
            centre = PARK_CENTRE.get(project.park.name) if project.park else None
            service_visit_record(
                by=None,
                project=project,
                data={
                    "visited_on": day,
                    "met_with": "项目负责人",
                    "summary": SUMMARIES.get(stage, SUMMARIES[Stage.BUILDING]),
                    "is_illustrative": True,
                },
                participants=[users[name] for name in (OFFICER, centre) if name in users],
            )
            outcomes["created"] += 1
    return outcomes


def _days(name: str, begins: date, today: date) -> list[date]:
    """The visit days of a project from `begins` to `today`: every other month."""
    parity = _hash(name) % 2
    days: list[date] = []
    month = Month.of(begins)
    while month.first_day <= today:
        if (month.year * 12 + month.month) % 2 == parity:
            day = month.first_day + timedelta(days=2 + _hash(f"{name}:{month}") % 22)
            if begins <= day <= today:
                days.append(day)
        month = month.shift(1)
    return days


def _usernames() -> set[str]:
    return {OFFICER, *PARK_CENTRE.values()}


def _hash(text: str) -> int:
    return int(hashlib.sha256(f"{SEED}:{text}".encode()).hexdigest(), 16)
