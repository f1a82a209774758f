"""Settings shared by every environment; values an operator changes come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Django classes that django-stubs types as generic (CharField[str, str], ModelForm[Zone]) may
# then be subscripted at run time as they are in annotations (strict mypy, pyproject.toml).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "kaifaqu"
VAR_DIR = Path(os.environ.get("KFQ_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str) -> int | None:
    """An integer from the environment, or None when unset (the default is decided elsewhere)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    # Before auditlog: its `auditlogflush` (which would wipe the audit trail) is overridden by a
    # command of accounts that refuses; Django takes a command from the first app that has it.
    "kaifaqu.accounts",
    "auditlog",
    "axes",
    # The second factor (accounts/mfa/): TOTP authenticators and recovery codes, in devices of
    # accounts' own (mfa/models.py). django-otp's otp_totp and otp_static keep no rows: they stay
    # for their migration history, which accounts.0008 depends on to move their old rows over.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "kaifaqu.core",
    "kaifaqu.geo",
    "kaifaqu.enterprises",
    "kaifaqu.statistics",
    "kaifaqu.returns",
    "kaifaqu.indicators",
    "kaifaqu.projects",
    "kaifaqu.dashboard",
    "kaifaqu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaifaqu.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaifaqu.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed the second factor; a session that lacks the one its user needs
    # is ended (accounts/mfa/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    # The user itself rather than behind the two lazy proxies above (accounts/identity).
    "kaifaqu.accounts.identity.middleware.ResolvedUserMiddleware",
    "kaifaqu.accounts.mfa.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: an idle or too old session ends with a message on the
    # sign-in page, and a user who must change the password is sent to do so first.
    "kaifaqu.accounts.identity.middleware.SessionLimitsMiddleware",
    "kaifaqu.accounts.identity.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaifaqu.core.audit.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaifaqu.config.urls"
WSGI_APPLICATION = "kaifaqu.config.wsgi.application"
ASGI_APPLICATION = "kaifaqu.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; PostgreSQL is selected by DATABASE_URL.
DEFAULT_SQLITE_PATH = VAR_DIR / "kaifaqu.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# SQLite creates the file but not its folder; a fresh checkout has no var/. Only the platform's
# account may enter it (the database and the documents are confidential).
if "DATABASE_URL" not in os.environ and not DEFAULT_SQLITE_PATH.parent.exists():
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True)
    DEFAULT_SQLITE_PATH.parent.chmod(0o700)
