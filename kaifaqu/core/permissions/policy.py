"""Who may do what: the one table of role × action.

Which rows a user sees is decided by each model's queryset (`for_user`, scoping.py); which actions
a role may take is decided here, and nowhere else. Services, views, the API, imports and the CLI
ask `user_may(user, action)` (or `ensure_may`, which refuses); a rule that also depends on the
record (a lead's contacts: only its own zone's or park's staff) asks the table first and then
compares the record with the user's scope.

Actions are named `<app>.<what>`; writes of a model are `<app>.<model>.change` and
`<app>.<model>.add`, so that `can_write(user, Model)` reads the same table. The whole table is
printed in docs/areas/accounts-and-audit.md, and a test keeps the two equal.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions.roles import AskingUser, HasRole, Role

SYSTEM, SECURITY, AUDIT = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN
PROVINCE, LEADER, ADMIN = Role.PROVINCE_OFFICER, Role.ZONE_LEADER, Role.ZONE_ADMIN
STATISTICIAN, OFFICER, PARK = Role.STATISTICIAN, Role.INVESTMENT_OFFICER, Role.PARK_SERVICE
PLATFORM, REPORTER = Role.PLATFORM_COMPANY, Role.ENTERPRISE_REPORTER

# 三员分立 (等保 2.0 level 3): the system, security and audit administrators run the platform and
# none of them reads or writes business data; each has rights the other two have not (accounts;
# roles and scopes; the audit trail). No action below lists two of them.
THREE_ADMINISTRATORS = frozenset({SYSTEM, SECURITY, AUDIT})
# Everyone who works in an office of the zones (not an enterprise, not the three administrators).
OFFICES = frozenset({PROVINCE, LEADER, ADMIN, STATISTICIAN, OFFICER, PARK})
# The zone's staff who run projects and leads (a park's service centre: its park's).
PROJECT_STAFF = frozenset({ADMIN, OFFICER, PARK})
# The zone's statistics work that shows no firm's own figures (rosters, gaps, targets, entered zone
# figures, review settings): its statistician and its administrator. A firm's own figures are
# narrower (returns.see_figures, 统计法).
STATISTICS_STAFF = frozenset({ADMIN, STATISTICIAN})


def _writes(
    model: str, roles: frozenset[str], *, add: frozenset[str] | None = None
) -> dict[str, frozenset[str]]:
    return {f"{model}.change": roles, f"{model}.add": roles if add is None else add}


POLICY: dict[str, frozenset[str]] = {
    # The offices' working lists and figures (candidates, gaps, proxies, the roster's follow-up,
    # zone figures of targets and warnings): not for enterprises or the three administrators.
    "core.see_office_work": OFFICES,
    # Registries. The provincial (or city) office sets up what lies in its region: cities under
    # it, its zones; a zone's administrator keeps its zone's record and parks.
    **_writes("geo.region", frozenset({PROVINCE})),
    **_writes("geo.zone", frozenset({PROVINCE, ADMIN}), add=frozenset({PROVINCE})),
    **_writes("geo.park", frozenset({PROVINCE, ADMIN})),
    **_writes("enterprises.enterprise", frozenset({ADMIN, STATISTICIAN, OFFICER, PARK})),
    # Moves across scope: a zone into another region, a park into another zone, a firm into
    # another zone take the record out of one office's sight and into another's, so they belong
    # to the office above both: the provincial or city office, within its region (the record must
    # be in its sight before and after). A zone's staff may write the record but not move it; the
    # office above may move it without being allowed to edit the rest of it.
    "geo.zone.move": frozenset({PROVINCE}),
    "geo.park.move": frozenset({PROVINCE}),
    "enterprises.enterprise.move": frozenset({PROVINCE}),
    **_writes("enterprises.rosterentry", STATISTICS_STAFF),
    # A roster file (名录): whoever writes the rosters.
    "enterprises.import_rosters": STATISTICS_STAFF,
    # 统计法: a respondent's own figures (its returns, their lists, exports, API and review) are
    # for the statistics office of its zone (the statistician) and for the enterprise itself (its
    # reporter, whose scope is that enterprise). Everyone else, zone leadership, the zone's
    # administrator and the platform's administrators included, sees aggregates or nothing.
    "returns.see_figures": frozenset({STATISTICIAN, REPORTER}),
    # Lists of many firms' figures (上规入统 candidates' revenue, the tax bureau's and the grid's
    # figures): the statistics office only; an enterprise sees its own returns, never others'.
    "returns.see_zone_figures": frozenset({STATISTICIAN}),
    # Monthly returns: enterprises fill in their own; the statistics office imports and reviews.
    **_writes("returns.return", frozenset({STATISTICIAN, REPORTER})),
    **_writes("returns.reviewdecision", frozenset({STATISTICIAN})),
    **_writes("returns.gap", STATISTICS_STAFF),
    **_writes("returns.proxyfigure", frozenset({STATISTICIAN})),
    **_writes("returns.statisticssettings", STATISTICS_STAFF),
    # The reporting month (报告期): its firms, reminders and 未报 records are the statistics
    # office's working list (no figures: the zone's administrator follows it too); opening,
    # chasing, recording 未报, closing and reopening a month are the statistics office's.
    "returns.see_month": STATISTICS_STAFF,
    "returns.run_month": frozenset({STATISTICIAN}),
    # The zones of a region side by side for a month (response and acceptance rates, counts by
    # state; no firm named): the provincial or city office follows its zones' months.
    "returns.compare_months": frozenset({PROVINCE}),
    "returns.import": frozenset({STATISTICIAN}),
    "returns.import_proxies": frozenset({STATISTICIAN}),
    # Estimates (估算) of firms that did not report when the month is closed: the statistics
    # office, which sees the firms' figures they are made from.
    "returns.estimate": frozenset({STATISTICIAN}),
    # Indicators. Value-added rates and price indexes are the statistics office's of a province
    # (统计法): there is no provincial statistician, so a zone's statistician enters those of the
    # zone's province (checked against the record: never another province's, never the national
    # reference, which ships as data and changes only by a migration or `kfq`), audited. The
    # provincial office (a zone office, not statistics) reads them.
    **_writes("indicators.reportedfigure", STATISTICS_STAFF),
    **_writes("indicators.priceindex", frozenset({STATISTICIAN})),
    **_writes("indicators.valueaddedrate", frozenset({STATISTICIAN})),
    **_writes("indicators.target", STATISTICS_STAFF),
    # 统计法: figures of any cell unmasked, and the enterprises behind a figure — the
    # statistics office only; leadership and other offices see published aggregates.
    "indicators.see_unmasked": frozenset({STATISTICIAN}),
    # A month's figures, warnings and target progress before it is published (审定发布), and
    # publishing it: the statistics office only; everyone else sees published months.
    "indicators.see_unpublished": frozenset({STATISTICIAN}),
    "indicators.publish": frozenset({STATISTICIAN}),
    # Projects, leads and the zone's work on them.
    **_writes("projects.project", PROJECT_STAFF),
    **_writes("projects.lead", PROJECT_STAFF),
    **_writes("projects.followup", PROJECT_STAFF),
    # A ledger (项目台账) is the zone's: its rows are matched by name across every park of the
    # zone, so a park's service centre does not import one; it registers its park's projects on
    # the pages (issue 15: park-service users could reach the import).
    "projects.import_ledger": PROJECT_STAFF - {PARK},
    # "三个一批" rounds are the province's; each zone's project staff put projects on the lists.
    **_writes("projects.round", frozenset({PROVINCE})),
    **_writes("projects.roundentry", frozenset({ADMIN, OFFICER})),
    # The fixed-asset investment database: project staff, and the statistician who answers for
    # the figures to the statistics bureau.
    **_writes("projects.fairegistration", PROJECT_STAFF | {STATISTICIAN}),
    **_writes("projects.faireport", PROJECT_STAFF | {STATISTICIAN}),
    # 专班陪跑: task forces, visits, issue lists and documents are kept by the project staff.
    **{
        action: roles
        for name in ("taskforce", "taskforcemember", "servicevisit", "projectissue")
        for action, roles in _writes(f"projects.{name}", PROJECT_STAFF).items()
    },
    **_writes("projects.projectdocument", PROJECT_STAFF),
    # Who may sit on a task force: the zone's leadership and project staff.
    "projects.sit_on_task_force": frozenset({LEADER, ADMIN, OFFICER, PARK}),
    # The zone's work on a project (task force, visits, issues, documents) is shown to offices.
    "projects.see_zone_work": OFFICES,
    # A lead's contact person: the staff of its zone or park (checked against the lead).
    "projects.see_lead_contacts": frozenset({LEADER, ADMIN, STATISTICIAN, OFFICER, PARK}),
    # A zone's norms for cycle times are the management committee's call.
    **_writes("projects.projectsettings", frozenset({ADMIN})),
    # 三员分立. Accounts: the system administrator creates them, disables and enables them and
    # resets their credentials (password, second factor); the security administrator decides what
    # an account may do (role and scope); the audit administrator reads, and none of the three
    # changes what the others decide. All three see the list of accounts (no business data).
    "accounts.see_users": THREE_ADMINISTRATORS,
    "accounts.user.add": frozenset({SYSTEM}),
    "accounts.user.disable": frozenset({SYSTEM}),
    "accounts.user.reset_credentials": frozenset({SYSTEM}),
    "accounts.user.assign_role": frozenset({SECURITY}),
    # The audit trail: the access log (logins, failures, exports, refusals, downloads, reads of
    # respondent figures) and the history of every data change, read and exported by the audit
    # administrator only (neither the system nor the security administrator audits itself).
    "accounts.read_access_log": frozenset({AUDIT}),
    "accounts.export_access_log": frozenset({AUDIT}),
    "accounts.read_change_history": frozenset({AUDIT}),
}


def user_may(user: HasRole | AnonymousUser | None, action: str) -> bool:
    """Whether the user's role may take the action (an unknown action is a programming error)."""
    if action not in POLICY:
        raise KeyError(f"no such action in the permission table: {action!r}")
    if user is None or isinstance(user, AnonymousUser):
        return False
    return bool(user.is_authenticated and user.is_active and user.role in POLICY[action])


def ensure_may(
    user: HasRole | AnonymousUser | None, action: str, message: str | Promise | None = None
) -> None:
    """Refuse (PermissionDenied, in the user's language) unless the user may take the action."""
    if not user_may(user, action):
        raise PermissionDenied(message or _("You may not do this."))


def roles_that_may(action: str) -> frozenset[str]:
    """The roles of an action, for queries that list the users who may take it."""
    return POLICY[action]


def model_label(model: type[models.Model] | models.Model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def can_write(user: AskingUser, model: type[models.Model] | models.Model) -> bool:
    action = f"{model_label(model)}.change"
    return action in POLICY and user_may(user, action)


def can_create(user: AskingUser, model: type[models.Model]) -> bool:
    action = f"{model_label(model)}.add"
    return action in POLICY and user_may(user, action)


def ensure_can_write(user: AskingUser, instance: models.Model) -> None:
    """Raise PermissionDenied unless the user may change this (existing or new) record."""
    model = type(instance)
    allowed = can_write(user, model) if instance.pk else can_create(user, model)
    if not allowed:
        raise PermissionDenied(_("You may not change this record."))
    manager = model._default_manager
    if instance.pk and not manager.for_user(user).filter(pk=instance.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("This record is outside your scope."))
