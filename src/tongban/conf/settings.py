"""Settings for every deployment: values come from the environment through conf.env."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from tongban.conf.env import env_bool, env_int, env_list, env_path, env_str
from tongban.conf.keys import oidc_private_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("TONGBAN_VAR_DIR", Path.cwd() / "var")

# demo: the fictional city with demo plugins; production: refuses demo plugins and insecure defaults.
TONGBAN_MODE = env_str("TONGBAN_MODE", "demo")
if TONGBAN_MODE not in {"demo", "production"}:
    raise RuntimeError(f"TONGBAN_MODE must be 'demo' or 'production', not {TONGBAN_MODE!r}")
DEMO_MODE = TONGBAN_MODE == "demo"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "demo-only-secret-key-not-for-production" if DEMO_MODE else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set in production mode")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "oauth2_provider",
    "tongban.core",
    "tongban.identity",
    "tongban.catalog",
    "tongban.registry",
    "tongban.exchange",
    "tongban.licenses",
    "tongban.forms",
    "tongban.cases",
    "tongban.bundles",
    "tongban.feedback",
    "tongban.ui",
    "tongban.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongban.core.nul.NulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongban.core.sessions.SessionRefreshMiddleware",
    "tongban.ui.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tongban.core.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongban.ui.middleware.ElderModeMiddleware",
]

ROOT_URLCONF = "tongban.conf.urls"
WSGI_APPLICATION = "tongban.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.ui.context_processors.ui",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # A kept connection (DB_CONN_MAX_AGE > 0) is tested before a request reuses it, so one the server
        # dropped in between (restart, failover) is replaced instead of failing that request.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a command writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The working set (catalogue, search index) lives in memory or on SSD, where random reads cost
    # about as much as sequential ones; PostgreSQL's default of 4 keeps broad searches off the GIN
    # index and doubles their time (ADR 0003). Operators may override with PG_CONNECTION_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "PG_CONNECTION_OPTIONS", "-c random_page_cost=1.1"
    )
    # Opt-in (ADR 0015): parameters bound by the server and statements prepared once per connection after
    # DB_PREPARE_THRESHOLD runs, so planning a six-table select is paid once; but a plan prepared for any parameters
    # cannot use a partial index that matches only known values (the worklist's), so it stays off by default.
    if env_bool("DB_SERVER_SIDE_BINDING", False):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        threshold = env_str("DB_PREPARE_THRESHOLD", "5")
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(threshold) if threshold.strip() else None
    elif env_bool("DB_PREPARE_HOT_STATEMENTS", True):
        # Without server-side binding only the few fixed statements of hot paths that ask for it are prepared
        # (core.rawsql.fetchone_prepared; Django's default, None, prepares nothing). Off behind a connection pooler
        # in transaction mode that cannot keep prepared statements.
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "catalog:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEMO_MODE
CSRF_COOKIE_SECURE = not DEMO_MODE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
# The idle limit slides at most once a minute (tongban.core.sessions), not with a write on every request.
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
CSRF_FAILURE_VIEW = "tongban.identity.views.csrf_failure"  # 页面已过期: explain and link back, never a bare 403

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
NODE_MODULES = env_path("TONGBAN_NODE_MODULES", Path.cwd() / "node_modules")
# Front-end packages come from npm (package.json); only their built files are served.
FRONTEND_PACKAGES = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/jsqr", NODE_MODULES / "jsqr" / "dist"),  # QR codes read on the licence verifier page
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in FRONTEND_PACKAGES if path.exists()]
MEDIA_ROOT = VAR_DIR / "media"  # uploads live outside the web root; served only through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Application materials: named by id, never by the uploader's file name; read only through views.
    "uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env_path("TONGBAN_UPLOADS_DIR", MEDIA_ROOT / "uploads"))},
    },
}
WHITENOISE_USE_FINDERS = True
# Upload limits (bytes): one file, all files of one application; a ZIP container (OFD) may not unpack to more.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_PER_APPLICATION = env_int("UPLOAD_MAX_PER_APPLICATION", 60 * 1024 * 1024)
UPLOAD_MAX_UNPACKED = env_int("UPLOAD_MAX_UNPACKED", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger parts go to a temporary file while being checked

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tongban"}}

# Rate limits: (requests, seconds) per bucket; see core.ratelimit.
RATE_LIMITS = {
    "api": (env_int("RATE_LIMIT_API", 600), 60),
    "login": (env_int("RATE_LIMIT_LOGIN", 30), 60),
    "search": (env_int("RATE_LIMIT_SEARCH", 300), 60),
}
LOGIN_LOCKOUT_THRESHOLD = env_int("LOGIN_LOCKOUT_THRESHOLD", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)

# Plugins chosen per extension point (core.plugins). Demo plugins refuse to load in production.
PLUGINS = {
    "sms_sender": env_str("PLUGIN_SMS_SENDER", "demo-outbox" if DEMO_MODE else ""),
    "registry_check": env_str("PLUGIN_REGISTRY_CHECK", "demo-registry" if DEMO_MODE else ""),
    "face_verifier": env_str("PLUGIN_FACE_VERIFIER", "demo-face" if DEMO_MODE else ""),
    "seal": env_str("PLUGIN_SEAL", "ed25519"),  # backend for new e-licence keys; existing keys keep theirs
}

# E-licences (电子证照): the issuers' URLs (`iss`, `vct`, status list `uri`) start here; the seal keys'
# key-encryption key (base64url, 32 bytes) comes from the environment or a file, created only in demo mode.
LICENCE_BASE_URL = env_str("LICENCE_BASE_URL", SITE_URL).rstrip("/")
LICENCE_SEAL_KEK = env_str("LICENCE_SEAL_KEK", "")
LICENCE_SEAL_KEK_FILE = env_path("LICENCE_SEAL_KEK_FILE", VAR_DIR / "seal-kek.key")
LICENCE_STATUS_LIST_TTL = env_int("LICENCE_STATUS_LIST_TTL", 15 * 60)  # seconds a verifier may cache a list
LICENCE_STATUS_LIST_VALIDITY = env_int("LICENCE_STATUS_LIST_VALIDITY", 24 * 3600)  # the list token's exp

# Data-sharing hub (exchange): connector per owner department credit code ("*" = any other), how long a
# pulled value counts as fresh per element code ("*" = default), and how long a source system may take.
EXCHANGE_CONNECTORS = {"*": env_str("EXCHANGE_CONNECTOR", "demo-registry" if DEMO_MODE else "")}
EXCHANGE_CONNECTOR_OPTIONS: dict[str, dict[str, object]] = {}
EXCHANGE_CACHE_TTL = {"*": env_int("EXCHANGE_CACHE_TTL", 3600)}
EXCHANGE_CONNECTOR_TIMEOUT = float(env_str("EXCHANGE_CONNECTOR_TIMEOUT", "3"))
EXCHANGE_DECISION_WORKING_DAYS = 10
# Application drafts are kept this many days after the last save, then purged (`tongban forms purge`).
FORMS_DRAFT_DAYS = env_int("FORMS_DRAFT_DAYS", 30)
# Verify-not-reveal: answers per consumer department per local day ("*" or a credit code), and
# per-minute limits per consumer and per consumer+subject against enumeration.
EXCHANGE_VERIFY_QUOTA = {"*": env_int("EXCHANGE_VERIFY_QUOTA", 10_000)}
# Audit entries appended on hot paths (verify answers) are linked into the hash chain by a sequencer thread
# per process on PostgreSQL (production); in demo mode, and on SQLite, by the appending thread itself.
AUDIT_CHAIN_BACKGROUND = env_bool("AUDIT_CHAIN_BACKGROUND", not DEMO_MODE)
EXCHANGE_VERIFY_RATE = {
    "consumer": (env_int("EXCHANGE_VERIFY_RATE_CONSUMER", 120), 60),
    "subject": (env_int("EXCHANGE_VERIFY_RATE_SUBJECT", 5), 60),
}

# The platform as an OIDC provider for department systems (一次登录，全网通办).
OIDC_KEY_FILE = env_path("OIDC_KEY_FILE", VAR_DIR / "oidc-rsa.pem")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tongban.identity.oidc.TongbanOIDCValidator",
    "SCOPES": {
        "openid": "OpenID Connect 身份标识",
        "profile": "姓名与实名等级",
        "phone": "手机号",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if not DEMO_MODE else ["http", "https"],
}
OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = oidc_private_key(key_file=OIDC_KEY_FILE, create=DEMO_MODE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The test run names its own fresh database so parallel runs never share one.
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
