"""KAM settings: one file, driven by environment variables, failing loudly on bad values.

Every variable read here is documented in README.md ("Configuration").
"""

import os
import re
from email.headerregistry import Address
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of {sorted(_TRUE | _FALSE)}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# One entry of an address list: `Name <address>` (a name with a comma in double quotes) or a
# bare address.
_ADDRESS = re.compile(
    r'(?:(?P<name>"[^"]*"|[^"<>,]*?)\s*<(?P<addr>[^<>\s]+)>|(?P<bare>[^<>\s",]+))'
)


def envaddresses(name: str) -> list[str]:
    """Comma-separated e-mail addresses, each `Name <a@example.com>` or `a@example.com`; anything
    else (a missing bracket, two addresses without a comma, an address without a domain) stops
    the process rather than losing mail."""
    raw = os.environ.get(name, "")
    addresses = []
    for item in re.findall(r'(?:"[^"]*"|[^,])+', raw):
        item = item.strip()
        if not item:
            continue
        match = _ADDRESS.fullmatch(item)
        address = match and (match["addr"] or match["bare"])
        try:
            validate_email(address or "")
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name}={raw!r}: {item!r} is not an address like 'Name <a@example.com>' or "
                "'a@example.com'"
            ) from None
        display = (match["name"] or "").strip().strip('"').strip()
        addresses.append(str(Address(display_name=display, addr_spec=address)))
    return addresses


