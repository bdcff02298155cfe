"""The one settings module. Every value an operator may change comes from the environment;
the defaults run the embedded demo (SQLite and local files under ./var). What officials
change at run time (calendar, fees, thresholds) lives in the database, not here.

Environment:
  DATABASE_URL            default sqlite:///<ONESEAL_VAR>/oneseal.sqlite3; postgres://… in production
  ONESEAL_VAR             directory for the SQLite file and uploads, default ./var
  ONESEAL_SECRET_KEY      required when ONESEAL_DEBUG is off
  ONESEAL_DEBUG           "1" (default) or "0"
  ONESEAL_ALLOWED_HOSTS   comma-separated, default "127.0.0.1,localhost"
  ONESEAL_UPLOAD_MAX_MB   largest accepted upload, default 20
  ONESEAL_UPLOAD_TYPES    kinds of case upload accepted, default "pdf,jpg,png"
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ONESEAL_VAR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("ONESEAL_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("ONESEAL_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("ONESEAL_SECRET_KEY must be set when ONESEAL_DEBUG=0")
    SECRET_KEY = "oneseal-development-key-not-for-production"
ALLOWED_HOSTS = os.environ.get("ONESEAL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
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
    "oneseal.esupervision",
    "oneseal.workbench",
    "oneseal.portal",
    "oneseal.api",
    "oneseal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
        conn_max_age=int(os.environ.get("ONESEAL_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the worker and the web server read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )
    # The covering indexes' INCLUDE columns are for PostgreSQL; SQLite builds the same index
    # without them, which is what the embedded default wants. Don't warn on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The statistics and roll-up queries are short; PostgreSQL's JIT compiled them for 2–3 s
    # each on this kind of machine (bench/supervision.py) and saved nothing.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # runserver and tests serve from the apps; production runs collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = int(os.environ.get("ONESEAL_UPLOAD_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# Kinds of file applicants may upload for a case material (see cases.actions.intake.UPLOAD_KINDS).
UPLOAD_TYPES = [t.strip().lower() for t in os.environ.get("ONESEAL_UPLOAD_TYPES", "pdf,jpg,png").split(",") if t.strip()]

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONESEAL_LOG_LEVEL", "WARNING")},
}

# --- hardening (issue 12 points 5 and 6): webhook leases and limits on what a request may carry
ONESEAL_WEBHOOK_LEASE_SECONDS = float(os.environ.get("ONESEAL_WEBHOOK_LEASE_SECONDS", "60"))
ONESEAL_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ONESEAL_WEBHOOK_TIMEOUT_SECONDS", "10"))
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "oneseal.api.pagination.BoundedLimitOffsetPagination"
ONESEAL_API_MAX_LIMIT = int(os.environ.get("ONESEAL_API_MAX_LIMIT", "500"))
ONESEAL_JSON_MAX_DEPTH = int(os.environ.get("ONESEAL_JSON_MAX_DEPTH", "64"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("ONESEAL_REQUEST_MAX_KB", "2048")) * 1024  # bodies, not files
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "oneseal.inputs.RefuseHostileInput")
ONESEAL_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("ONESEAL_IMPORT_MAX_UNPACKED_MB", "50"))
ONESEAL_IMPORT_MAX_ROWS = int(os.environ.get("ONESEAL_IMPORT_MAX_ROWS", "20000"))
ONESEAL_IMPORT_MAX_COLUMNS = int(os.environ.get("ONESEAL_IMPORT_MAX_COLUMNS", "200"))
ONESEAL_IMPORT_MAX_CELL_CHARS = int(os.environ.get("ONESEAL_IMPORT_MAX_CELL_CHARS", "32767"))
