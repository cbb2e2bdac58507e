"""Settings for kefu, read from ``KEFU_*`` environment variables (docs/operations.md)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("KEFU_DATA_DIR") or "var").resolve()
# The data directory holds personal data and the secrets: its owner alone may enter it.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _read_or_create_secret(path: Path) -> str:
    """Generate the secret once; O_EXCL keeps two first starts from writing different keys."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


SECRET_KEY = os.environ.get("KEFU_SECRET_KEY") or _read_or_create_secret(DATA_DIR / "secret_key")


def _create_data_keys(path: Path) -> None:
    """The keys that encrypt ID numbers (kefu/core/crypto.py), made once, like the secret."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    index = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    with os.fdopen(fd, "w") as handle:
        handle.write(
            "# kefu's data keys (docs/security.md): keep this file with kefu, never beside the\n"
            "# database's backups. The first key: line encrypts; every key: line decrypts.\n"
            f"index:{index}\nkey:{key}\n"
        )


# Entries `index:…` and `key:…` (kefu/core/crypto.py); when the variable is unset, the file.
KEFU_DATA_KEYS = os.environ.get("KEFU_DATA_KEYS", "")
KEFU_DATA_KEYS_FILE = DATA_DIR / "data_keys"
if not KEFU_DATA_KEYS:
    _create_data_keys(KEFU_DATA_KEYS_FILE)
# Key files copied in by hand or left wider by an older kefu are narrowed at every start.
for _key_file in (DATA_DIR / "secret_key", DATA_DIR / "data_keys"):
    if _key_file.is_file() and _key_file.stat().st_mode & 0o077:
        _key_file.chmod(0o600)

DEBUG = env_bool("KEFU_DEBUG")
ALLOWED_HOSTS = env_list("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KEFU_CSRF_TRUSTED_ORIGINS", "")

# Behind TLS (a load balancer or nginx) set KEFU_HTTPS=1: cookies become secure, HTTP
# redirects to HTTPS and browsers are told to remember it.
HTTPS = env_bool("KEFU_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KEFU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# How many proxies in front of kefu append to X-Forwarded-For (the client's address is
# the hop the nearest one appended); without a proxy the header is ignored.
KEFU_PROXY_COUNT = int(os.environ.get("KEFU_PROXY_COUNT", "1" if HTTPS else "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (docs/security.md, "Output"): scripts, styles,
# images and requests from kefu's own origin only; no inline script, no inline style, no
# eval. Templates keep their JavaScript in static files (kefu/web/static/web/kefu.js).
# KEFU_CSP_REPORT_ONLY=1 only reports what the policy would block, for trying a change.
CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": ["/csp-report/"],
}
if env_bool("KEFU_CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "django_htmx",
    "django_q",
    "csp",
    "kefu.core",
    "kefu.customers",
    "kefu.contacts",
    "kefu.tickets",
    "kefu.knowledge",
    "kefu.telephony",
    "kefu.workforce",
    "kefu.quality",
    "kefu.satisfaction",
    "kefu.supervision",
    "kefu.metrics",
    "kefu.insights",
    "kefu.web",
    # Last: the project level, whose commands (`kefu demo`) reach every app above.
    "kefu.apps.ProjectConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kefu.core.middleware.RequestContextMiddleware",
    "kefu.core.middleware.SessionTimeoutMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kefu.core.context_processors.calendar_coverage",
                "kefu.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KEFU_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kefu.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "kefu.core.sqlite"
    # Each gunicorn thread keeps its connection: opening one and running the pragmas
    # costs more than a whole indexed query.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction starts, so concurrent writers queue
        # on busy_timeout instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-20000;"
            "PRAGMA mmap_size=268435456;"
        ),
    }
else:
    # PostgreSQL: persistent connections, checked before each request's first query, and
    # server-side binding so psycopg prepares the statements a process runs again and
    # again: planning the work-order lookup with its joins costs more than running it.
    # (No connection pool: the worker's forked processes would inherit its connections.)
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are PostgreSQL's; on SQLite the same index simply has no
# extra columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Where the telephone platform serves a call's recording, `{call_id}` standing for the
# call's id (e.g. https://pbx.example.cn/recordings/{call_id}.wav); empty: no link.
KEFU_RECORDING_URL = os.environ.get("KEFU_RECORDING_URL", "")

REDIS_URL = os.environ.get("KEFU_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    Q_BROKER: dict[str, object] = {"redis": REDIS_URL}
else:
    # A database cache is shared by every gunicorn worker and machine, which rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kefu_cache",
        }
    }
    Q_BROKER = {"orm": "default"}

Q_CLUSTER = {
    "name": "kefu",
    "workers": int(os.environ.get("KEFU_WORKERS", "2")),
    "timeout": 120,
    "retry": 180,
    "catch_up": False,
    "label": "Django Q",
    **Q_BROKER,
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["kefu.core.backends.RoleBackend"]
# Every password a person sets (their own on the password page, or an admin's for them)
# must pass these; Django's own translations give their messages in Chinese.
KEFU_PASSWORD_MIN_LENGTH = int(os.environ.get("KEFU_PASSWORD_MIN_LENGTH", "10"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": KEFU_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
# A form refused by the CSRF check says so in the product's layout and language.
CSRF_FAILURE_VIEW = "kefu.web.errors.csrf_failure"
LOGIN_REDIRECT_URL = "/"

# Sign-in throttling (web login, admin login and the API's token endpoint alike): after
# this many failed sign-ins for one user name, or from one client address, within the
# lock-out time, further tries are refused for the lock-out time without checking the
# password. An office behind one NAT address shares the address limit, hence its size.
KEFU_SIGNIN_USER_FAILURES = int(os.environ.get("KEFU_SIGNIN_USER_FAILURES", "5"))
KEFU_SIGNIN_ADDRESS_FAILURES = int(os.environ.get("KEFU_SIGNIN_ADDRESS_FAILURES", "30"))
KEFU_SIGNIN_LOCKOUT_SECONDS = int(os.environ.get("KEFU_SIGNIN_LOCKOUT_SECONDS", "900"))
# A signed-in page session ends after this long without a request the person made
# (background polls do not count), and in any case this long after signing in.
KEFU_SESSION_IDLE_SECONDS = int(os.environ.get("KEFU_SESSION_IDLE_SECONDS", "1800"))
KEFU_SESSION_MAX_SECONDS = int(os.environ.get("KEFU_SESSION_MAX_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = KEFU_SESSION_MAX_SECONDS

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]


def _recorded_time_zone() -> str:
    """The centre's time zone as `kefu init` recorded it in the data directory, if it did."""
    try:
        return (DATA_DIR / "time_zone").read_text().strip()
    except FileNotFoundError:
        return ""


