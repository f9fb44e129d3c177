"""Settings read from the environment (12-factor).

With nothing set the portal runs on an embedded default: a SQLite file under ``var/``, Celery tasks run eagerly,
e-mail goes to the console, uploads stay on local disk and a development secret key is generated once.
Setting ``DATABASE_URL``, ``REDIS_URL`` and ``SECRET_KEY`` switches to PostgreSQL, Celery on Redis and the
production security settings. ``docs/operations.md`` lists every variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

# Issue 20: cohesive blocks live beside this file; their names are settings like the ones below.
from portal.settings_celery import (  # noqa: F401  (settings)
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP,
    CELERY_BROKER_CONNECTION_TIMEOUT,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_IMPORTS,
    CELERY_RESULT_BACKEND,
    CELERY_TASK_ACKS_LATE,
    CELERY_TASK_EAGER_PROPAGATES,
    CELERY_TASK_PUBLISH_RETRY,
    CELERY_TASK_REJECT_ON_WORKER_LOST,
    CELERY_TASK_SOFT_TIME_LIMIT,
    CELERY_TASK_TIME_LIMIT,
    CELERY_WORKER_MAX_MEMORY_PER_CHILD,
    CELERY_WORKER_MAX_TASKS_PER_CHILD,
    CELERY_WORKER_PREFETCH_MULTIPLIER,
    beat_schedule,
)
from portal.settings_registries import (  # noqa: F401  (settings)
    LOGGING,
    PORTAL_DEADLINE_REMINDERS,
    PORTAL_DEMO_BUILDERS,
    PORTAL_HASH_CHAINS,
    PORTAL_HOME_PANELS,
    WORKSTATIONS_EXIT_EVIDENCE,
    WORKSTATIONS_PAGE_SECTIONS,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _dev_secret_key() -> str:
    """A per-checkout key for the embedded default, generated once and kept under ``var/``."""
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PRODUCTION = "SECRET_KEY" in os.environ
SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Tamper evidence (issue 14 item 3; docs/operations.md "Audit key and checkpoints"): the audit trail and the ledgers
# are chained with HMAC-SHA256 under this key, which lives in the environment and never in the database. The demo and
# the tests derive one from the secret key; production sets its own (manage.py check --deploy warns otherwise).
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY") or f"dev-audit-chain:{SECRET_KEY}"
# Where the scheduled checkpoints of the chain heads are appended (outside the database), and how often.
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("AUDIT_CHECKPOINT_FILE", VAR_DIR / "checkpoints" / "chain-heads.jsonl"))
AUDIT_CHECKPOINT_SECONDS = float(os.environ.get("AUDIT_CHECKPOINT_SECONDS", "3600"))
# The verified chains (PORTAL_HASH_CHAINS): portal/settings_registries.py.

# Key for personal data encrypted at rest (ID and phone numbers). A comma-separated list: the first key encrypts,
# all keys decrypt, so that ``manage.py rotate_field_key`` can re-encrypt after a new key is put first.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "") or [f"dev:{SECRET_KEY}"]

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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "portal",
    "workstations",
    "applications",
    "review",
    "subsidies",
]

MIDDLEWARE = [
    # First: a body over PORTAL_MAX_REQUEST_BYTES is refused from its Content-Length, before anything reads it.
    "portal.middleware.RequestBodyLimitMiddleware",
    "portal.errorpages.MaintenanceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages for anonymous visitors, answered before sessions and the rest (review.publicity.fastpath).
    "review.publicity.fastpath.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "portal.middleware.TwoFactorMiddleware",
    "portal.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Ballot secrecy (docs/ballot-secrecy.md): requests to these views never reach the audit trail.
AUDIT_EXCLUDED_URL_NAMES: list[str] = ["review:ballot_confirm", "review:ballot_cast", "review:receipt_check"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Least privilege (docs/operations.md "Database roles"): migrations run as the owner role named in DATABASE_URL of
# the migrate step; web and workers log in as this application role, which the post-migrate hook grants only what it
# needs (portal/dbroles.py). Empty: no grants (the embedded SQLite default, or a single-role development database).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
# The append-only tables: model label → the columns that may be filled in once after the insert. The database refuses
# UPDATE, DELETE and TRUNCATE on them (triggers) and the application role holds only SELECT and INSERT.
APPEND_ONLY_MODELS: dict[str, tuple[str, ...]] = {
    "portal.AuditEvent": (),
    "portal.OfficialDocument": ("pdf",),  # issued documents: the stored PDF is written once, after the number
    "subsidies.Entry": (),
    "subsidies.EntryReceipt": (),
    "workstations.TransitionLog": (),
    "review.Participation": (),
    "review.Ballot": (),
    "review.Receipt": (),  # the sealed-ballot receipts (issue 13); skipped while the model does not exist
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database is a file under var/ (not in memory), so that a local ``pytest`` keeps it between runs
    # (``--reuse-db`` in pyproject.toml) and pays for migrations once; scripts/test.sh (CI) passes ``--create-db``.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}

# While this file exists every request gets the static 503 page (``manage.py maintenance on|off``; issue 22).
MAINTENANCE_FLAG_FILE = Path(os.environ.get("PORTAL_MAINTENANCE_FILE", VAR_DIR / "maintenance"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# MLPS 2.0 practice: lock for 30 minutes after 5 failed logins (SPEC §5).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The account is what MLPS practice locks; locking by address too would lock out a whole county office behind one
# NAT address when one clerk mistypes. docs/decisions.md explains.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "portal.http.client_ip"
AXES_USERNAME_CALLABLE = "portal.signals.axes_username"

# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated; docs/operations.md).
# Empty by default: the connecting address is the client, and a forged header from outside changes nothing.
PORTAL_TRUSTED_PROXIES = env_list("PORTAL_TRUSTED_PROXIES", "")

# Log out after inactivity (SPEC §5): the session expires PORTAL_IDLE_MINUTES after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("PORTAL_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Two-factor login for city staff, experts and supervisors (SPEC §5) is enforced in production; the embedded demo
# offers it to everyone without forcing it, so that the demo logins work without an authenticator app.
PORTAL_REQUIRE_2FA = env_bool("PORTAL_REQUIRE_2FA", default=PRODUCTION)
# The admin never shows a TOTP key, its QR code or a recovery code (portal/admin.py also hides them).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = "平顶山市大众创业指导大师工作室管理平台"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploaded evidence is private: kept outside any public path, served only through permission-checking views.
    # Files are written whole and only when their transaction commits (portal/storage.py, issue 22).
    "private": {
        "BACKEND": "portal.storage.TransactionalFileSystemStorage",
        "OPTIONS": {"location": str(Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private")))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Request bodies are capped before they are read (issue 14): form fields (not files) at 2.5 MB, uploads kept in
# memory up to 2.5 MB and spooled to disk beyond, and the whole body (files included) at PORTAL_MAX_REQUEST_BYTES,
# checked from Content-Length by portal.middleware.RequestBodyLimitMiddleware for anonymous requests too. The same
# figure is the proxy's client_max_body_size (docs/operations.md) and gunicorn's guard (gunicorn.conf.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2621440)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2621440)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
PORTAL_MAX_REQUEST_BYTES = int(os.environ.get("PORTAL_MAX_REQUEST_BYTES", str(40 * 1024 * 1024)))
# Issue 21: every staff list is a page of this many rows (portal/paging.py); the review pages' attendance matrix shows
# this many experts × PORTAL_MATRIX_COLUMNS candidates a page.
PORTAL_PAGE_SIZE = int(os.environ.get("PORTAL_PAGE_SIZE", "50"))
PORTAL_MATRIX_COLUMNS = int(os.environ.get("PORTAL_MATRIX_COLUMNS", "10"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Issue 22: a hung Redis costs one timeout, then portal.redisguard skips it for a while.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = beat_schedule(AUDIT_CHECKPOINT_SECONDS)
# The other CELERY_* settings: portal/settings_celery.py.

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@rsj.pds.example")
# Issue 22: an SMTP server that does not answer holds a worker at most this long (Django waits forever by default).
EMAIL_TIMEOUT = 10
# A notification being mailed is leased this long; a sender that dies leaves it to the sweeper after the lease.
NOTIFICATION_EMAIL_LEASE_SECONDS = int(os.environ.get("NOTIFICATION_EMAIL_LEASE_SECONDS", "300"))

# Production security (``manage.py check --deploy`` is clean with these).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# LOGGING and the stage apps' registries (PORTAL_HOME_PANELS, PORTAL_DEMO_BUILDERS, PORTAL_HASH_CHAINS,
# PORTAL_DEADLINE_REMINDERS, WORKSTATIONS_*): portal/settings_registries.py.

# Uniform plaque specification (Art. 6(5)): one size and layout for every plaque.
PLAQUE_SPEC = {"width_mm": 600, "height_mm": 400, "issuer": "平顶山市人力资源和社会保障局"}
ISSUING_AUTHORITY = "平顶山市人力资源和社会保障局"
DOCUMENT_NUMBER_PREFIX = "平人社"
# The office's series (机关代字) per kind of document; numbers themselves are assigned by the office and entered by
# staff (docs/documents.md). A kind not listed uses DOCUMENT_NUMBER_PREFIX.
DOCUMENT_SERIES = {
    "confirmation": "平人社",
    "deregistration": "平人社",
    "revocation": "平人社",
    "call": "平人社",
}
# Plaque numbers: a format with {year} and {seq}; the bureau confirms its scheme (docs/decisions.md, issue 17).
PLAQUE_NUMBER_FORMAT = os.environ.get("PLAQUE_NUMBER_FORMAT", "平创导{year}-{seq:03d}")
# The public address printed in the QR codes of issued documents and plaques (扫码验真).
PORTAL_PUBLIC_URL = os.environ.get("PORTAL_PUBLIC_URL", "http://127.0.0.1:8000")
# Art. 11(4) decisions name where they can be challenged (行政复议 within 60 days, 行政诉讼 within 6 months). The
# bureau's legal office confirms the court; "有管辖权的人民法院" is the wording used until it does (docs/decisions.md).
ADMINISTRATIVE_REMEDIES = {
    "review_body": os.environ.get("REMEDY_REVIEW_BODY", "平顶山市人民政府"),
    "court": os.environ.get("REMEDY_COURT", "有管辖权的人民法院"),
}
# An uploaded PDF checked on the public verification page is at most this large.
VERIFY_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# Art. 11(1): the term of a recognised workstation, ended by the end-of-term evaluation (期满评估). This and the ban
# below are read once, by the data migration writing version 1 of the measures' numbers (portal/measures); later
# changes are entered as versions at /measures/.
WORKSTATION_TERM_YEARS = int(os.environ.get("WORKSTATION_TERM_YEARS", "3"))
# After a revocation (撤销) the host unit may not apply again for this many years (0: no ban; docs/decisions.md).
WORKSTATION_REAPPLY_BAN_YEARS = int(os.environ.get("WORKSTATION_REAPPLY_BAN_YEARS", "3"))
# Art. 8: the one-time city grant when the call does not name an amount (comparable schemes: 50,000–100,000 yuan).
SUBSIDY_DEFAULT_CITY_GRANT = os.environ.get("SUBSIDY_DEFAULT_CITY_GRANT", "50000.00")
# Plausible bounds of a ledger entry (issue 14): at most this many yuan in one entry (a typo of a few extra digits is
# refused, 0.01 is allowed), and no date before the measures were issued. 平人社办〔2024〕44号 took effect on issue
# (第十四条 "自下发之日起试行"); the text carries no day, so the default is the first day of its year.
SUBSIDY_MAX_ENTRY_AMOUNT = os.environ.get("SUBSIDY_MAX_ENTRY_AMOUNT", "1000000.00")
MEASURES_ISSUED_ON = os.environ.get("MEASURES_ISSUED_ON", "2024-01-01")

PORTAL_SITE_NAME = _("Pingdingshan Mass-Entrepreneurship Mentor Workstation Portal")