def envheader(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` → ("HTTP_X_FORWARDED_PROTO", "https"); `X-Forwarded-Ssl: on` names the
    value too. Unset or empty: None, and Django believes only the server's wsgi.url_scheme."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = (part.strip() for part in raw.partition(":"))
    value = value or "https"
    # A header name as HTTP spells it: gunicorn drops a header with an underscore (X_Forwarded_Proto
    # would reach Django as X-Forwarded-Proto, so a client could pass it for the proxy's).
    if not re.fullmatch(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", header) or not re.fullmatch(
        r"[!-~]+", value
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: expected a header name such as 'X-Forwarded-Proto', optionally "
            "followed by ': value' (default https)"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value


DEBUG = envbool("DEBUG", False)
# Demo mode shows the demo logins on the login page; never enable it on a real deployment.
KAM_DEMO_MODE = envbool("KAM_DEMO_MODE", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"
# Earlier keys, still accepted when checking a signature (survey links, sessions) but never used
# to sign: rotate a key by moving the old one here until its links have expired (README, "Backup
# and restore").
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "kam",
    "accounts",
    "planning",
    "scoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL)
    except Exception as exc:  # dj-database-url raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # The dashboards and the health recalculation run aggregates over many rows that are
        # estimated expensive enough for PostgreSQL to JIT-compile them, which costs more than
        # running them (tests/perf/test_dashboard.py and test_health_recalculation.py print the
        # times). Their sorts of every account spill to disk under PostgreSQL's default 4 MB of
        # working memory.
        _database.setdefault("OPTIONS", {})["options"] = (
            f"-c jit=off -c work_mem={envint('DATABASE_WORK_MEM_MB', 32)}MB"
        )
    if _database["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_POOL", True):
        # Django's psycopg pool replaces persistent connections; the two cannot be combined.
        # `check`: a connection is tried (an empty query, one round trip) each time the pool
        # hands it out, and replaced if PostgreSQL has ended it (a restart, a failover, an idle
        # reaper), so no request is given a dead one (kam/database.py).
        from kam.database import check_connection

        _database["CONN_MAX_AGE"] = 0
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": envint("DATABASE_POOL_MIN", 2),
            "max_size": envint("DATABASE_POOL_MAX", 10),
            "timeout": 10,
            "check": check_connection,
        }
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis unreachable a cache call is a miss, never an error
            # (kam/cache.py). The timeouts bound what a black-holed Redis costs a request.
            "BACKEND": "kam.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kam",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A background job people wait for (an import, a health recalculation) beats every quarter of
# this; one silent for this long is dead and shown interrupted (accounts/jobs.py).
KAM_JOB_LEASE_SECONDS = envint("KAM_JOB_LEASE_SECONDS", 60)
# An uploaded import file is deleted this many days after the job's last step (the job and its
# report stay): the files hold customer data that the records imported from them replace.
KAM_IMPORT_FILE_RETENTION_DAYS = envint("KAM_IMPORT_FILE_RETENTION_DAYS", 30)
if KAM_IMPORT_FILE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("KAM_IMPORT_FILE_RETENTION_DAYS must be at least 1.")

# An export of more rows than this is written in the background (a job with a progress bar and a
# download link, README "Exports"); up to it, the file is sent at once as before.
KAM_EXPORT_INLINE_MAX_ROWS = envint("KAM_EXPORT_INLINE_MAX_ROWS", 20_000)
# A background export's file is deleted this many days after it was written (the job stays).
KAM_EXPORT_FILE_RETENTION_DAYS = envint("KAM_EXPORT_FILE_RETENTION_DAYS", 7)
if KAM_EXPORT_FILE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("KAM_EXPORT_FILE_RETENTION_DAYS must be at least 1.")

# Sent mail, and mail given up on, is deleted this many days after it was queued (accounts.mail).
KAM_MAIL_RETENTION_DAYS = envint("KAM_MAIL_RETENTION_DAYS", 30)
if KAM_MAIL_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("KAM_MAIL_RETENTION_DAYS must be at least 1.")

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Work for Celery waits in the outbox (accounts.outbox) and is published after the commit with one
# quick try: a broker that is down costs a request at most about a second and the relay sends the
# work later. So publishing never retries, and a connection attempt gives up after one second.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# The queue the site sends to and workers read (one per deployment; the tests give each worker
# its own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("KAM_CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = None
# Without a broker there is no worker either: run tasks in the calling process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# No background job may hang, loop or run twice at once; each choice below is explained in
# README.md, "Background jobs", and checked by tests/kam/test_celery_settings.py.
#
# A message is acknowledged after its task ends, so a worker that dies mid-task leaves it in Redis
# to be delivered again: every task is idempotent, and the jobs people watch (imports, health
# runs) recognise a message they already ran and leave the retry to a person.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# …but a pool process killed under a task (out of memory, kill -9) sends it again as a retry:
# at most max_retries (3) times, 3 minutes apart, then it fails. A message that kills its worker
# every time cannot loop.
CELERY_TASK_RETRY_ON_WORKER_LOST = True
# One message at a time per process: with late acks a waiting message never sits in a busy
# worker's memory while another worker is idle.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits, in seconds. The soft limit raises SoftTimeLimitExceeded inside the task, which stops
# cleanly (a health run or an import is marked interrupted with what it saved); the hard limit
# kills the pool process. Enforced by the prefork pool, the worker's default.
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Jobs over every account or a whole upload may run longer: 20 minutes is some 20 times the time
# their benchmarks allow them (FULL_RUN_BUDGET_S in tests/perf/test_health_recalculation.py,
# TOTAL_BUDGET_S in tests/perf/test_import.py). A health run stopped there is retried from where
# it stopped.
_WHOLE_PORTFOLIO = {"soft_time_limit": 20 * 60, "time_limit": 22 * 60}
CELERY_TASK_ANNOTATIONS = {
    "scoring.tasks.recalculate_health": _WHOLE_PORTFOLIO,
    "scoring.tasks.retry_health_run": _WHOLE_PORTFOLIO,
    "scoring.tasks.carry_over_scores": _WHOLE_PORTFOLIO,
    "scoring.tasks.thin_health_snapshots": _WHOLE_PORTFOLIO,
    "accounts.tasks.run_import_step": _WHOLE_PORTFOLIO,
    "accounts.tasks.run_export": _WHOLE_PORTFOLIO,
    # My week worked out for every user (the e-mails are only queued: accounts.mail sends them).
    "planning.tasks.send_daily_digests": {"soft_time_limit": 30 * 60, "time_limit": 32 * 60},
}
# Redis hands an unacknowledged message to another worker after this long. It must exceed the
# longest hard limit above, or a job still running legitimately would start a second time. People
# never wait for it: a dead job's lease tells them within two minutes (KAM_JOB_LEASE_SECONDS).
# socket_connect_timeout: a black-holed Redis (packets dropped, no refusal) fails a publish within
# a second instead of the system's minutes-long TCP timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60, "socket_connect_timeout": 1}
# A pool process left above this resident memory after a task is replaced by a fresh one, which
# hands the memory back. The default is above what a full health run adds to an idle process (the
# worker-memory benchmark in tests/perf/test_health_recalculation.py prints both). 0: never
# replaced.
KAM_WORKER_MAX_MEMORY_MB = envint("KAM_WORKER_MAX_MEMORY_MB", 300)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = KAM_WORKER_MAX_MEMORY_MB * 1024 or None  # KiB
# Pool processes per worker (Celery's default would be one per CPU). Each takes its idle memory and
# up to KAM_WORKER_MAX_MEMORY_MB more during a large job, and holds its own database pool: 2 keeps
# a worker's memory bounded and small. More throughput: raise it, or run more worker containers.
CELERY_WORKER_CONCURRENCY = envint("KAM_WORKER_CONCURRENCY", 2)
if CELERY_WORKER_CONCURRENCY < 1:
    raise ImproperlyConfigured(
        f"KAM_WORKER_CONCURRENCY={CELERY_WORKER_CONCURRENCY}: expected at least 1"
    )
# Every periodic job is declared here (django-celery-beat does not support Django 6.1 yet).
# Later features (satisfaction and churn-risk recalculation, reminders) add their entries.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Each user's digest of what is due, e-mailed and listed in the app, before the working day.
    "daily-digests": {
        "task": "planning.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # The mail queue (accounts.mail): mail is sent right after the commit that queued it; this
    # run sends what that missed and retries what failed once its time comes. A message not run
    # within the minute is dropped: the next one does the same.
    "send-pending-mail": {
        "task": "accounts.tasks.send_pending_mail",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Tiers follow the last 12 months' revenue, which moves every day; before the digests.
    "apply-tier-rules": {
        "task": "scoring.tasks.apply_tier_rules",
        "schedule": crontab(hour=2, minute=30),
    },
    # Satisfaction and churn risk for every account, after the tiers (whose cadence it uses) and
    # before the digests (which carry its alerts).
    "recalculate-health": {
        "task": "scoring.tasks.recalculate_health",
        "schedule": crontab(hour=3, minute=0),
    },
    # Retention (README, "Retention"): after the health run, which writes only today's snapshots.
    "thin-health-snapshots": {
        "task": "scoring.tasks.thin_health_snapshots",
        "schedule": crontab(hour=4, minute=15),
    },
    # Sent and given-up mail past KAM_MAIL_RETENTION_DAYS (its text names customers).
    "delete-old-mail": {
        "task": "accounts.tasks.delete_old_mail",
        "schedule": crontab(hour=4, minute=50),
    },
    "clear-expired-sessions": {
        "task": "kam.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=45),
    },
    # Uploaded import files past KAM_IMPORT_FILE_RETENTION_DAYS (the jobs and reports stay).
    "delete-old-import-files": {
        "task": "accounts.tasks.delete_old_import_files",
        "schedule": crontab(hour=4, minute=30),
    },
    # An import whose worker died (no sign of life for KAM_JOB_LEASE_SECONDS) is recorded as
    # interrupted, with retry and cancel for its owner: every minute, so within two of the death.
    # A message not run within the minute is dropped: the next one does the same.
    "reap-dead-imports": {
        "task": "accounts.tasks.reap_dead_imports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Background export files past KAM_EXPORT_FILE_RETENTION_DAYS (the jobs stay).
    "delete-old-export-files": {
        "task": "accounts.tasks.delete_old_export_files",
        "schedule": crontab(hour=4, minute=40),
    },
    # An export whose worker died: marked interrupted, with retry for its owner; every minute.
    "reap-dead-exports": {
        "task": "accounts.tasks.reap_dead_exports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Likewise a health run whose worker died: marked interrupted, with what it saved, retry and
    # dismiss for admins; every minute, so lease + a minute ≤ two minutes after the death. A
    # message not run within the minute is dropped: the next one does the same.
    "reap-dead-health-runs": {
        "task": "scoring.tasks.reap_dead_health_runs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Work that waited in the outbox while the broker was unreachable (accounts.outbox). A
    # message not run within the period is dropped: the next one does the same.
    "relay-outbox": {
        "task": "accounts.tasks.relay_outbox",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}

# --- Auth, sessions, lockout ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleAwareBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Two limits (README "Sign-in lockout"): AXES_FAILURE_LIMIT wrong passwords for one username from
# one address pause that pair; KAM_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, for any
# usernames, pause that address for everyone. Never by username alone: a stranger could lock a
# real user out. Both counts live in axes' AccessAttempt table (the database), never the cache.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
KAM_LOGIN_ADDRESS_FAILURE_LIMIT = envint("KAM_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockouts.handler.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.views.locked_out"
# How many reverse proxies stand in front of KAM: 0 trusts only REMOTE_ADDR; N takes the N-th
# address from the right of X-Forwarded-For (the one the outermost trusted proxy saw).
KAM_TRUSTED_PROXIES = envint("KAM_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockouts.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# In the database only: sign-in and every page keep working while Redis is unreachable.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# The request header the TLS proxy sets, which Django then trusts to tell HTTPS from HTTP: only
# where every request comes through a proxy that overwrites it (README, "Running the production
# stack"). Unset, Django takes the scheme from gunicorn, which believes X-Forwarded-Proto only from
# FORWARDED_ALLOW_IPS (gunicorn.conf.py).
SECURE_PROXY_SSL_HEADER = envheader("KAM_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
# /healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Request bodies ---------------------------------------------------------------------------
# What one request may send (README, "Web server limits"); beyond it Django refuses the request
# with kam.views.bad_request's page (413) before any view runs. The proxy's client_max_body_size
# (32 MB) stops anything larger before it reaches gunicorn.
#
# Form fields, files excluded: 2.5 MB (Django's default, kept on purpose). A Chinese character
# takes 9 bytes URL-encoded, so one form may still carry some 280,000 of them, far beyond any note
# or visit report a person types.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# KAM's widest forms (a visit report with its next steps, an import's column mapping) have tens of
# fields; a flood of thousands (each one parsed into a dict) is refused.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Only the spreadsheet import takes a file, one (at most 30 MB: accounts/imports/services.py).
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# An uploaded file above this is written to a temporary file as it arrives rather than held in the
# worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

# --- Language, time, money --------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
CELERY_TIMEZONE = TIME_ZONE
# Off: with it on, Django groups every number a template prints, ids and SVG coordinates included
# ("1,234" breaks an element id or a chart). Figures are grouped where shown: intcomma, money.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["kam.formats"]
KAM_CURRENCY = os.environ.get("KAM_CURRENCY", "CNY").upper()
if len(KAM_CURRENCY) != 3 or not KAM_CURRENCY.isalpha():
    raise ImproperlyConfigured(f"KAM_CURRENCY={KAM_CURRENCY!r}: expected an ISO 4217 code")
KAM_SITE_NAME = _("KAM")

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
]
_plain_static = DEBUG or envbool("KAM_PLAIN_STATIC", False)
# Serve straight from the finders (node_modules included) when nothing was collected.
WHITENOISE_USE_FINDERS = _plain_static
WHITENOISE_AUTOREFRESH = _plain_static
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _plain_static
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail (Django 6.1 mailers). EMAIL_BACKEND is "console" (prints mail; the default with DEBUG on)
# or "smtp" (the default otherwise).
EMAIL_BACKEND_NAME = os.environ.get("EMAIL_BACKEND", "console" if DEBUG else "smtp").lower()
if EMAIL_BACKEND_NAME == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif EMAIL_BACKEND_NAME == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", False),
                "timeout": 10,
            },
        }
    }
else:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND_NAME!r}: expected 'smtp' or 'console'"
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kam@localhost")
# Where KAM is served, for links in e-mails (which have no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is mailed the report of a server error or a failed background task (LOGGING below).
ADMINS = envaddresses("ADMINS")
EMAIL_SUBJECT_PREFIX = "[KAM] "
# Their reports leave out what people typed and the URLs holding passwords (kam/errors.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "kam.errors.PrivateReporterFilter"

SIMPLE_HISTORY_REVERT_DISABLED = True

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # Survey-link and calendar-feed tokens in a logged path become *** (kam/log_masking.py).
        "mask_secret_urls": {"()": "kam.log_masking.MaskSecretURLs"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secret_urls"]},
        # Mails ADMINS (nothing when it is empty); with DEBUG on the error page shows it instead.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers on "django" (its own console and mail_admins), which
        # would print and mail each error a second time beside the ones configured here.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # A request that failed with a server error (500).
        "django.request": {"handlers": ["mail_admins"], "propagate": True},
        # A Celery task that raised: the worker logs "Task … raised unexpected" here.
        "celery.app.trace": {"handlers": ["mail_admins"], "propagate": True},
    },
}

# Optional error tracking: with SENTRY_DSN set, errors of the site and of the Celery tasks also
# go to Sentry (or a compatible service). Nothing personal is sent: no user, cookies, request
# bodies (a stakeholder's private notes travel in them) or local variables.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.utils import BadDsn

    try:
        sentry_sdk.init(
            dsn=SENTRY_DSN,
            integrations=[DjangoIntegration(), CeleryIntegration()],
            environment=os.environ.get("SENTRY_ENVIRONMENT") or None,
            release=os.environ.get("SENTRY_RELEASE") or None,
            send_default_pii=False,
            max_request_body_size="never",
            include_local_variables=False,
        )
    except BadDsn as exc:
        raise ImproperlyConfigured(f"SENTRY_DSN is not a valid Sentry DSN: {exc}") from exc
