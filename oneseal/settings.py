"""The one settings module. Every value an operator may change comes from the environment
(the README's "Configuration" table lists each with its default); the defaults run the embedded
demo on 127.0.0.1 (SQLite and local files under ./var). What officials change at run time
(calendar, fees, thresholds of the catalogue) lives in the database, not here.

A value that cannot be read stops the start with ImproperlyConfigured naming the variable.
With ONESEAL_DEBUG=0 (production) the secret key, the public URL and the seal key must be set.
"""

import ipaddress
import os
import re
import secrets
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from oneseal.keys import private_file


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name, "1" if default else "0").lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def _env_number(name: str, default, kind=int, minimum=0):
    text = _env(name, str(default))
    try:
        value = kind(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {text!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {text!r}")
    return value


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in _env(name, default).split(",") if part.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(_env("ONESEAL_VAR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Development and the demo run with DEBUG on, which is safe here because the server binds
# 127.0.0.1, the secret key is random per install and the debug page is only ever shown to a
# client on this machine (oneseal.debugpage). Production sets ONESEAL_DEBUG=0.
DEBUG = _env_bool("ONESEAL_DEBUG", True)
SECRET_KEY = _env("ONESEAL_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("ONESEAL_SECRET_KEY must be set when ONESEAL_DEBUG=0")
    # Never a constant in the code: a key anyone can read lets anyone forge sessions.
    SECRET_KEY = private_file(VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50))

# The base of every QR code and verification link printed on a document.
PUBLIC_URL = _env("ONESEAL_PUBLIC_URL", "").rstrip("/")
if not PUBLIC_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ONESEAL_PUBLIC_URL must be set when ONESEAL_DEBUG=0: it is printed in every document's "
            "QR code and verification link (e.g. https://spj.example.gov.cn)"
        )
    PUBLIC_URL = "http://127.0.0.1:8000"
_public = urlsplit(PUBLIC_URL)
if (
    _public.scheme not in ("http", "https")
    or not _public.hostname
    or _public.query
    or _public.fragment
):
    raise ImproperlyConfigured(
        f"ONESEAL_PUBLIC_URL must look like https://host[/path], not {PUBLIC_URL!r}"
    )

_local_hosts = "127.0.0.1,localhost,[::1],testserver"
ALLOWED_HOSTS = _env_list("ONESEAL_ALLOWED_HOSTS", _local_hosts if DEBUG else _public.hostname)
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

# The key that encrypts the seals' private keys and the departments' webhook secrets
# (documents.signing, linkage.crypto). It is kept out of the database and the repository: a
# copied database alone can neither sign nor call a department. Debug creates the file on first
# use; production refuses to sign until one of the two is set.
SEAL_KEY = _env("ONESEAL_SEAL_KEY", "")
if SEAL_KEY and len(SEAL_KEY) < 32:
    raise ImproperlyConfigured(
        "ONESEAL_SEAL_KEY must be at least 32 characters (e.g. `openssl rand -base64 48`)"
    )
SEAL_KEY_FILE = Path(_env("ONESEAL_SEAL_KEY_FILE", str(VAR_DIR / "seal_key"))).resolve()
SEAL_KEY_CREATE = DEBUG

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oneseal.audit",
    "oneseal.regions",
    "oneseal.organisation",
    "oneseal.applicants",
    "oneseal.calendars",
    "oneseal.catalogue",
    "oneseal.cases",
    "oneseal.documents",
    "oneseal.linkage",
    "oneseal.search",
    "oneseal.appointments",
    "oneseal.ratings",
    "oneseal.hearings",
    "oneseal.esupervision",
    "oneseal.projects",
    "oneseal.inspections",
    "oneseal.experts",
    "oneseal.intermediaries",
    "oneseal.transfers",
    "oneseal.handovers",
    "oneseal.delegations",
    "oneseal.drafts",
    "oneseal.reuse",
    "oneseal.publications",
    "oneseal.elicences",
    "oneseal.archives",
    "oneseal.notifications",
    "oneseal.operations",
    "oneseal.interface",
    "oneseal.workbench",
    "oneseal.portal",
    "oneseal.api",
    "oneseal.demo",
]

MIDDLEWARE = [
    "oneseal.debugpage.LocalDebugPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it turns a lockout flagged by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oneseal.urls"
WSGI_APPLICATION = "oneseal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oneseal.navigation.links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oneseal.sqlite3'}"),
        conn_max_age=_env_number("ONESEAL_CONN_MAX_AGE", 0),
    )
}
# The intake path's kept statements as server-side prepared statements on PostgreSQL
# (oneseal.prepared); 0 behind a transaction-pooling proxy, which loses them between transactions.
ONESEAL_PREPARED_STATEMENTS = _env_bool("ONESEAL_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the worker and the web server read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )
    # A transaction takes the write lock when it begins. Begun as a reader (SQLite's default),
    # it was refused at its first write, at once and whatever busy_timeout says, whenever
    # another process or thread had written since it read: an application sent twice, or a
    # click while the worker ran, was a 500 "database is locked" instead of a wait.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # The covering indexes' INCLUDE columns are for PostgreSQL; SQLite builds the same index
    # without them, which is what the embedded default wants. Don't warn on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The statistics and roll-up queries are short; PostgreSQL's JIT compiled them for 2–3 s
    # each on this kind of machine (bench/supervision.py) and saved nothing.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses while an address or a user name is locked out (throttling below).
    "oneseal.throttling.LockoutBackend",
    # The user and their staff record with its roles in one statement per request.
    "oneseal.organisation.backends.StaffBackend",
    # Kept for the sessions it signed in before StaffBackend; it checks no password any more.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _env("ONESEAL_TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"ONESEAL_TIME_ZONE is not a known time zone: {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = (
    DEBUG  # runserver and tests serve from the apps; production runs collectstatic
)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = _env_number("ONESEAL_UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# Kinds of file applicants may upload for a case material (see cases.uploads.UPLOAD_KINDS).
UPLOAD_TYPES = [t.lower() for t in _env_list("ONESEAL_UPLOAD_TYPES", "pdf,jpg,png")]

# --- the bureau's own settings (read by the apps as settings.NAME) ------------------------------

# Working days a department has to sign for a pushed decision when its link names none.
ONESEAL_PUSH_SIGN_DAYS = _env_number("ONESEAL_PUSH_SIGN_DAYS", 3, minimum=1)
# Calendar days back in which an expert who reviewed a case of the same applicant is not drawn.
ONESEAL_EXPERT_RECENT_DAYS = _env_number("ONESEAL_EXPERT_RECENT_DAYS", 365)
# An intermediary is suspended automatically after this many ratings of at most 2 (of 5), or
# this many late deliveries, within the last 12 months.
ONESEAL_INTERMEDIARY_POOR_RATINGS = _env_number("ONESEAL_INTERMEDIARY_POOR_RATINGS", 3, minimum=1)
ONESEAL_INTERMEDIARY_LATE_DELIVERIES = _env_number(
    "ONESEAL_INTERMEDIARY_LATE_DELIVERIES", 2, minimum=1
)
# The hall's office hours; a decision outside them is an irregular action (e-supervision).
ONESEAL_OFFICE_HOURS = _env("ONESEAL_OFFICE_HOURS", "08:00-18:00")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d", ONESEAL_OFFICE_HOURS):
    raise ImproperlyConfigured(
        f"ONESEAL_OFFICE_HOURS must look like 08:00-18:00, not {ONESEAL_OFFICE_HOURS!r}"
    )
# Working days left on the promised limit at which a case turns yellow, and on the statutory
# limit at which the statutory alarm sounds.
ONESEAL_WARNING_YELLOW_DAYS = _env_number("ONESEAL_WARNING_YELLOW_DAYS", 2)
ONESEAL_WARNING_STATUTORY_DAYS = _env_number("ONESEAL_WARNING_STATUTORY_DAYS", 3)
# Webhooks to the departments' systems (linkage.delivery).
ONESEAL_WEBHOOK_TIMEOUT_SECONDS = _env_number(
    "ONESEAL_WEBHOOK_TIMEOUT_SECONDS", 10, float, minimum=0.1
)
ONESEAL_WEBHOOK_MAX_ATTEMPTS = _env_number("ONESEAL_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
ONESEAL_WEBHOOK_BACKOFF_SECONDS = _env_number("ONESEAL_WEBHOOK_BACKOFF_SECONDS", 30, float)
ONESEAL_WEBHOOK_BACKOFF_MAX_SECONDS = _env_number(
    "ONESEAL_WEBHOOK_BACKOFF_MAX_SECONDS", 6 * 3600, float
)
ONESEAL_WEBHOOK_LEASE_SECONDS = _env_number("ONESEAL_WEBHOOK_LEASE_SECONDS", 60, float, minimum=1)
# The semantic half of the search (search.embeddings); 0 ranks by keywords alone.
SEARCH_EMBEDDINGS = _env_bool("ONESEAL_SEARCH_EMBEDDINGS", True)
# The CJK font printed in documents: "path" or "path#face"; empty = the packaged Noto Sans CJK SC.
DOCUMENT_FONT = _env("ONESEAL_DOCUMENT_FONT", "")
if DOCUMENT_FONT and not Path(DOCUMENT_FONT.partition("#")[0]).is_file():
    raise ImproperlyConfigured(f"ONESEAL_DOCUMENT_FONT names no file: {DOCUMENT_FONT!r}")

# E-mail (expiry reminders and the like). An empty host sends no e-mail at all.
EMAIL_HOST = _env("ONESEAL_EMAIL_HOST", "")
EMAIL_PORT = _env_number("ONESEAL_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = _env("ONESEAL_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _env("ONESEAL_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ONESEAL_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _env("ONESEAL_EMAIL_FROM", "oneseal@localhost")

# --- security -----------------------------------------------------------------------------------

# Behind a reverse proxy that terminates TLS: the header it sets, e.g. "X-Forwarded-Proto"
# (its value must then be "https" for a secure request), and how many proxies stand in front
# (the client's address is then taken from X-Forwarded-For, counted from the right).
_proxy_header = _env("ONESEAL_SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_header):
        raise ImproperlyConfigured(
            f"ONESEAL_SECURE_PROXY_SSL_HEADER must be a header name, not {_proxy_header!r}"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
PROXY_COUNT = _env_number("ONESEAL_PROXY_COUNT", 0)
# HTTPS only in production: redirect, cookies never sent in clear, HSTS for a year.
SECURE_SSL_REDIRECT = _env_bool("ONESEAL_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("ONESEAL_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = _env_number("ONESEAL_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, the row read by a statement built once per connection.
SESSION_ENGINE = "oneseal.interface.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and connections from our own
# origin only — no inline script, no eval (htmx's hx-on is not used), no style element.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Swagger UI's icons are data: images
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Every count that guards against guessing (login lockouts, tracking-code failures, API
# throttles) must hold across all processes of the server: the database cache works on SQLite
# and PostgreSQL without another server. Its table is created by the portal app's migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "oneseal_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
# Logins (staff, applicants, admin, API Basic auth) through django-axes: after
# LOGIN_FAILURE_LIMIT wrong passwords for one user name, or from one address, that user name or
# address is refused for LOGIN_LOCKOUT_MINUTES, even with the right password.
AXES_FAILURE_LIMIT = _env_number("ONESEAL_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = _env_number("ONESEAL_LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the count: it would wipe it for the address too, so a guesser with an
# account of their own could sign in between guesses and never be locked out. Failures older
# than the lockout period no longer count.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "oneseal.clients.client_ip"
AXES_USERNAME_CALLABLE = "oneseal.clients.login_name"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The tracking page's wrong-code lockout (portal.views_track).
TRACK_FAILURES_PER_CLIENT = _env_number("ONESEAL_TRACK_FAILURES_PER_CLIENT", 5, minimum=1)
TRACK_FAILURES_PER_NUMBER = _env_number("ONESEAL_TRACK_FAILURES_PER_NUMBER", 10, minimum=1)
TRACK_LOCK_MINUTES = _env_number("ONESEAL_TRACK_LOCK_MINUTES", 15, minimum=1)
# Requests per client and period on the anonymous endpoints, API and pages alike
# (oneseal.throttling): "N/s", "N/min", "N/hour" or "N/day".
THROTTLE_RATES = {
    "track": _env("ONESEAL_THROTTLE_TRACK", "30/min"),
    "verify": _env("ONESEAL_THROTTLE_VERIFY", "60/min"),
    "search": _env("ONESEAL_THROTTLE_SEARCH", "120/min"),
    "signup": _env("ONESEAL_THROTTLE_SIGNUP", "60/hour"),
}
for _scope, _rate in THROTTLE_RATES.items():
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(
            f"ONESEAL_THROTTLE_{_scope.upper()} must look like 60/min, not {_rate!r}"
        )

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "oneseal.api.errors.exception_handler",
    # The public endpoints that answer a guess (verification) or cost work (search) carry a
    # throttle_scope; the counts live in the database cache, shared by every process. The
    # catalogue's read-only lists have none: each count is a few queries more per request.
    "DEFAULT_THROTTLE_CLASSES": ["oneseal.throttling.ScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "oneseal API",
    "DESCRIPTION": "一枚印章管审批 — catalogue, cases and supervision of an Administrative Approval Bureau.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A region's level and an item's exercise level share values; one enum name for both.
    "ENUM_NAME_OVERRIDES": {"AdministrativeLevelEnum": "oneseal.regions.models.Region.Level"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "oneseal.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("ONESEAL_LOG_LEVEL", "WARNING").upper()},
    # fontTools tells every table it subsets at INFO: noise at any level an operator picks.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# --- limits on what a request may carry (the webhook settings are read above)
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "oneseal.api.pagination.BoundedLimitOffsetPagination"
ONESEAL_API_MAX_LIMIT = _env_number("ONESEAL_API_MAX_LIMIT", 500, minimum=1)
ONESEAL_JSON_MAX_DEPTH = _env_number("ONESEAL_JSON_MAX_DEPTH", 64, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = (
    _env_number("ONESEAL_REQUEST_MAX_KB", 2048, minimum=1) * 1024
)  # bodies, not files
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "oneseal.inputs.RefuseHostileInput",
)
# Outside the messages: a redirect answering site.js's upload is handed back after they are stored.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"),
    "oneseal.interface.middleware.UploadRedirects",
)
ONESEAL_IMPORT_MAX_UNPACKED_MB = _env_number("ONESEAL_IMPORT_MAX_UNPACKED_MB", 50)
ONESEAL_IMPORT_MAX_ROWS = _env_number("ONESEAL_IMPORT_MAX_ROWS", 20000)
ONESEAL_IMPORT_MAX_COLUMNS = _env_number("ONESEAL_IMPORT_MAX_COLUMNS", 200)
ONESEAL_IMPORT_MAX_CELL_CHARS = _env_number("ONESEAL_IMPORT_MAX_CELL_CHARS", 32767)

# --- reuse: the provincial e-licence library's pull endpoint (empty: no pull)
ONESEAL_ELICENCE_LIBRARY_URL = _env("ONESEAL_ELICENCE_LIBRARY_URL", "")
ONESEAL_ELICENCE_LIBRARY_TOKEN = _env("ONESEAL_ELICENCE_LIBRARY_TOKEN", "")
ONESEAL_ELICENCE_LIBRARY_TIMEOUT = _env_number("ONESEAL_ELICENCE_LIBRARY_TIMEOUT", 30, minimum=1)
# --- notifications: quiet hours (Asia/Shanghai by TIME_ZONE), retries, the SMS provider
ONESEAL_NOTIFY_QUIET_HOURS = _env("ONESEAL_NOTIFY_QUIET_HOURS", "22:00-08:00")
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", ONESEAL_NOTIFY_QUIET_HOURS):
    raise ImproperlyConfigured(
        f"ONESEAL_NOTIFY_QUIET_HOURS must be HH:MM-HH:MM, not {ONESEAL_NOTIFY_QUIET_HOURS!r}"
    )
ONESEAL_NOTIFY_MAX_ATTEMPTS = _env_number("ONESEAL_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
ONESEAL_NOTIFY_BACKOFF_SECONDS = _env_number("ONESEAL_NOTIFY_BACKOFF_SECONDS", 60, float, minimum=1)
ONESEAL_SMS_BACKEND = _env("ONESEAL_SMS_BACKEND", "logging")
if ONESEAL_SMS_BACKEND not in ("logging", "aliyun"):
    raise ImproperlyConfigured(
        f"ONESEAL_SMS_BACKEND must be logging or aliyun, not {ONESEAL_SMS_BACKEND!r}"
    )
ONESEAL_SMS_ALIYUN_ENDPOINT = _env("ONESEAL_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
if not re.match(r"https?://", ONESEAL_SMS_ALIYUN_ENDPOINT):
    raise ImproperlyConfigured("ONESEAL_SMS_ALIYUN_ENDPOINT must be an http(s) URL")
ONESEAL_SMS_ALIYUN_ACCESS_KEY_ID = _env("ONESEAL_SMS_ALIYUN_ACCESS_KEY_ID", "")
ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET = _env("ONESEAL_SMS_ALIYUN_ACCESS_KEY_SECRET", "")
ONESEAL_SMS_ALIYUN_SIGN_NAME = _env("ONESEAL_SMS_ALIYUN_SIGN_NAME", "")
ONESEAL_SMS_ALIYUN_TEMPLATE_CODE = _env("ONESEAL_SMS_ALIYUN_TEMPLATE_CODE", "")

# --- operations: logs, health, metrics, backups (oneseal.operations, deploy/)
# "json": one JSON object per log line (oneseal.logs), for journald; "text": plain lines.
ONESEAL_LOG_FORMAT = _env("ONESEAL_LOG_FORMAT", "text")
if ONESEAL_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(
        f"ONESEAL_LOG_FORMAT must be text or json, not {ONESEAL_LOG_FORMAT!r}"
    )
if ONESEAL_LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# /healthz calls the installation unhealthy when no worker beat for this many seconds.
ONESEAL_HEARTBEAT_MAX_AGE = _env_number("ONESEAL_HEARTBEAT_MAX_AGE", 300, minimum=10)
# /metrics answers a bearer token or addresses (CIDR allowed); with neither it does not exist.
ONESEAL_METRICS_TOKEN = _env("ONESEAL_METRICS_TOKEN", "")
if ONESEAL_METRICS_TOKEN and len(ONESEAL_METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("ONESEAL_METRICS_TOKEN must be at least 24 characters")
try:
    ONESEAL_METRICS_ALLOWED_IPS = [
        ipaddress.ip_network(n, strict=False) for n in _env_list("ONESEAL_METRICS_ALLOWED_IPS", "")
    ]
except ValueError as _error:
    raise ImproperlyConfigured(f"ONESEAL_METRICS_ALLOWED_IPS: {_error}") from None
METRICS_ENABLED = bool(ONESEAL_METRICS_TOKEN or ONESEAL_METRICS_ALLOWED_IPS)
if METRICS_ENABLED:
    # django-prometheus' request counts and latencies, first and last around everything else.
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
# Load balancers and Prometheus may call these over plain HTTP on the private address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# The passphrase of `oneseal backup` archives (or --key-file); never written into an archive.
ONESEAL_BACKUP_KEY = _env("ONESEAL_BACKUP_KEY", "")
if ONESEAL_BACKUP_KEY and len(ONESEAL_BACKUP_KEY) < 16:
    raise ImproperlyConfigured("ONESEAL_BACKUP_KEY must be at least 16 characters")