# The zone times are shown and working days counted in: KEFU_TIME_ZONE, else the centre's
# (recorded by `kefu init`), else China's.
TIME_ZONE = os.environ.get("KEFU_TIME_ZONE") or _recorded_time_zone() or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (knowledge attachments) and the folders made for them: owner only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get(
    "KEFU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_FROM_EMAIL", "kefu@localhost")
# The SMTP server, with KEFU_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KEFU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEFU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEFU_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = env_bool("KEFU_EMAIL_SSL")
EMAIL_USE_TLS = env_bool("KEFU_EMAIL_STARTTLS")
EMAIL_TIMEOUT = int(os.environ.get("KEFU_EMAIL_TIMEOUT", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The three-field check is a way to probe identities: keep it slow for guessers.
KEFU_IDENTITY_CHECK_RATE = os.environ.get("KEFU_IDENTITY_CHECK_RATE", "10/m")
# API tokens live this long (seconds) after they are issued: 30 days unless set.
KEFU_TOKEN_TTL = int(os.environ.get("KEFU_TOKEN_TTL", str(30 * 86400)))
# The worker writes its heartbeat this often; /healthz calls it degraded when the last beat
# is older than the first figure, or a task has waited longer than the second (seconds).
KEFU_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("KEFU_WORKER_HEARTBEAT_SECONDS", "10"))
KEFU_HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("KEFU_HEALTH_WORKER_STALE_SECONDS", "60"))
KEFU_HEALTH_QUEUE_STALE_SECONDS = int(os.environ.get("KEFU_HEALTH_QUEUE_STALE_SECONDS", "300"))
# A create's Idempotency-Key (or a form's one-time token) is remembered this long (seconds).
KEFU_IDEMPOTENCY_KEY_TTL = int(os.environ.get("KEFU_IDEMPOTENCY_KEY_TTL", str(24 * 3600)))
# Years the official holiday calendar must cover, counted from today, before kefu warns.
KEFU_KB_EXPIRY_WARNING_DAYS = int(os.environ.get("KEFU_KB_EXPIRY_WARNING_DAYS", "7"))
KEFU_KB_ATTACHMENT_MAX_BYTES = int(os.environ.get("KEFU_KB_ATTACHMENT_MAX_BYTES", str(10 * 2**20)))
# Knowledge imports (kefu/knowledge/documents): the file given (one document or a .zip) at
# most this large; a .zip or folder at most this much once unpacked, in at most so many
# files (a zip bomb is refused before anything is unpacked).
KEFU_KB_IMPORT_MAX_BYTES = int(os.environ.get("KEFU_KB_IMPORT_MAX_BYTES", str(50 * 2**20)))
KEFU_KB_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("KEFU_KB_IMPORT_MAX_UNPACKED_BYTES", str(200 * 2**20))
)
KEFU_KB_IMPORT_MAX_FILES = int(os.environ.get("KEFU_KB_IMPORT_MAX_FILES", "1000"))
KEFU_TICKET_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("KEFU_TICKET_ATTACHMENT_MAX_BYTES", str(10 * 2**20))
)
KEFU_CUSTOMER_DOCUMENT_MAX_BYTES = int(
    os.environ.get("KEFU_CUSTOMER_DOCUMENT_MAX_BYTES", str(10 * 2**20))
)
# Imports from the import page: files larger than this are refused before they are read;
# an import may run this long in the worker.
KEFU_IMPORT_MAX_BYTES = int(os.environ.get("KEFU_IMPORT_MAX_BYTES", str(100 * 2**20)))
KEFU_IMPORT_TIMEOUT = int(os.environ.get("KEFU_IMPORT_TIMEOUT", str(4 * 3600)))
# A rota's solve (issue 17 point 3) runs this many seconds at most in the worker (the
# worker's retry, 180 s, must stay above it plus a minute).
KEFU_ROTA_TIME_LIMIT = float(os.environ.get("KEFU_ROTA_TIME_LIMIT", "60"))
KEFU_CALENDAR_HORIZON_DAYS = int(os.environ.get("KEFU_CALENDAR_HORIZON_DAYS", "60"))

