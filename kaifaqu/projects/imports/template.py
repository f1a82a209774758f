"""The downloadable ledger template: the usual headers, and a sheet saying how to fill them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.projects.imports import spec

_COLUMNS = (
    spec.NAME,
    spec.PARK,
    spec.SITE,
    spec.INVESTOR,
    spec.ENTERPRISE,
    spec.INDUSTRY,
    spec.STAGE,
    spec.SIGNED_ON,
    spec.APPROVED_ON,
    spec.STARTED_ON,
    spec.COMMISSIONED_ON,
    spec.STAGE_SINCE,
    "signed_investment",
    "planned_investment",
    "total_investment",
    "land_mu",
    spec.CAPACITY,
    "expected_annual_output",
    "expected_annual_tax",
    "expected_jobs",
    spec.OFFICER,
    spec.REASON,
    spec.DESCRIPTION,
)


def template_headers() -> list[str]:
    """The template's headers, money columns with their unit: 总投资(万元)."""
    headers = []
    for target in _COLUMNS:
        title = spec.KEYS.get(target) or spec.FIGURES[target]
        header = title[0]
        if target in spec.MONEY_FIGURES:
            header += "(万元)"
        headers.append(header)
    return headers


TEMPLATE = ImportTemplate(
    filename="project-ledger-template.xlsx",
    sheet="项目台账",
    headers=template_headers,
    notes_sheet="填写说明",
    notes_width=120,
    freeze="B2",
    notes=(
        _(
            "One row per project of the zone; a project already on the platform is found by its name."
        ),
        _(
            "项目阶段: one of 线索, 洽谈, 签约, 审批/备案, 开工, 在建, 投产, 达产, 停滞, 终止 (已签约, 新开工, "
            "续建, 已投产 and the platform's own labels are understood too)."
        ),
        _(
            "Dates (2025-03-15 or 2025年3月15日): give the date of each stage the project has "
            "passed; they become its stage history. A project from 签约 on needs the date of its "
            "stage; 在建 and 达产 without a date of their own take the 开工 and 投产 dates."
        ),
        _(
            "A signed project needs its 签约投资额, a started one its 计划总投资, a commissioned one "
            "its 总投资; 总投资 is required for every project."
        ),
        _(
            "Money is in 万元 unless the import form or a column header says otherwise, e.g. "
            "总投资(亿元). 用地 is in 亩."
        ),
        _(
            "所属园区 is a park of the zone by its name; 实施企业 an enterprise of the zone by its name "
            "or 统一社会信用代码; 行业代码 a 4-digit GB/T 4754-2017 class; 负责人 a member of the "
            "zone's project staff by user name or full name."
        ),
        _("A stalled or terminated project needs the reason (停滞或终止原因)."),
        _(
            "A project already on the platform takes the ledger's figures and moves on to a later "
            "stage; it never moves back, and dates already recorded are corrected on its page."
        ),
    ),
)
