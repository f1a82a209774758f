"""Every operation of the OpenAPI schema (/api/schema/) and what it needs: the map the walk reads.

Keyed by the schema's operation id (drf-spectacular: `<path words>_<action>`, e.g.
`projects_advance_create`). An operation the map does not have fails the walk, with what to add
(docs/development/testing.md). `needs` are POLICY actions (core/permissions/policy.py) or
conditions on the user's scope (rules.py); `about` is the record the path's `{id}` or `{code}`
names; `lists` the model a list's rows are, whose ids must all be in the user's `for_user`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.core.permissions import ScopeLevel, user_may
from kaifaqu.core.tests.authz.rules import (
    SEES_A_ZONE,
    SLICE_HAS_PARTS,
    About,
    Need,
    accounts_seen,
    any_of,
)
from kaifaqu.enterprises.models import Enterprise, RosterEntry
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.indicators.models import PriceIndex, Publication, Target, ValueAddedRate
from kaifaqu.projects.models import (
    FaiRegistration,
    FollowUp,
    Lead,
    Project,
    ProjectDocument,
    ProjectIssue,
    Round,
    RoundStatus,
    ServiceVisit,
    TaskForce,
)
from kaifaqu.returns.models import (
    Gap,
    NonResponse,
    ProxyFigure,
    Reminder,
    ReportingMonth,
    Return,
    ReviewDecision,
)

OFFICE = "core.see_office_work"
WORK = "projects.see_zone_work"
FIGURES = "returns.see_figures"
ZONE_FIGURES = "returns.see_zone_figures"
SEE_MONTH = "returns.see_month"
MONTH_READER = any_of(SEE_MONTH, "returns.compare_months")
RUN_MONTH = "returns.run_month"


@dataclass(frozen=True)
class Operation:
    needs: tuple[Need, ...] = ()
    about: About | None = None
    # The model of a list's rows: each row's id must be one the user's `for_user` gives.
    lists: About | None = None
    # Arguments of a path that names no record (an indicator's code).
    args: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    # The statuses of success (a read: 200; a write by someone who may, with an empty body:
    # whatever the serializer says of it, never a refusal or a crash).
    success: frozenset[int] | None = None
    # The operation takes `?zone=` among the user's zones: another zone's id is answered as
    # one that does not exist.
    zone_param: bool = False


def _label(model: type[Any]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def visible_by_return(user: Any) -> Any:
    return ReviewDecision.objects.filter(return_record__in=Return.objects.for_user(user))


def visible_by_month(model: type[Any]) -> Any:
    def visible(user: Any) -> Any:
        return model.objects.filter(reporting_month__in=ReportingMonth.objects.for_user(user))

    return visible


def crud(
    prefix: str,
    model: type[Any],
    *,
    read: tuple[Need, ...] = (),
    write: tuple[Need, ...] | None = None,
    about: About | None = None,
    create: bool = True,
    update: bool = True,
) -> dict[str, Operation]:
    """List and retrieve (what `read` needs), create (`<model>.add`) and update (`.change`) of a
    ScopedViewSet (core/api.py); writes also need what reading does."""
    label = _label(model)
    about = about or About(model)
    before = read if write is None else write
    ops = {
        f"{prefix}_list": Operation(read, lists=about),
        f"{prefix}_retrieve": Operation(read, about=about),
    }
    if create:
        ops[f"{prefix}_create"] = Operation((*before, f"{label}.add"))
    if update:
        change = Operation((*before, f"{label}.change"), about=about)
        ops[f"{prefix}_update"] = change
        ops[f"{prefix}_partial_update"] = change
    return ops


def action(model: type[Any], *needs: Need, **about: Any) -> Operation:
    """A POST on one record (`/{id}/close/`): the model's `.change` and the action's needs."""
    return Operation((f"{_label(model)}.change", *needs), about=About(model, **about))


MONTH = About(ReportingMonth)
DECISION = About(ReviewDecision, visible=visible_by_return)
NON_RESPONSE = About(NonResponse, visible=visible_by_month(NonResponse))
REMINDER = About(Reminder, visible=visible_by_month(Reminder))
PROVINCIAL = {"region__isnull": False}
OPEN_ROUND = About(Round, where={"status": RoundStatus.OPEN})


def _region(record: Region) -> dict[str, Any]:
    return {"code": record.code}


def regions_written(user: Any) -> Any:
    """The regions an office writes: those below its own (geo/services.py); to everyone else,
    who may not write regions, any region (reference data, which everyone reads)."""
    scope = user.scope
    if not user_may(user, "geo.region.change") or scope.level != ScopeLevel.REGION:
        return Region.objects.all()
    office = scope.region
    return Region.objects.filter(code__startswith=office.prefix).exclude(code=office.code)


REGION = About(Region, kwargs=_region, key="code", missing="999999")
REGION_WRITTEN = About(
    Region, kwargs=_region, key="code", missing="999999", visible=regions_written, outside=403
)
# 三员分立: accounts, seen by the three administrators; each change is one of their rights.
SEE_USERS = "accounts.see_users"
ACCOUNT = About(User, visible=accounts_seen)


def account_action(right: str) -> Operation:
    return Operation((SEE_USERS, right), about=ACCOUNT)


OPERATIONS: dict[str, Operation] = {
    # Accounts (accounts/administration/api.py).
    "users_list": Operation((SEE_USERS,), lists=ACCOUNT),
    "users_retrieve": Operation((SEE_USERS,), about=ACCOUNT),
    "users_create": Operation((SEE_USERS, "accounts.user.add")),
    "users_disable_create": account_action("accounts.user.disable"),
    "users_enable_create": account_action("accounts.user.disable"),
    "users_reset_password_create": account_action("accounts.user.reset_credentials"),
    "users_reset_second_factor_create": account_action("accounts.user.reset_credentials"),
    "users_assign_role_create": account_action("accounts.user.assign_role"),
    # Geography and enterprises: read by everyone in scope, written as the table says.
    **crud("regions", Region, about=REGION),
    # An office writes the regions below its own (not its own, nor another province's).
    "regions_update": Operation(("geo.region.change",), about=REGION_WRITTEN),
    "regions_partial_update": Operation(("geo.region.change",), about=REGION_WRITTEN),
    **crud("zones", Zone),
    **crud("parks", Park),
    "industries_list": Operation(),
    "industries_retrieve": Operation(args={"code": "3011"}),
    **crud("enterprises", Enterprise),
    **crud("roster_entries", RosterEntry, update=False),
    "roster_entries_exit_create": action(RosterEntry, where={"exited_on__isnull": True}),
    "roster_entries_carry_forward_create": Operation(("enterprises.rosterentry.change",)),
    "roster_entries_import_create": Operation(
        ("enterprises.rosterentry.change", "enterprises.import_rosters")
    ),
    # Projects, leads and rounds.
    **crud("projects", Project),
    "projects_advance_create": action(Project),
    "projects_correct_stage_change_create": action(Project),
    "projects_import_create": Operation(("projects.project.change", "projects.import_ledger")),
    "project_cycles_list": Operation(zone_param=True),
    "project_warnings_list": Operation((WORK,), zone_param=True),
    "project_timelines_list": Operation(about=About(Project)),
    **crud("project_leads", Lead),
    "project_leads_convert_create": action(Lead),
    "project_leads_drop_create": action(Lead),
    "project_leads_reopen_create": action(Lead),
    "project_leads_follow_ups_list": Operation(about=About(Lead)),
    **crud("project_lead_follow_ups", FollowUp),
    "project_lead_funnel_list": Operation((OFFICE,)),
    **crud("project_rounds", Round),
    "project_rounds_close_create": action(Round),
    "project_rounds_reopen_create": action(Round),
    "project_rounds_summary_list": Operation(about=About(Round)),
    "project_rounds_entries_list": Operation(about=About(Round)),
    "project_rounds_entries_create": Operation(("projects.roundentry.change",), about=OPEN_ROUND),
    "project_rounds_remove_entry_create": Operation(
        ("projects.roundentry.change",), about=OPEN_ROUND
    ),
    # The fixed-asset investment database: the zone's work.
    **crud("fai_registrations", FaiRegistration, read=(WORK,)),
    "fai_registrations_reports_list": Operation((WORK,), about=About(FaiRegistration)),
    "fai_registrations_reports_create": Operation(
        (WORK, "projects.faireport.change"), about=About(FaiRegistration)
    ),
    "fai_registrations_eligible_retrieve": Operation((WORK, SEES_A_ZONE), zone_param=True),
    "fai_totals_list": Operation((WORK,), zone_param=True),
    # 专班陪跑: the zone's work on a project.
    **crud("task_forces", TaskForce, read=(WORK,), update=False),
    "task_forces_dissolve_create": action(TaskForce, WORK, where={"dissolved_on__isnull": True}),
    **crud("project_visits", ServiceVisit, read=(WORK,)),
    **crud("project_issues", ProjectIssue, read=(WORK,)),
    "project_issues_transition_create": action(ProjectIssue, WORK),
    **crud("project_documents", ProjectDocument, read=(WORK,), update=False),
    "project_documents_download_retrieve": Operation((WORK,), about=About(ProjectDocument)),
    "project_documents_remove_create": action(ProjectDocument, WORK),
    # Returns (统计法: a firm's own figures are its zone's statistics office's and its own).
    **crud("returns", Return, read=(FIGURES,)),
    "returns_submit_create": action(Return, FIGURES),
    "returns_accept_create": Operation(
        (FIGURES, "returns.return.change", "returns.reviewdecision.change"), about=About(Return)
    ),
    "returns_send_back_create": Operation(
        (FIGURES, "returns.return.change", "returns.reviewdecision.change"), about=About(Return)
    ),
    "returns_bulk_accept_create": Operation(
        (FIGURES, "returns.return.change", "returns.reviewdecision.change")
    ),
    "review_decisions_list": Operation((FIGURES,), lists=DECISION),
    "review_decisions_retrieve": Operation((FIGURES,), about=DECISION),
    **crud("proxy_figures", ProxyFigure, read=(ZONE_FIGURES,)),
    "gaps_list": Operation((OFFICE,), lists=About(Gap)),
    "gaps_retrieve": Operation((OFFICE,), about=About(Gap)),
    "candidates_list": Operation((ZONE_FIGURES,), zone_param=True),
    # The reporting month.
    # Read by the statistics office, and by the provincial office comparing its zones' months.
    "reporting_months_list": Operation((MONTH_READER,), lists=MONTH),
    "reporting_months_retrieve": Operation((MONTH_READER,), about=MONTH),
    "reporting_months_create": Operation((RUN_MONTH,)),
    "reporting_months_close_create": Operation((RUN_MONTH,), about=MONTH),
    "reporting_months_reopen_create": Operation((RUN_MONTH,), about=MONTH),
    "reporting_months_deadline_create": Operation((RUN_MONTH,), about=MONTH),
    "reporting_months_firms_list": Operation((SEE_MONTH,), about=MONTH),
    "non_responses_list": Operation((SEE_MONTH,), lists=NON_RESPONSE),
    "non_responses_retrieve": Operation((SEE_MONTH,), about=NON_RESPONSE),
    "non_responses_create": Operation((RUN_MONTH,)),
    "non_responses_withdraw_create": Operation((RUN_MONTH,), about=NON_RESPONSE),
    "reminders_list": Operation((SEE_MONTH,), lists=REMINDER),
    "reminders_retrieve": Operation((SEE_MONTH,), about=REMINDER),
    "reminders_create": Operation((RUN_MONTH,)),
    # Indicators: the offices read the published figures; the statistics office enters its own.
    # A province's own rates and indexes (the national reference ships as data and changes only
    # by a migration or `kfq`: a statistician changes its province's only, checked against the
    # record).
    **crud("price_indexes", PriceIndex, about=About(PriceIndex, where=PROVINCIAL)),
    **crud("value_added_rates", ValueAddedRate, about=About(ValueAddedRate, where=PROVINCIAL)),
    **crud("targets", Target),
    "publications_list": Operation((OFFICE,), lists=About(Publication)),
    "publications_retrieve": Operation((OFFICE,), about=About(Publication)),
    "publications_create": Operation((OFFICE, "indicators.publish")),
    "indicator_table_list": Operation((OFFICE,)),
    "indicator_catalogue_list": Operation((OFFICE,)),
    "indicator_catalogue_retrieve": Operation((OFFICE,), args={"code": "gross_output"}),
    "indicator_contributions_list": Operation(
        (OFFICE, SLICE_HAS_PARTS), query={"indicator": "gross_output"}
    ),
    "target_progress_retrieve": Operation((OFFICE, SEES_A_ZONE), zone_param=True),
    "warnings_list": Operation((OFFICE,), zone_param=True),
    "zone_rankings_retrieve": Operation((OFFICE, SEES_A_ZONE)),
}