NINJA_PAGINATION_PER_PAGE = 20
# Dotted path of the class that sends SMS (kefu.core.sms.Gateway); the default only logs.
KEFU_SMS_GATEWAY = os.environ.get("KEFU_SMS_GATEWAY", "kefu.core.sms.LogGateway")
# The cloud SMS providers (kefu/satisfaction/providers/, docs/operations.md), each set by
# KEFU_SMS_<PROVIDER>_<FIELD>; TEMPLATES is a JSON object from kefu's template names to the
# provider's approved templates. Pushed receipts and replies must carry CALLBACK_TOKEN.
KEFU_SMS_CALLBACK_TOKEN = os.environ.get("KEFU_SMS_CALLBACK_TOKEN", "")
# Where the provider cannot push: the worker asks it for receipts (pull mode).
KEFU_SMS_PULL_RECEIPTS = env_bool("KEFU_SMS_PULL_RECEIPTS")
KEFU_SMS_ALIYUN = {
    field: os.environ.get(f"KEFU_SMS_ALIYUN_{field.upper()}", default)
    for field, default in {
        "access_key_id": "",
        "access_key_secret": "",
        "region": "cn-hangzhou",
        "endpoint": "",
        "protocol": "https",
        "sign_name": "",
        "templates": "{}",
        "timeout_seconds": "10",
    }.items()
}
KEFU_SMS_TENCENT = {
    field: os.environ.get(f"KEFU_SMS_TENCENT_{field.upper()}", default)
    for field, default in {
        "secret_id": "",
        "secret_key": "",
        "region": "ap-guangzhou",
        "endpoint": "",
        "protocol": "https",
        "sdk_app_id": "",
        "sign_name": "",
        "templates": "{}",
        "timeout_seconds": "10",
    }.items()
}
# The address customers reach kefu at: survey links sent by SMS and e-mail begin with it.
KEFU_PUBLIC_URL = os.environ.get("KEFU_PUBLIC_URL", "http://localhost:8000")
# PIPL: days after which contacts' and closed work orders' personal fields are anonymised
# (a centre may set its own in the admin); 0 keeps them.
KEFU_RETENTION_DAYS = int(os.environ.get("KEFU_RETENTION_DAYS", str(3 * 365)))
# How many contacts and orders one run of the retention sweep anonymises at most.
KEFU_RETENTION_BATCH = int(os.environ.get("KEFU_RETENTION_BATCH", "2000"))