# Two planner settings PostgreSQL takes from the platform's connections (docs/operations.md
# "PostgreSQL", docs/benchmarks.md); empty leaves the server's own.
# - KFQ_PG_PARALLEL_WORKERS: no parallel workers by default. On the 2-core server of a zone a
#   parallel scan takes every core for one request while the others wait, and its worker
#   processes cost more than they save on the platform's short queries.
# - KFQ_PG_RANDOM_PAGE_COST: 1.1 by default (an SSD or a database held in memory). At the
#   server's default of 4, meant for spinning disks, PostgreSQL reads a province's whole roster
#   to find one zone's firms rather than look each up in its index (a zone's month page: 81 ms
#   against 14 ms at the month end of a province of 200,000 firms).
KFQ_PG_PARALLEL_WORKERS = os.environ.get("KFQ_PG_PARALLEL_WORKERS", "0").strip()
KFQ_PG_RANDOM_PAGE_COST = os.environ.get("KFQ_PG_RANDOM_PAGE_COST", "1.1").strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    planner: dict[str, str] = {}
    if KFQ_PG_PARALLEL_WORKERS:
        if not KFQ_PG_PARALLEL_WORKERS.isdigit():
            raise ImproperlyConfigured(
                "KFQ_PG_PARALLEL_WORKERS must be a number of workers or empty"
            )
        planner["max_parallel_workers_per_gather"] = KFQ_PG_PARALLEL_WORKERS
    if KFQ_PG_RANDOM_PAGE_COST:
        try:
            cost = float(KFQ_PG_RANDOM_PAGE_COST)
        except ValueError:
            cost = 0.0
        if not 0 < cost <= 100:
            raise ImproperlyConfigured("KFQ_PG_RANDOM_PAGE_COST must be a positive number or empty")
        planner["random_page_cost"] = repr(cost)
    if planner:
        pg_options = DATABASES["default"].setdefault("OPTIONS", {})
        pg_options["options"] = " ".join(
            [
                pg_options.get("options", ""),
                *(f"-c {name}={value}" for name, value in planner.items()),
            ]
        ).strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A connection kept from one request to the next (as PostgreSQL's, 60 s) with a page cache
    # of 32 MB instead of SQLite's 2 MB: a new connection each request parsed the schema again
    # and read a zone's roster from the file again, a third of a zone's month page served
    # (docs/benchmarks.md, session 15). SQLite still sees every other process's writes: it
    # checks the WAL at each transaction's start and drops what changed from its cache.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Long jobs (roll-ups after accepted returns) run as background tasks: django-tasks with its
# database backend (SQLite and PostgreSQL alike), run by `kfq worker` (which `kfq serve` starts).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The roll-up of accepted returns waits this long, so that the acceptances meanwhile are rolled up
# once (indicators/tasks.py `rollup_enqueue`); 0 queues one at each change.
KFQ_ROLLUP_DELAY_SECONDS = int(os.environ.get("KFQ_ROLLUP_DELAY_SECONDS", "30"))
# The audit rows a commit wrote are sealed by the background worker this many seconds later, with
# those of every commit meanwhile (accounts/tasks.py); 0 seals in the request.
KFQ_AUDIT_SEAL_DELAY_SECONDS = int(os.environ.get("KFQ_AUDIT_SEAL_DELAY_SECONDS", "5"))
# The share of its time a long background job (the provincial office's tallies) works on the
# database; the rest it waits between its pieces, so that the requests get the cores
# (core/lib/pacing.py). 1 never waits.
KFQ_BACKGROUND_SHARE = float(os.environ.get("KFQ_BACKGROUND_SHARE", "0.5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend that also refuses (and disables) a dormant account.
    "kaifaqu.accounts.identity.dormancy.DormancyAwareBackend",
]
# Passwords (accounts/identity/policy.py; docs/areas/accounts-and-audit.md): a policy chosen by
# name — `dengbao`, the 等保 2.0-style default (10+ characters of 3 of 4 kinds, no reuse of the
# last 5, changed every 90 days), or `asvs`, OWASP ASVS 5.0-style (12+ characters, no composition
# rule, no rotation) — each of its values overridable; unset means the policy's own. The common
# (breached) passwords list, similarity to the user's name and all-digit passwords are refused
# under both. The validators read the policy when they run, so a change needs no other setting.
KFQ_PASSWORD_POLICY = os.environ.get("KFQ_PASSWORD_POLICY", "dengbao")
if KFQ_PASSWORD_POLICY not in {"dengbao", "asvs"}:
    raise ImproperlyConfigured("KFQ_PASSWORD_POLICY must be `dengbao` or `asvs`")
KFQ_PASSWORD_MIN_LENGTH = env_int("KFQ_PASSWORD_MIN_LENGTH")
KFQ_PASSWORD_MIN_CLASSES = env_int("KFQ_PASSWORD_MIN_CLASSES")
KFQ_PASSWORD_HISTORY = env_int("KFQ_PASSWORD_HISTORY")
KFQ_PASSWORD_MAX_AGE_DAYS = env_int("KFQ_PASSWORD_MAX_AGE_DAYS")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "kaifaqu.accounts.identity.validators.MinimumLengthValidator"},
    {"NAME": "kaifaqu.accounts.identity.validators.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaifaqu.accounts.identity.validators.PasswordHistoryValidator"},
]

# django-axes locks signing in (accounts/identity/lockout.py): an account after
# KFQ_LOGIN_FAILURE_LIMIT failures from any addresses, and an address after
# KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures across any accounts (password spraying), each for
# KFQ_LOGIN_COOLOFF_MINUTES after its last counted failure. Failures while locked are refused
# without being counted, so nobody can keep a named account locked past the cool-off by
# hammering it; a locked account's API tokens stop working too (account_is_locked).
KFQ_LOGIN_FAILURE_LIMIT = int(os.environ.get("KFQ_LOGIN_FAILURE_LIMIT", "5"))
KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(
    os.environ.get("KFQ_LOGIN_FAILURE_LIMIT_PER_ADDRESS", "30")
)
KFQ_LOGIN_COOLOFF_MINUTES = int(os.environ.get("KFQ_LOGIN_COOLOFF_MINUTES", "30"))
AXES_HANDLER = "kaifaqu.accounts.identity.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = KFQ_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=KFQ_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A page in the user's language saying why and for how long, instead of axes' bare text.
AXES_LOCKOUT_CALLABLE = "kaifaqu.accounts.views.lockout_response"
# Failures are counted against the same address the access log records (trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "kaifaqu.core.client_address.client_ip"

# API tokens (accounts/tokens/): how long a new one is valid unless its issuer says, and at most.
KFQ_API_TOKEN_DAYS = int(os.environ.get("KFQ_API_TOKEN_DAYS", "90"))
KFQ_API_TOKEN_MAX_DAYS = int(os.environ.get("KFQ_API_TOKEN_MAX_DAYS", "366"))

