"""Every page of the URL conf (outside /api/) and what it needs: the map the walk reads.

A URL name the map does not have fails the walk (test_authorisation_walk.py), which says what to
add; so does an entry whose page is gone, or whose page serves a method the entry does not
declare. `read` is what GET needs, `write` what POST needs; None: the page does not serve it.
Needs are POLICY actions (core/permissions/policy.py) or conditions on the user's scope
(rules.py); `about` is the record the address names. Nothing here names a persona or a status:
those follow from POLICY and `for_user`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kaifaqu.accounts.models import User
from kaifaqu.accounts.tokens.models import ApiToken
from kaifaqu.core.tests.authz.rules import (
    OWN_ENTERPRISE,
    OWN_ZONE,
    SEES_A_ZONE,
    SLICE_HAS_PARTS,
    WORKS_WITH_BUSINESS_DATA,
    About,
    Need,
    accounts_seen,
)
from kaifaqu.enterprises.models import Enterprise, RosterEntry
from kaifaqu.geo.models import Park, Region, Zone
from kaifaqu.indicators.models import PriceIndex, Target, ValueAddedRate
from kaifaqu.projects.models import (
    FaiRegistration,
    Lead,
    Project,
    ProjectDocument,
    Round,
    RoundEntry,
    RoundStatus,
)
from kaifaqu.returns.models import Gap, NonResponse, ReportingMonth, Return, ReturnStatus

OFFICE = "core.see_office_work"
WORK = "projects.see_zone_work"
FIGURES = "returns.see_figures"
ZONE_FIGURES = "returns.see_zone_figures"
# The HX-Target of a registry list's results (core/views/registry.py RESULTS_TARGET).
RESULTS = "registry-results"


@dataclass(frozen=True)
class Variant:
    """The same address with a query that changes what it needs (an export of a log page)."""

    query: Mapping[str, str]
    read: tuple[Need, ...]


@dataclass(frozen=True)
class Page:
    read: tuple[Need, ...] | None = ()
    write: tuple[Need, ...] | None = None
    about: About | None = None
    # The record a POST names in its form, when not the one of the address.
    write_about: About | None = None
    # Arguments of an address that names no record (an indicator's code).
    args: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    # What a POST sends, beyond nothing (the list a round's form names); a function of the
    # user when it names one of the user's records.
    data: Mapping[str, str] | Callable[[Any], Mapping[str, str]] = field(default_factory=dict)
    # The statuses of a successful GET.
    success: frozenset[int] = frozenset({200})
    # The page chooses among the user's zones with `?zone=`: it is walked with the user's first
    # zone, and another zone's id must be answered as an id that does not exist.
    zone_param: bool = False
    # The HX-Target values the page answers with a partial (htmx), walked as well; None: not
    # declared (a page whose view speaks of htmx must declare them, even as none).
    htmx: tuple[str, ...] | None = None
    # Served to the signed-out: the sign-in page, the language switch, the translations.
    public: bool = False
    variants: Mapping[str, Variant] = field(default_factory=dict)
    # Walked as a few personas only: the same for every signed-in user, and slow.
    sampled: bool = False
    # Pages of a background import's job (`?job=`, its htmx partial): the owner's only.
    jobs: bool = False
    # The same address with other arguments that need other actions (an account's actions:
    # disabling and resetting are rights of their own), each walked as an entry of its own.
    cases: tuple[Page, ...] = ()


def registry(
    name: str,
    model: type[Any],
    *,
    list_needs: tuple[Need, ...] = (),
    detail_needs: tuple[Need, ...] = (),
    where: Mapping[str, Any] | None = None,
) -> dict[str, Page]:
    """The six pages of a `Registry` (core/views/declared.py): list, export, create, detail,
    edit, history; writes ask the model's rows of the table."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    about = About(model, where=where or {})
    add, change = f"{label}.add", f"{label}.change"
    return {
        f"{name}-list": Page(read=list_needs, htmx=(RESULTS,)),
        f"{name}-export": Page(read=list_needs, htmx=()),
        f"{name}-create": Page(read=(add,), write=(add,)),
        f"{name}-detail": Page(read=detail_needs, about=about),
        f"{name}-edit": Page(
            read=(*detail_needs, change), write=(*detail_needs, change), about=about
        ),
        f"{name}-history": Page(read=detail_needs, about=about),
    }


