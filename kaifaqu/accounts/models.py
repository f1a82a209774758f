from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import SCOPE_OF_ROLE, Role, Scope, ScopeLevel


class User(AbstractUser):
    """A person with one role and the scope that role works in (region, zone, park or enterprise)."""

    # Empty until the security administrator assigns one (三员分立: the system administrator creates
    # the account, the security administrator decides what it may do); without a role an account
    # signs in to an empty platform.
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    scope_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_zone = models.ForeignKey(
        "geo.Zone",
        verbose_name=_("zone in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise in scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The password's age, for the rotation of the policy (accounts/identity/policy.py); users
    # who existed before it count from the migration that added it.
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    # Set by an administrator's reset or an expired password: every request leads to the change
    # page until the user has chosen a new one (accounts/identity/middleware.py).
    password_change_required = models.BooleanField(_("must change password"), default=False)
    # When the account was created or last enabled: where its dormancy is counted from when it
    # has not been used since (accounts/identity/dormancy.py). Accounts that existed before it
    # count from the migration that added it.
    active_since = models.DateTimeField(_("active since"), default=timezone.now)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="accounts_user_scope_matches_role",
                violation_error_message=_("The scope does not match the role."),
                condition=(
                    Q(
                        role=Role.PROVINCE_OFFICER,
                        scope_region__isnull=False,
                        scope_zone__isnull=True,
                        scope_park__isnull=True,
                        scope_enterprise__isnull=True,
                    )
                    | Q(
                        role__in=[
                            Role.ZONE_LEADER,
                            Role.ZONE_ADMIN,
                            Role.STATISTICIAN,
                            Role.INVESTMENT_OFFICER,
                        ],
                        scope_region__isnull=True,
                        scope_zone__isnull=False,
                        scope_park__isnull=True,
                        scope_enterprise__isnull=True,
                    )
                    | Q(
                        role=Role.PARK_SERVICE,
                        scope_region__isnull=True,
                        scope_zone__isnull=True,
                        scope_park__isnull=False,
                        scope_enterprise__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PLATFORM_COMPANY, Role.ENTERPRISE_REPORTER],
                        scope_region__isnull=True,
                        scope_zone__isnull=True,
                        scope_park__isnull=True,
                        scope_enterprise__isnull=False,
                    )
                    | Q(
                        role__in=["", Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
                        scope_region__isnull=True,
                        scope_zone__isnull=True,
                        scope_park__isnull=True,
                        scope_enterprise__isnull=True,
                    )
                ),
            ),
            # No account bypasses the permission table (三员分立: no superuser in operation).
            models.CheckConstraint(
                name="accounts_user_no_superuser",
                violation_error_message=_("No account may be a superuser."),
                condition=Q(is_superuser=False),
            ),
        ]

    @cached_property
    def scope(self) -> Scope:
        level = SCOPE_OF_ROLE.get(self.role, ScopeLevel.NONE)
        return Scope(
            level=level,
            region=self.scope_region if level == ScopeLevel.REGION else None,
            zone=self.scope_zone if level == ScopeLevel.ZONE else None,
            park=self.scope_park if level == ScopeLevel.PARK else None,
            enterprise=self.scope_enterprise if level == ScopeLevel.ENTERPRISE else None,
        )

    @property
    def scope_label(self) -> str:
        scope = self.scope
        target = scope.region or scope.zone or scope.park or scope.enterprise
        return str(target) if target is not None else str(ScopeLevel(scope.level).label)

    @property
    def home_zone_id(self) -> int | None:
        """The zone whose home page this user lands on, when there is exactly one."""
        scope = self.scope
        if scope.zone is not None:
            return scope.zone.pk
        if scope.park is not None:
            return scope.park.zone_id
        if scope.enterprise is not None:
            return scope.enterprise.zone_id
        return None


class AccessEventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    EXPORT = "export", _("Export")
    DENIED = "denied", _("Access denied")
    TOKEN = "token", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_RESET = "mfa_reset", _("Second factor reset")
    FIGURES_READ = "figures_read", _("Respondent figures read")
    DOWNLOAD = "download", _("Document downloaded")
    LOCKOUT = "lockout", _("Sign-in locked")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_MUST_CHANGE = "password_must_change", _("Password change required")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    DORMANT_DISABLED = "dormant_disabled", _("Disabled as dormant")


class AccessEvent(models.Model):
    """The access log: logins, failures, exports and denials (data changes are in the audit log)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AccessEventKind.choices)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "-at"], name="accounts_access_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class AuditSeal(models.Model):
    """One link of the HMAC chain over an audit table (accounts/trail/seal.py).

    A table of its own rather than a column of the sealed row: django-auditlog's LogEntry is not
    ours to change, and rows inserted in bulk (bulk_create sends no signal) are sealed all the
    same by the next sealing pass, which walks the unsealed rows in id order.
    """

    entry_table = models.CharField(_("table"), max_length=64)
    entry_id = models.BigIntegerField(_("row id"))
    previous = models.CharField(_("previous seal"), max_length=64, blank=True)
    seal = models.CharField(_("seal"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        constraints = [
            models.UniqueConstraint(
                fields=["entry_table", "entry_id"], name="accounts_auditseal_one_per_row"
            )
        ]
        # A chain's last link in one step: through the primary key alone, the last seal of a
        # table was found by walking back past every seal of the other table since (80 ms when a
        # year of access events had been sealed after the last data change).
        indexes = [models.Index(fields=["entry_table", "id"], name="accounts_auditseal_chain")]

    def __str__(self) -> str:
        return f"{self.entry_table}#{self.entry_id}"


class AuditArchive(models.Model):
    """An archive file that took audit rows out of the database; it carries the chain onwards."""

    entry_table = models.CharField(_("table"), max_length=64)
    archived_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    before = models.DateTimeField(_("rows before"))
    file_name = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    first_id = models.BigIntegerField(_("first row id"))
    last_id = models.BigIntegerField(_("last row id"))
    last_seal = models.CharField(_("last seal"), max_length=64)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")

    def __str__(self) -> str:
        return self.file_name


# Models of the app kept in packages of their own (registered with the app by this import).
from kaifaqu.accounts.identity.models import PasswordHistory, UserSession  # noqa: E402, F401
from kaifaqu.accounts.mfa.models import (  # noqa: E402, F401
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryDevice,
)
from kaifaqu.accounts.tokens.models import ApiToken, ApiTokenStatus  # noqa: E402, F401
