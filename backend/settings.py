"""Settings, read only from the environment (see .env.example).

With no variables at all the project runs in its embedded mode: SQLite under var/, kombu's
filesystem broker under var/broker, console SMS and e-mail. Production sets DATABASE_URL,
CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS=true and the mail/SMS settings.
"""

import datetime
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _embedded_secret_key() -> str:
    """A random key kept in var/ so the embedded mode needs no variable and survives restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _embedded_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["testserver"])
# Local addresses always answer, so health checks from inside the container or host work.
ALLOWED_HOSTS += [host for host in ("127.0.0.1", "localhost", "[::1]") if host not in ALLOWED_HOSTS]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL, used in QR codes, SMS links and e-mails (no trailing slash). Unset (the embedded mode),
# it follows PORT, the port `make run` serves on (`PORT=9000 make run`: http://127.0.0.1:9000).
EMBEDDED_PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{EMBEDDED_PORT}").rstrip("/")

# Production behind TLS: HTTPS=true turns on secure cookies, HSTS and the redirect to https.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): scripts only from this site or with the per-request nonce; inline
# styles stay allowed (the loan card, the desk and Swagger UI use them; they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login lockout (django-axes) on the admin, the desk and the API token: after LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused (429) for LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# The client address as the rate limits see it: never a header the client could vary to escape the lock.
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_address"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

INSTALLED_APPS = [
    "backend",  # first, so its admin templates (language picker) override Django's
    "organizations.admin_apps.ScopedAdminConfig",  # django.contrib.admin, scoped autocomplete
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "organizations",
    "inventory",
    "loans",
    "connectivity",
    "messaging",
    "reports",
    "privacy",
    "frontend",
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
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees a view's database errors before any other middleware turns them into a 500.
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

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
            ],
        },
    },
]

# Database: embedded SQLite file unless DATABASE_URL is set (postgres://user:pass@host:5432/name).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat read while one of them writes;
    # IMMEDIATE takes the write lock at the start of a transaction instead of failing midway.
    # A 64 MB page cache and memory-mapped reads per connection; connections are kept (CONN_MAX_AGE below),
    # so a request neither reopens the file nor starts with a cold cache.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
# Each web thread and worker keeps its connection for a minute: no connect (and, on SQLite, no cold page
# cache) per request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# Internationalisation: staff pages in Dutch, French and English.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="nl")
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
]
# Languages a participant can choose for SMS, letters and their loan card.
PARTICIPANT_LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS: list = [BASE_DIR / "core" / "locale"]  # core is no app; each app keeps its own in <app>/locale
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
# English dates as Brussels writes them (backend/formats/en): 29/01/2027, 16:00; nl, fr and ar keep Django's.
FORMAT_MODULE_PATH = ["backend.formats"]
USE_TZ = True

PHONENUMBER_DEFAULT_REGION = "BE"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: console in the embedded mode; EMAIL_URL=smtp+tls://user:pass@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="lendwise@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.auth.TokenAuthentication",  # DRF's, with the caller's roles in the same query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",  # DRF's JSON, encoded by orjson (the same bytes, faster)
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.RequestedFiltersBackend",  # django-filter's, building only the named filters
        "rest_framework.filters.SearchFilter",
        "core.api.filters.StableOrderingFilter",  # the id last, so pages neither repeat nor skip rows
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.LendwiseAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # Rate limits count per client address: REMOTE_ADDR, or the proxy's last X-Forwarded-For hop behind
    # one. Never the whole header, which a client could vary to escape the limit.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "DEFAULT_THROTTLE_RATES": {
        "public_token": env.str("PUBLIC_TOKEN_RATE", default="30/minute"),
        "login": env.str("LOGIN_RATE", default="10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lendwise API",
    "DESCRIPTION": "Device loans, affordable-internet codes and funder reports for digital-inclusion non-profits.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.collapse_blank_alternatives",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "organizations.choices.Role",
        "DeviceStatusEnum": "inventory.choices.DeviceStatus",
        "DeviceKindEnum": "inventory.choices.DeviceKind",
        "PaymentKindEnum": "loans.choices.PaymentKind",
        "ConsentChannelEnum": "privacy.choices.ConsentChannel",
        "CallOutcomeEnum": "loans.choices.CallOutcome",
        "RepairOutcomeEnum": "inventory.choices.RepairOutcome",
        "DonorKindEnum": "inventory.choices.DonorKind",
        "ConditionGradeEnum": "inventory.choices.ConditionGrade",
        "WipeMethodEnum": "inventory.choices.WipeMethod",
        "PaymentMethodEnum": "loans.choices.PaymentMethod",
        "SmsLanguageEnum": "messaging.texts.SUPPORTED_LANGUAGES",
    },
}

# Cache (rate limits, login lockout): a database table unless CACHE_URL is set (redis://host:6379/1).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://cache_table")}

# Celery: the embedded default is kombu's filesystem transport (no server); production uses Redis.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
    CELERY_BROKER_DISPLAY = f"filesystem {BROKER_DIR}"
else:
    # A web request that hands a task to a broker that is down gives up at once (one retry, no
    # backoff): the work is already in the database and the next beat scan does it. Workers keep
    # reconnecting on their own (broker_connection_retry).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
    CELERY_BROKER_DISPLAY = CELERY_BROKER_URL.split("@")[-1]
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A pool process that dies mid-task (OOM killer) gives its message back to the broker: tasks are
# idempotent (the database says what is left to do), so running one again never repeats work.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# ...but not for ever: a task whose process dies each time it runs is dropped after this many deliveries
# (backend.celery.CappedRedeliveryTask; counted in the cache, logged as an error).
CELERY_TASK_MAX_DELIVERIES = env.int("CELERY_TASK_MAX_DELIVERIES", default=3)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "backend.tasks.heartbeat", "schedule": 60.0},
    "inventory-device-counts-compact": {"task": "inventory.device_counts_compact", "schedule": 600.0},
    "loans-daily": {"task": "loans.tasks.loans_daily_task", "schedule": crontab(hour=6, minute=15)},
    "loans-centre-sessions-close": {"task": "loans.centre_sessions_close", "schedule": 60.0},
    "connectivity-codes-expire": {"task": "connectivity.codes_expire", "schedule": crontab(hour=2, minute=10)},
    "connectivity-cheques-expire": {"task": "connectivity.digicheques_expire", "schedule": crontab(hour=2, minute=20)},
    "connectivity-code-rechecks": {"task": "connectivity.code_rechecks", "schedule": crontab(hour=6, minute=30)},
    "sms-reminders": {"task": "messaging.tasks.sms_reminders_task", "schedule": 120.0},
    "reports-monthly": {"task": "reports.tasks.report_subscriptions_send_task", "schedule": crontab(hour=7, minute=0)},
    "organizations-public-holidays": {
        "task": "organizations.public_holidays_fill",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    "privacy-retention": {
        "task": "privacy.tasks.participants_anonymise_due_task",
        "schedule": crontab(hour=3, minute=30),
    },
}

# SMS (see docs/messaging.md): console|locmem|twilio|http or a dotted path to a backend class.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_SENDING_HOURS = tuple(env.list("SMS_SENDING_HOURS", default=["09:00", "20:00"]))
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)
# A STOP or START counts for the organisations that messaged the number in these many days before it.
SMS_REPLY_WINDOW_DAYS = env.int("SMS_REPLY_WINDOW_DAYS", default=14)
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_FROM = env.str("SMS_HTTP_FROM", default="Lendwise")
SMS_HTTP_WEBHOOK_SECRET = env.str("SMS_HTTP_WEBHOOK_SECRET", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Phone numbers, internet codes and loan-card tokens are masked in every log line (privacy/logfilter.py).
    "filters": {
        "mask_personal_data": {"()": "privacy.logfilter.MaskPersonalData"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; the attempts are in the database (admin "Axes"), lockouts at WARNING.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Replaces Django's own unfiltered handlers: its records reach the masked root console.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "privacy.logfilter.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "privacy.logfilter.PersonalDataExceptionReporter"