def imports(name: str, action: str) -> dict[str, Page]:
    """An import page (with its background job's pages) and its template workbook."""
    return {
        name: Page(read=(action,), write=(action,), jobs=True, htmx=()),
        f"{name}-template": Page(read=(action,)),
    }


def _round_entry(entry: RoundEntry) -> dict[str, Any]:
    return {"pk": entry.round_id, "entry": entry.pk}


def _document(document: ProjectDocument) -> dict[str, Any]:
    return {"pk": document.project_id, "document": document.pk}


def _month_firm(month: ReportingMonth) -> dict[str, Any]:
    firm = Enterprise.objects.filter(zone=month.zone_id).order_by("pk").first()
    return {"pk": month.pk, "enterprise": firm.pk if firm else 0}


def _non_response(non_response: NonResponse) -> dict[str, Any]:
    return {"pk": non_response.reporting_month_id, "non_response": non_response.pk}


def _correction(record: Return) -> dict[str, Any]:
    month = ReportingMonth.objects.get(zone=record.enterprise.zone_id, period=record.period)
    return {"pk": month.pk, "return_pk": record.pk}


def _visible_non_responses(user: Any) -> Any:
    return NonResponse.objects.filter(reporting_month__in=ReportingMonth.objects.for_user(user))


def _project(where: Mapping[str, Any] | None = None) -> About:
    return About(Project, where=where or {})


MONTH = About(ReportingMonth)
# A reporting month's body and the review queue, redrawn by htmx after an action.
BODY, QUEUE = ("month-body",), ("review-queue",)
PROJECT = _project()
WITH_TASK_FORCE = _project({"task_force__dissolved_on__isnull": True, "task_force__isnull": False})
DOCUMENT = About(ProjectDocument, kwargs=_document, key="document")
# The signed-in are sent on from the sign-in page; the language switch sends everyone back.
REDIRECT = frozenset({302})
SEE_USERS = "accounts.see_users"


def _tokens(user: Any) -> Any:
    return ApiToken.objects.filter(user=user)


ACCOUNT = About(User, visible=accounts_seen)


def _account_action(action: str, right: str) -> Page:
    def kwargs(account: User) -> dict[str, Any]:
        return {"pk": account.pk, "action": action}

    about = About(User, kwargs=kwargs, visible=accounts_seen)
    return Page(read=None, write=(SEE_USERS, right), about=about)


# 三员分立: the system administrator keeps accounts and their credentials, the security
# administrator roles and scopes (accounts/administration).
DISABLE, RESET = "accounts.user.disable", "accounts.user.reset_credentials"
ACCOUNT_ACTIONS = (
    _account_action("disable", DISABLE),
    _account_action("enable", DISABLE),
    _account_action("reset-password", RESET),
    _account_action("reset-second-factor", RESET),
)