# The second factor (accounts/mfa/): on unless switched off (the embedded `make run` and the
# tests switch it off, so the demo personas sign in with a password); required at sign-in for
# these roles (三员 and the provincial office), and for anyone who enrolled a device.
KFQ_MFA_ENABLED = env_bool("KFQ_MFA_ENABLED", True)
KFQ_MFA_REQUIRED_ROLES = env_list(
    "KFQ_MFA_REQUIRED_ROLES", "system_admin,security_admin,audit_admin,province_officer"
)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("KFQ_MFA_ISSUER", "Kaifaqu")

# Sessions (accounts/identity/middleware.py): signed out after KFQ_SESSION_IDLE_MINUTES without a
# request, and KFQ_SESSION_MAX_HOURS after signing in whatever the activity. The engine is
# Django's database one with the user on each row, so a user's sessions end in one indexed
# DELETE on a password change or when the account is disabled (accounts/identity/sessions.py).
KFQ_SESSION_IDLE_MINUTES = int(os.environ.get("KFQ_SESSION_IDLE_MINUTES", "30"))
KFQ_SESSION_MAX_HOURS = int(os.environ.get("KFQ_SESSION_MAX_HOURS", "8"))
SESSION_ENGINE = "kaifaqu.accounts.identity.session_store"
SESSION_COOKIE_AGE = KFQ_SESSION_MAX_HOURS * 3600

# Dormant accounts (等保 8.1.4.2 c; accounts/identity/dormancy.py): an active account neither
# signed in to nor used through an API token for KFQ_DORMANT_DAYS since it was created or last
# enabled is disabled — at its next sign-in, and by `kfq user disable-dormant` (daily, from cron).
# 0 turns it off.
KFQ_DORMANT_DAYS = int(os.environ.get("KFQ_DORMANT_DAYS", "90"))
if KFQ_DORMANT_DAYS < 0:
    raise ImproperlyConfigured("KFQ_DORMANT_DAYS must be 0 (off) or a number of days")

# Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; none by default, so the
# client's own header never becomes the recorded address (core/client_address.py).
KFQ_TRUSTED_PROXIES = env_list("KFQ_TRUSTED_PROXIES")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KFQ_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files (supporting documents of returns, project documents); served only through
# scoped views, never under a public URL (there is no MEDIA_URL route).
MEDIA_ROOT = Path(os.environ.get("KFQ_MEDIA_ROOT", VAR_DIR / "media"))
# Readable and writable by the platform's account only, whatever the process's umask (issue 15:
# uploads were world-readable). The SQLite database and its -wal/-shm files get the same mode
# when a connection opens them (core/apps.py), backups when they are written (core/backup).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# The largest project document (项目文件) a user may upload, in MB.
KFQ_DOCUMENT_MAX_MB = int(os.environ.get("KFQ_DOCUMENT_MAX_MB", "20"))
# An uploaded import larger than this runs in the background (core/imports/background.py), its
# progress shown on the page; a smaller one is imported in the request.
KFQ_IMPORT_BACKGROUND_BYTES = int(os.environ.get("KFQ_IMPORT_BACKGROUND_BYTES", str(1024 * 1024)))
# Limits of every imported file (core/imports/guard.py; docs/operations.md): a workbook is
# inspected before it is decompressed, its sheet streamed, and refused past any of them.
KFQ_IMPORT_MAX_MB = int(os.environ.get("KFQ_IMPORT_MAX_MB", "100"))
KFQ_IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("KFQ_IMPORT_MAX_UNCOMPRESSED_MB", "500"))
KFQ_IMPORT_MAX_SHEET_XML_MB = int(os.environ.get("KFQ_IMPORT_MAX_SHEET_XML_MB", "400"))
KFQ_IMPORT_MAX_RATIO = int(os.environ.get("KFQ_IMPORT_MAX_RATIO", "100"))
KFQ_IMPORT_MAX_MEMBERS = int(os.environ.get("KFQ_IMPORT_MAX_MEMBERS", "1000"))
KFQ_IMPORT_MAX_ROWS = int(os.environ.get("KFQ_IMPORT_MAX_ROWS", "500000"))
KFQ_IMPORT_MAX_CELL_CHARS = int(os.environ.get("KFQ_IMPORT_MAX_CELL_CHARS", "32767"))
KFQ_IMPORT_MAX_LINE_CHARS = int(os.environ.get("KFQ_IMPORT_MAX_LINE_CHARS", "1000000"))
KFQ_IMPORT_READ_SECONDS = float(os.environ.get("KFQ_IMPORT_READ_SECONDS", "120"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The platform's own tokens, hashed at rest (accounts/tokens/), not DRF's authtoken.
        "kaifaqu.accounts.tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kaifaqu.core.api_policy.ScopedModelPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kaifaqu.core.api_policy.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaifaqu API",
    "DESCRIPTION": "开发区运行平台 — registries of regions, zones, parks, enterprises and projects.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The description of the API is for signed-in users (session in the browser, or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # No call to the online validator: the platform runs on networks without internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "kaifaqu.projects.models.Stage",
        "AccountRoleEnum": "kaifaqu.core.permissions.roles.Role",
        "IssueStatusEnum": "kaifaqu.projects.models.IssueStatus",
        "DocumentKindEnum": "kaifaqu.projects.models.DocumentKind",
        "MemberRoleEnum": "kaifaqu.projects.models.MemberRole",
        "RegionLevelEnum": "kaifaqu.geo.models.RegionLevel",
        "ZoneLevelEnum": "kaifaqu.geo.models.ZoneLevel",
        "IndustryLevelEnum": "kaifaqu.core.models.IndustryLevel",
        "EnterpriseKindEnum": "kaifaqu.enterprises.models.EnterpriseKind",
        "EnterpriseStatusEnum": "kaifaqu.enterprises.models.EnterpriseStatus",
        "ProxyKindEnum": "kaifaqu.returns.models.ProxyKind",
        "MoneyUnitEnum": ["元", "千元", "万元", "亿元"],
        "IndicatorUnitEnum": "kaifaqu.indicators.api.table.UNITS",
        "DropReasonEnum": "kaifaqu.projects.models.DropReason",
        "ReportingMonthStatusEnum": "kaifaqu.returns.models.ReportingMonthStatus",
    },
    "TAGS": [
        {"name": "geo", "description": _("Regions (GB/T 2260), zones and parks")},
        {"name": "enterprises", "description": _("Enterprises and GB/T 4754-2017 industries")},
        {"name": "projects", "description": _("Investment projects and their stages")},
        {
            "name": "task forces",
            "description": _(
                "专班陪跑: task forces, service visits, issue lists, documents, timelines"
            ),
        },
    ],
}

