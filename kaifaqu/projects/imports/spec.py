"""The columns of a project ledger (项目台账) and how their headers are recognised.

Zones keep their ledgers in Excel with headers of their own: the names below are the usual ones
(the template's first), and the platform's own list export is recognised in both languages, so a
list exported from Kaifaqu can be edited and imported back.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.headers import FormSpec, header_key
from kaifaqu.projects.models import Project, Stage

NAME = "name"
PARK = "park"
SITE = "site"
INVESTOR = "investor"
ENTERPRISE = "enterprise"
INDUSTRY = "industry"
STAGE = "stage"
STAGE_SINCE = "stage_since"
SIGNED_ON = "signed_on"
APPROVED_ON = "approved_on"
STARTED_ON = "started_on"
COMMISSIONED_ON = "commissioned_on"
CAPACITY = "capacity"
OFFICER = "officer"
DESCRIPTION = "description"
REASON = "reason"

# Text, date and reference columns, the template's header first.
KEYS: dict[str, tuple[str, ...]] = {
    NAME: ("项目名称", "项目", "名称"),
    PARK: ("所属园区", "园区", "所在园区"),
    SITE: ("建设地点", "项目地点", "地点", "选址"),
    INVESTOR: ("投资方", "投资主体", "投资单位", "项目单位", "建设单位"),
    ENTERPRISE: ("实施企业", "实施主体", "企业名称", "统一社会信用代码"),
    INDUSTRY: ("行业代码", "国民经济行业代码", "所属行业", "行业"),
    STAGE: ("项目阶段", "阶段", "项目状态", "进展阶段"),
    STAGE_SINCE: ("进入本阶段日期", "阶段日期"),
    SIGNED_ON: ("签约日期", "签约时间"),
    APPROVED_ON: ("备案日期", "审批日期", "审批/备案日期", "立项日期", "备案时间"),
    STARTED_ON: ("开工日期", "开工时间"),
    COMMISSIONED_ON: ("投产日期", "投产时间"),
    CAPACITY: ("建设规模及内容", "建设内容", "建设规模", "产能"),
    OFFICER: ("负责人", "项目负责人", "责任人"),
    DESCRIPTION: ("备注", "项目简介", "项目概况", "描述"),
    REASON: ("停滞或终止原因", "停滞原因", "终止原因"),
}
# Figures: money (万元 unless the header or the form says otherwise), land in 亩, jobs.
FIGURES: dict[str, tuple[str, ...]] = {
    "total_investment": ("总投资", "项目总投资", "投资总额"),
    "signed_investment": ("签约投资额", "签约额", "协议投资额", "签约金额"),
    "planned_investment": ("计划总投资",),
    "land_mu": ("用地(亩)", "用地", "占地(亩)", "占地面积(亩)", "用地面积(亩)", "占地面积"),
    "expected_annual_output": ("预计年产值", "达产后年产值", "年产值"),
    "expected_annual_tax": ("预计年税收", "达产后年税收", "年税收"),
    "expected_jobs": ("就业人数", "预计就业", "安排就业", "就业"),
}
MONEY_FIGURES = frozenset(
    {
        "total_investment",
        "signed_investment",
        "planned_investment",
        "expected_annual_output",
        "expected_annual_tax",
    }
)
DATE_KEYS = (STAGE_SINCE, SIGNED_ON, APPROVED_ON, STARTED_ON, COMMISSIONED_ON)
# The lifecycle stage each date column dates.
STAGE_OF_DATE: dict[str, str] = {
    SIGNED_ON: Stage.SIGNED,
    APPROVED_ON: Stage.APPROVED,
    STARTED_ON: Stage.STARTED,
    COMMISSIONED_ON: Stage.COMMISSIONED,
}
DATE_OF_STAGE: dict[str, str] = {stage: key for key, stage in STAGE_OF_DATE.items()}

# The list export writes these model fields under their verbose names.
_EXPORTED = (
    "name",
    "park",
    "site",
    "investor",
    "enterprise",
    "stage",
    "stage_since",
    "total_investment",
    "signed_investment",
    "planned_investment",
    "land_mu",
    "capacity",
    "expected_annual_output",
    "expected_annual_tax",
    "expected_jobs",
    "officer",
    "description",
)
_EXPORTED_EXTRA = {INDUSTRY: _("Industry code")}

_UNIT_SUFFIX = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")

# What people write for a stage in a ledger, beyond the platform's own labels.
STAGE_WORDS: dict[str, str] = {
    "线索": Stage.LEAD,
    "在谈": Stage.NEGOTIATING,
    "洽谈": Stage.NEGOTIATING,
    "签约": Stage.SIGNED,
    "已签约": Stage.SIGNED,
    "审批": Stage.APPROVED,
    "备案": Stage.APPROVED,
    "已备案": Stage.APPROVED,
    "审批/备案": Stage.APPROVED,
    "立项": Stage.APPROVED,
    "开工": Stage.STARTED,
    "新开工": Stage.STARTED,
    "已开工": Stage.STARTED,
    "在建": Stage.BUILDING,
    "续建": Stage.BUILDING,
    "投产": Stage.COMMISSIONED,
    "已投产": Stage.COMMISSIONED,
    "竣工投产": Stage.COMMISSIONED,
    "达产": Stage.AT_CAPACITY,
    "停滞": Stage.STALLED,
    "停工": Stage.STALLED,
    "停建": Stage.STALLED,
    "终止": Stage.TERMINATED,
}


@lru_cache(maxsize=1)
def ledger_spec() -> FormSpec:
    """The ledger's columns, with the platform's export headers (Chinese and English) added."""
    keys = {key: list(names) for key, names in KEYS.items()}
    figures = {key: list(names) for key, names in FIGURES.items()}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name in _EXPORTED:
                label = str(Project._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
                if name in MONEY_FIGURES:
                    # A header's money unit is read off before its name is looked up.
                    label = _UNIT_SUFFIX.sub("", label)
                (figures if name in figures else keys)[name].append(label)
            for key, extra in _EXPORTED_EXTRA.items():
                keys[key].append(str(extra))
    return FormSpec(
        fields={key: tuple(names) for key, names in figures.items()},
        keys={key: tuple(names) for key, names in keys.items()},
        money=MONEY_FIGURES,
        required=(NAME, STAGE),
    )


@lru_cache(maxsize=1)
def stage_lookup() -> dict[str, str]:
    """A stage's key from what a ledger writes: 开工, the platform's labels in either language
    (开工, Started (开工)), or the stage's code."""
    found = {header_key(word): stage for word, stage in STAGE_WORDS.items()}
    for stage in Stage:
        found[header_key(stage.value)] = stage.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[header_key(str(stage.label))] = stage.value
    return found


def stage_of(text: str) -> str | None:
    key = header_key(text)
    found = stage_lookup().get(key)
    if found is None and "(" in key:
        # "Started (开工)": the term in the brackets.
        found = stage_lookup().get(key[key.index("(") + 1 :].rstrip(")"))
    return found
