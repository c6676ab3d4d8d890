"""Django settings for motcua, read from environment variables.

Every value has an embedded default that runs the system on one machine with nothing else
installed (SQLite under ``var/``, local files, local-memory cache, database task queue). Production
sets the variables listed in the README. Helpers live in :mod:`motcua.core.config`.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from motcua.core.config import ensure_secret_key, sqlite_options

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
# A source checkout keeps its files in ./var beside manage.py; an installed package in ./var of the
# directory it runs from, unless MOTCUA_VAR_DIR says otherwise.
_DEFAULT_VAR = BASE_DIR / "var" if (BASE_DIR / "manage.py").exists() else Path.cwd() / "var"
VAR_DIR = Path(env.str("MOTCUA_VAR_DIR", default=str(_DEFAULT_VAR))).resolve()

DEBUG = env.bool("DEBUG", default=False)
# The demo (make demo) turns this on: demo accounts and helpers such as `motcua accounts code`.
MOTCUA_DEMO = env.bool("DEMO", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or ensure_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "motcua.core",
    # Bottom: read by everything above.
    "motcua.places",
    "motcua.catalogue",
    "motcua.accounts",
    "motcua.accounts.devidp",
    "motcua.audit",
    "motcua.notifications",
    # Middle.
    "motcua.registries",
    "motcua.dossiers",
    "motcua.results",
    "motcua.payments",
    "motcua.feedback",
    # Top: only read and listen.
    "motcua.operations",
    "motcua.interop",
]

MIDDLEWARE = [
    "motcua.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "motcua.core.middleware.NulCharacterGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.accounts.middleware.BackOfficeGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "motcua.core.context_processors.display_preferences",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**sqlite_options(), **DATABASES["default"].get("OPTIONS", {})}
    # Tests use a file, not shared-cache memory, so concurrency behaves as in production (WAL + locks).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-motcua.sqlite3")}
# A new connection per request made a simple insert endpoint 4x slower (DESIGN.md, performance).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://motcua")}

# --- Background tasks (django-tasks, database backend by default) --------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A ready task older than this means no worker is keeping up; /healthz then reports "degraded".
MOTCUA_TASK_QUEUE_MAX_LAG_SECONDS = env.int("TASK_QUEUE_MAX_LAG_SECONDS", default=300)

# --- Internationalisation: Vietnamese first, English second ---------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "motcua_lang"
FORMAT_MODULE_PATH = ["motcua.formats"]  # day-first dates in both languages
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Originals are never served from a public path: MEDIA_URL is not routed by motcua.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Signed electronic results (docs/signing.md) --------------------------------------------------
# Per-agency keys: a JSON file mapping agency electronic ids to a PKCS#12 file or a PKCS#11 token.
SIGNING_KEYS = env.str("SIGNING_KEYS", default="")
# Without it: <electronic id>.p12 files here; the demo CA issues missing ones when SIGNING_DEMO_CA.
SIGNING_DIR = Path(env.str("SIGNING_DIR", default=str(VAR_DIR / "signing")))
SIGNING_DEMO_CA = env.bool("SIGNING_DEMO_CA", default=MOTCUA_DEMO or DEBUG)
# PEM files of the roots a result's certificate must chain to (default: the demo CA's).
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])

# Counter digitisation: OCR with tesseract (Vietnamese) when installed; off by choice here.
MOTCUA_OCR_ENABLED = env.bool("OCR_ENABLED", default=True)
MOTCUA_OCR_PAGE_TIMEOUT = env.int("OCR_PAGE_TIMEOUT", default=120)

# --- Security -------------------------------------------------------------------------------------
# Cookies are secure unless the site is served over plain http (the local demo says so explicitly).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# HSTS is only ever sent on https responses; localhost over http never gets it.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of motcua that append X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# --- Sign-in -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out attempts before any password check
    "django.contrib.auth.backends.ModelBackend",
    "motcua.accounts.oidc.CitizenOIDCBackend",
]
LOGIN_URL = "accounts:backoffice-login"
LOGIN_REDIRECT_URL = "/tai-khoan/"
LOGOUT_REDIRECT_URL = "/"
# Citizens: OpenID Connect (authorization code + PKCE) against VNeID, Keycloak or, in the demo, the
# bundled development provider at /dev-idp/. Server-to-server endpoints need absolute URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
MOTCUA_DEV_IDP = env.bool("DEV_IDP", default=False)
if MOTCUA_DEV_IDP and not (MOTCUA_DEMO or DEBUG):
    # Refused at start-up (gunicorn runs no system checks): it signs anyone in.
    raise ImproperlyConfigured("DEV_IDP=true is only for the demo (DEMO=true) or development (DEBUG=true).")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default=f"{SITE_URL}/dev-idp")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    default="/dev-idp/authorize" if MOTCUA_DEV_IDP else f"{OIDC_OP_ISSUER}/authorize",
)
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default=f"{OIDC_OP_ISSUER}/token")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default=f"{OIDC_OP_ISSUER}/userinfo")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default=f"{OIDC_OP_ISSUER}/jwks")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="motcua")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="") or ensure_secret_key(
    VAR_DIR / "oidc-client-secret"
)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile email phone")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_MIN_ASSURANCE_LEVEL = env.int("OIDC_MIN_ASSURANCE_LEVEL", default=2)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_DEV_IDP_ISSUER = env.str("OIDC_DEV_IDP_ISSUER", default="")  # empty: derived from the request
# The development provider signs in the synthetic population (found through this function) with one
# shared demo password, which `make demo` prints.
DEV_IDP_PEOPLE = "motcua.registries.selectors.registry_person_for_sign_in"
DEV_IDP_PASSWORD = env.str("DEV_IDP_PASSWORD", default="")
# Who the business registry names legal representative may act for the business (accounts.authorize
# asks through this function, since accounts sits below registries).
ACCOUNTS_LEGAL_REPRESENTATIVE_CHECK = "motcua.registries.selectors.is_legal_representative"
# Officials: lock out after repeated failures from one username and address (django-axes).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "motcua.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "motcua.core.http.client_ip"  # None without an address: axes stores null
AXES_VERBOSE = False
# Back office: a TOTP code after the password, and sign-out after inactivity.
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="motcua")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # never show officials' TOTP keys in the admin
# Axes counts officials' password failures only: e-ID logins have no password here, and counting
# their failures would let one address lock every citizen behind it out.
AXES_WHITELIST_CALLABLE = "motcua.accounts.signals.axes_ignores"
MOTCUA_BACKOFFICE_IDLE_MINUTES = env.int("BACKOFFICE_IDLE_MINUTES", default=30)
MOTCUA_OTP_ATTEMPTS = 5  # wrong codes allowed per user per 5 minutes
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Argon2 first (issue 4); older hashes are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Logging: one JSON object per line on stdout, no personal data --------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "motcua.core.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Request lines come from RequestLogMiddleware; Django's own copy would duplicate them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # sign-in outcomes are audit records; no usernames in logs
        "fontTools": {"level": "WARNING"},  # font subsetting for PDF slips chatters at INFO
    },
}

# --- Base registries: the local tables unless a URL is set (JSON contract: docs/registries.md) -------
REGISTRY_POPULATION_URL = env.str("REGISTRY_POPULATION_URL", default="")
REGISTRY_BUSINESS_URL = env.str("REGISTRY_BUSINESS_URL", default="")
REGISTRY_DOCUMENT_STORE_URL = env.str("REGISTRY_DOCUMENT_STORE_URL", default="")
REGISTRY_TOKEN = env.str("REGISTRY_TOKEN", default="")
REGISTRY_TIMEOUT = env.float("REGISTRY_TIMEOUT", default=3.0)

# --- Notifications --------------------------------------------------------------------------------
MOTCUA_SMS_GATEWAY = env.str("SMS_GATEWAY", default="motcua.notifications.adapters.local.LocalSmsGateway")
MOTCUA_EMAIL_SENDER = env.str("EMAIL_SENDER", default="motcua.notifications.adapters.local.DjangoEmailSender")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="motcua <no-reply@localhost>")

# --- motcua ---------------------------------------------------------------------------------------
# Office hours of a working day (domain.md §4, configurable): "HH:MM-HH:MM" intervals.
MOTCUA_OFFICE_HOURS = env.list("OFFICE_HOURS", default=["07:30-11:30", "13:00-17:00"])

# --- Operations centre: early warning (domain.md §4, configurable), in WORKING hours -------------------
# Due within remind_within_hours → the assigned official is reminded; late up to
# department_late_up_to_hours → the head(s) of department of the agency handling it; later → the
# head(s) of the competent agency. The worker's scheduler sweeps every sweep_every_minutes.
OPERATIONS_WARNINGS = {
    "remind_within_hours": env.float("WARNING_REMIND_WITHIN_HOURS", default=24),
    "department_late_up_to_hours": env.float("WARNING_DEPARTMENT_LATE_UP_TO_HOURS", default=48),
    "sweep_every_minutes": env.int("WARNING_SWEEP_EVERY_MINUTES", default=15),
    # Who is told, by role key (roles are data, accounts.Role) and, for the reminder when nobody is
    # assigned, by the permission of the officials who handle dossiers.
    "handling_permission": env.str("WARNING_HANDLING_PERMISSION", default="dossier.process"),
    "department_role": env.str("WARNING_DEPARTMENT_ROLE", default="head"),
    "agency_role": env.str("WARNING_AGENCY_ROLE", default="leader"),
}