# Content-Security-Policy (django-csp), enforced on every response: scripts, styles, fonts,
# frames and connections from this server only. No 'unsafe-inline' and no 'unsafe-eval': pages
# have no inline scripts, event-handler attributes or style attributes (behaviour in
# static/kaifaqu/kaifaqu.js, data in json_script blocks, widths in kaifaqu.css; a test scans
# every template: core/tests/test_csp.py);
# htmx runs without eval (the htmx-config meta of base.html). Images may be data: URIs (Tabler's
# form icons). The platform runs on an isolated network and loads nothing from elsewhere
# (docs/operations.md, "Content-Security-Policy").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Audit: the correlation id of each log entry is the request id set by RequestIdMiddleware.
AUDITLOG_CID_HEADER = "X-Request-ID"
AUDITLOG_INCLUDE_ALL_MODELS = False
# The audit trail (auditlog's LogEntry and the access log) is append-only (database triggers) and
# sealed by an HMAC chain under this key, kept outside the database (accounts/trail/). Required
# in production; without it nothing can be sealed or verified.
KFQ_AUDIT_KEY = os.environ.get("KFQ_AUDIT_KEY", "")
# How long entries stay in the database before `kfq audit archive` moves them to an archive file;
# 网络安全法 §21 asks for at least six months, so less is refused at start-up (accounts/checks.py).
KFQ_AUDIT_RETENTION_DAYS = int(os.environ.get("KFQ_AUDIT_RETENTION_DAYS", "366"))
KFQ_AUDIT_ARCHIVE_DIR = Path(os.environ.get("KFQ_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))

# Confidential fields (contacts' telephones and e-mail addresses) are encrypted in the database
# under this key (core/crypto/): 32 random bytes in URL-safe base64 (`kfq datakey new`), kept
# outside the database and its backups. Required in production. During a rotation the earlier
# keys stay readable in KFQ_DATA_OLD_KEYS until `kfq datakey rotate` has moved every value.
# The cipher of new values: aes-256-gcm, or sm4-gcm where 商用密码应用安全性评估 (密评) asks for it.
KFQ_DATA_KEY = os.environ.get("KFQ_DATA_KEY", "")
KFQ_DATA_OLD_KEYS = env_list("KFQ_DATA_OLD_KEYS")
KFQ_DATA_CIPHER = os.environ.get("KFQ_DATA_CIPHER", "aes-256-gcm")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KFQ_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Whether `kfq demo` may create its personas (published passwords): the embedded setup and the
# tests only; production refuses unless told explicitly (`kfq demo --allow-production`).
KFQ_DEMO_ALLOWED = False