PAGES: dict[str, Page] = {
    # The home page: a zone's page for users of one zone, an overview of zones for the others.
    "dashboard:home": Page(read=(WORKS_WITH_BUSINESS_DATA,)),
    "dashboard:zone-home": Page(about=About(Zone)),
    "accounts:login": Page(public=True, write=(), success=REDIRECT),
    # POST only (a link cannot sign anyone out); the walk signs the persona in again after it.
    "accounts:logout": Page(read=None, write=(), public=True),
    # Self-service: every signed-in user, about their own password, tokens and second factor.
    "accounts:password-change": Page(write=()),
    "accounts:tokens": Page(write=()),
    "accounts:token-revoke": Page(read=None, write=(), about=About(ApiToken, visible=_tokens)),
    "accounts:mfa": Page(),
    "accounts:mfa-enrol": Page(write=()),
    "accounts:mfa-recovery-codes": Page(read=None, write=()),
    # The second step of signing in: without a pending sign-in, everyone is sent to sign in.
    "accounts:mfa-verify": Page(public=True, write=(), success=REDIRECT),
    # The administrators' pages of accounts (POLICY's accounts.* rows).
    "accounts:account-list": Page(read=(SEE_USERS,)),
    "accounts:account-create": Page(read=("accounts.user.add",), write=("accounts.user.add",)),
    "accounts:account-detail": Page(read=(SEE_USERS,), about=ACCOUNT),
    "accounts:account-role": Page(
        read=(SEE_USERS, "accounts.user.assign_role"),
        write=(SEE_USERS, "accounts.user.assign_role"),
        about=ACCOUNT,
    ),
    "accounts:account-action": Page(
        read=None,
        write=ACCOUNT_ACTIONS[0].write,
        about=ACCOUNT_ACTIONS[0].about,
        cases=ACCOUNT_ACTIONS[1:],
    ),
    "accounts:change-history": Page(
        read=("accounts.read_change_history",),
        variants={
            "export": Variant(query={"export": "xlsx"}, read=("accounts.read_change_history",))
        },
    ),
    "accounts:access-log": Page(
        read=("accounts.read_access_log",),
        variants={
            "export": Variant(
                query={"export": "xlsx"},
                read=("accounts.read_access_log", "accounts.export_access_log"),
            )
        },
    ),
    # Registries of geography and enterprises: seen by everyone in scope, written by the table.
    **registry("geo:region", Region),
    **registry("geo:zone", Zone),
    **registry("geo:park", Park),
    **registry("enterprises:enterprise", Enterprise),
    # The roster (名录): one year at a time (without `year` the page redirects to the latest).
    "enterprises:roster-list": Page(query={"year": "2025"}, htmx=(RESULTS,)),
    "enterprises:roster-export": Page(query={"year": "2025"}, htmx=()),
    "enterprises:roster-create": Page(
        read=("enterprises.rosterentry.add",), write=("enterprises.rosterentry.add",)
    ),
    "enterprises:roster-exit": Page(
        read=("enterprises.rosterentry.change",),
        write=("enterprises.rosterentry.change",),
        about=About(RosterEntry, where={"exited_on__isnull": True}),
    ),
    "enterprises:roster-carry-forward": Page(read=None, write=("enterprises.rosterentry.change",)),
    **imports("enterprises:roster-import", "enterprises.import_rosters"),
    "enterprises:industry-search": Page(query={"q": "水泥"}),
    # Projects.
    "projects:board": Page(),
    "projects:cycle-times": Page(
        read=(SEES_A_ZONE,),
        write=(SEES_A_ZONE, "projects.projectsettings.change"),
        zone_param=True,
    ),
    **imports("projects:project-import", "projects.import_ledger"),
    "projects:fai-list": Page(read=(WORK, SEES_A_ZONE), zone_param=True),
    "projects:fai-export": Page(read=(WORK, SEES_A_ZONE), zone_param=True),
    "projects:fai-eligible": Page(
        read=(WORK, SEES_A_ZONE),
        write=(WORK, "projects.fairegistration.change"),
        zone_param=True,
        write_about=About(Project, body="project"),
    ),
    "projects:fai-month": Page(
        read=(WORK, SEES_A_ZONE),
        write=(WORK, SEES_A_ZONE, "projects.faireport.change"),
        zone_param=True,
    ),
    "projects:fai-totals": Page(read=(WORK, SEES_A_ZONE), zone_param=True),
    "projects:fai-detail": Page(
        read=(WORK,), write=(WORK, "projects.faireport.change"), about=About(FaiRegistration)
    ),
    "projects:overdue-issues": Page(read=(WORK,)),
    "projects:overdue-issues-export": Page(read=(WORK,)),
    "projects:warnings": Page(read=(WORK, SEES_A_ZONE), zone_param=True),
    "projects:warnings-export": Page(read=(WORK, SEES_A_ZONE), zone_param=True),
    "projects:round-compare": Page(read=(OFFICE,), zone_param=True),
    **registry("projects:round", Round),
    "projects:round-entry-add": Page(
        read=None,
        write=("projects.roundentry.change",),
        about=About(Round, where={"status": RoundStatus.OPEN}),
        data={"list": "signed"},
    ),
    "projects:round-entry-remove": Page(
        read=None,
        write=("projects.roundentry.change",),
        about=About(RoundEntry, kwargs=_round_entry, key="entry"),
    ),
    "projects:round-status": Page(read=None, write=("projects.round.change",), about=About(Round)),
    "projects:round-summary-export": Page(about=About(Round)),
    "projects:lead-funnel": Page(read=(OFFICE,), zone_param=True),
    **registry("projects:lead", Lead),
    "projects:lead-follow-up-add": Page(
        read=None, write=("projects.lead.change", "projects.followup.add"), about=About(Lead)
    ),
    "projects:lead-convert": Page(read=None, write=("projects.lead.change",), about=About(Lead)),
    "projects:lead-drop": Page(read=None, write=("projects.lead.change",), about=About(Lead)),
    "projects:lead-reopen": Page(read=None, write=("projects.lead.change",), about=About(Lead)),
    **registry("projects:project", Project),
    "projects:project-advance": Page(read=None, write=("projects.project.change",), about=PROJECT),
    "projects:stage-change-correct": Page(
        read=None, write=("projects.project.change",), about=PROJECT
    ),
    # 专班陪跑: a project's task force, visits, issues and documents are the zone's work on it.
    "projects:project-task-force": Page(read=(WORK,), about=PROJECT),
    "projects:task-force-assign": Page(
        read=None, write=(WORK, "projects.taskforce.change"), about=PROJECT
    ),
    "projects:task-force-dissolve": Page(
        read=None, write=(WORK, "projects.taskforce.change"), about=WITH_TASK_FORCE
    ),
    "projects:visit-record": Page(
        read=None, write=(WORK, "projects.servicevisit.change"), about=PROJECT
    ),
    "projects:project-issues": Page(read=(WORK,), about=PROJECT),
    "projects:issue-raise": Page(
        read=None, write=(WORK, "projects.projectissue.change"), about=PROJECT
    ),
    "projects:issue-status": Page(
        read=None, write=(WORK, "projects.projectissue.change"), about=PROJECT
    ),
    "projects:project-documents": Page(read=(WORK,), about=PROJECT),
    "projects:document-upload": Page(
        read=None, write=(WORK, "projects.projectdocument.change"), about=PROJECT
    ),
    "projects:project-document-download": Page(read=(WORK,), about=DOCUMENT),
    "projects:document-remove": Page(
        read=None, write=(WORK, "projects.projectdocument.change"), about=DOCUMENT
    ),
    # Returns (统计法: a firm's own figures are the statistics office's and the firm's).
    "returns:my-return": Page(
        read=(FIGURES, OWN_ENTERPRISE), write=("returns.return.change", OWN_ENTERPRISE)
    ),
    "returns:return-list": Page(read=(FIGURES,), htmx=(RESULTS,)),
    "returns:return-export": Page(read=(FIGURES,), htmx=()),
    "returns:return-detail": Page(read=(FIGURES,), about=About(Return)),
    "returns:return-history": Page(read=(FIGURES,), about=About(Return)),
    "returns:return-document": Page(
        read=(FIGURES,), about=About(Return, where={"supporting_document__gt": ""})
    ),
    **imports("returns:return-import", "returns.import"),
    "returns:review-queue": Page(read=("returns.reviewdecision.change",), htmx=QUEUE),
    "returns:review-bulk-accept": Page(
        read=None,
        write=("returns.reviewdecision.change",),
        args={"selection": "selected"},
        htmx=QUEUE,
    ),
    "returns:review-decide": Page(
        read=None,
        write=("returns.reviewdecision.change",),
        about=About(
            Return,
            kwargs=lambda record: {"pk": record.pk, "action": "accept"},
            where={"status": ReturnStatus.SUBMITTED},
        ),
        htmx=QUEUE,
    ),
    "returns:settings": Page(
        read=("returns.statisticssettings.change", OWN_ZONE),
        write=("returns.statisticssettings.change", OWN_ZONE),
    ),
    "returns:candidate-list": Page(read=(ZONE_FIGURES, SEES_A_ZONE), zone_param=True),
    "returns:gap-list": Page(read=(OFFICE, SEES_A_ZONE), zone_param=True),
    "returns:gap-refresh": Page(read=None, write=("returns.gap.change", SEES_A_ZONE)),
    "returns:gap-assign": Page(read=None, write=("returns.gap.change",), about=About(Gap)),
    "returns:gap-close": Page(read=None, write=("returns.gap.change",), about=About(Gap)),
    "returns:proxy-list": Page(
        read=(ZONE_FIGURES, SEES_A_ZONE),
        write=(ZONE_FIGURES, SEES_A_ZONE, "returns.proxyfigure.change"),
        zone_param=True,
    ),
    **imports("returns:proxy-import", "returns.import_proxies"),
    "returns:month-list": Page(
        read=("returns.see_month", SEES_A_ZONE),
        write=("returns.see_month", "returns.run_month", SEES_A_ZONE),
        zone_param=True,
    ),
    "returns:month-zones": Page(read=("returns.compare_months",)),
    "returns:month-detail": Page(read=("returns.see_month",), about=MONTH, htmx=BODY),
    "returns:month-deadline": Page(read=None, write=("returns.run_month",), about=MONTH, htmx=BODY),
    "returns:month-close": Page(read=None, write=("returns.run_month",), about=MONTH, htmx=BODY),
    "returns:month-reopen": Page(read=None, write=("returns.run_month",), about=MONTH, htmx=BODY),
    "returns:month-remind": Page(
        read=None,
        write=("returns.run_month",),
        about=About(ReportingMonth, kwargs=_month_firm),
        htmx=BODY,
    ),
    "returns:month-non-response": Page(
        read=None,
        write=("returns.run_month",),
        about=About(ReportingMonth, kwargs=_month_firm),
        htmx=BODY,
    ),
    "returns:month-non-response-withdraw": Page(
        read=None,
        write=("returns.run_month",),
        about=About(
            NonResponse, kwargs=_non_response, key="non_response", visible=_visible_non_responses
        ),
        htmx=BODY,
    ),
    "returns:month-correct": Page(
        read=None,
        write=("returns.reviewdecision.change",),
        about=About(
            Return, kwargs=_correction, key="return_pk", where={"status": ReturnStatus.ACCEPTED}
        ),
        htmx=BODY,
    ),
    # Indicators: the offices read the published figures; the statistics office works on them.
    **registry("indicators:priceindex", PriceIndex),
    **imports("indicators:price-index-import", "indicators.priceindex.add"),
    **registry("indicators:valueaddedrate", ValueAddedRate),
    "indicators:rates-in-force": Page(read=(OFFICE,)),
    **imports("indicators:value-added-rate-import", "indicators.valueaddedrate.add"),
    **registry("indicators:target", Target),
    "indicators:indicator-table": Page(read=(OFFICE,)),
    # Polled by htmx; the same fragment whoever asks.
    "indicators:indicator-table-status": Page(read=(OFFICE,), htmx=()),
    "indicators:indicator-export": Page(read=(OFFICE,), query={"month": "2026-02"}),
    "indicators:indicator-catalogue": Page(read=(OFFICE,)),
    "indicators:indicator-drill": Page(
        read=(OFFICE, "indicators.see_unmasked"), args={"code": "gross_output"}
    ),
    "indicators:indicator-contributions": Page(
        read=(OFFICE, SLICE_HAS_PARTS), args={"code": "gross_output"}, query={"month": "2025-12"}
    ),
    "indicators:indicator-contributions-export": Page(
        read=(OFFICE, SLICE_HAS_PARTS), args={"code": "gross_output"}, query={"month": "2025-12"}
    ),
    "indicators:target-progress": Page(read=(OFFICE, SEES_A_ZONE), zone_param=True),
    "indicators:warning-list": Page(read=(OFFICE, SEES_A_ZONE), zone_param=True),
    "indicators:zone-ranking": Page(read=(OFFICE, SEES_A_ZONE)),
    "indicators:month-publish": Page(read=None, write=("indicators.publish",), about=MONTH),
    # Django's and drf-spectacular's own pages.
    "set_language": Page(read=None, write=(), public=True),
    "javascript-catalog": Page(public=True),
    "api-schema": Page(sampled=True),
    "api-docs": Page(sampled=True),
    "api:api-root": Page(),
}
