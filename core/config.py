"""Configuration read from the environment, with safe development defaults."""

import os
from pathlib import Path

# Known to everyone, so production refuses it (check_production).
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


class ConfigError(RuntimeError):
    """The app was started with a configuration that must not run."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env, name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value not in (None, "") else default


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


DEFAULT_DIMENSIONS = (
    ("attitude", "Service attitude"),
    ("skill", "Professional skill"),
    ("efficiency", "Efficiency"),
)


def _dimensions(value: str) -> tuple[tuple[str, str], ...]:
    """Rating dimensions from "key:Label,key:Label" (empty: the default criteria)."""
    pairs = [item.split(":", 1) for item in value.split(",") if item.strip()]
    parsed = tuple((k.strip(), (rest[0] if rest else k).strip()) for k, *rest in pairs)
    return parsed or DEFAULT_DIMENSIONS


DEFAULT_PORT = 5000


def _public_base_url(env, production: bool) -> str:
    """PUBLIC_BASE_URL, else in development the address `flask run` serves on.

    `make run PORT=8080` sets FLASK_RUN_PORT: one setting then moves both the server and
    the links printed in QR codes. Production always states its address.
    """
    explicit = env.get("PUBLIC_BASE_URL", "")
    if explicit:
        return explicit.rstrip("/")
    port = "" if production else env.get("FLASK_RUN_PORT", "").strip()
    if not port:
        port = str(DEFAULT_PORT)
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"FLASK_RUN_PORT must be a port number (1 to 65535), not {port!r}.")
    return f"http://127.0.0.1:{int(port)}"


def load_config(instance_path: str, env=None) -> dict:
    """Build the settings mapping from environment variables (read per call)."""
    env = os.environ if env is None else env
    default_db = "sqlite:///" + str(Path(instance_path) / "service_star.sqlite3")
    env_name = env.get("SERVICE_STAR_ENV", "development")
    production = env_name == "production"
    return {
        "ENV_NAME": env_name,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        # Keyed hash for customer identities; defaults to a key derived from SECRET_KEY.
        "IDENTITY_HASH_KEY": env.get("IDENTITY_HASH_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", default_db),
        "PUBLIC_BASE_URL": _public_base_url(env, production),
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LOCALE", "en"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SUPPORTED_LOCALES": ("en", "zh_CN"),
        "TIME_ZONE": env.get("TIME_ZONE", "Asia/Shanghai"),
        # Werkzeug's scrypt. Not read from the environment: only the tests lower it.
        "PASSWORD_HASH_METHOD": "scrypt",
        "PERIOD_KIND": env.get("PERIOD_KIND", "month"),
        # "overall=2,attitude=1,skill=1"; empty = overall and each RATING_DIMENSIONS key weigh 1.
        "RATING_WEIGHTS": env.get("RATING_WEIGHTS", ""),
        "SCORE_PRIOR_WEIGHT": float(env.get("SCORE_PRIOR_WEIGHT") or 5),
        "SCORE_MIN_COUNT": _int(env, "SCORE_MIN_COUNT", 3),
        "DEFAULT_PHONE_REGION": env.get("DEFAULT_PHONE_REGION", "CN"),
        "VERIFY_METHODS": _list(env.get("VERIFY_METHODS", "email,sms,receipt")),
        # Phone regions besides DEFAULT_PHONE_REGION that may receive SMS codes ("HK,MO");
        # any other number is refused before an SMS is paid for (SMS pumping).
        "SMS_ALLOWED_REGIONS": _list(env.get("SMS_ALLOWED_REGIONS", "")),
        # SMS codes sent per local day at most; when reached SMS stops and admins are told.
        "SMS_DAILY_BUDGET": _int(env, "SMS_DAILY_BUDGET", 500),
        # Languages whose customers are offered SMS before email (SMS is their habit).
        "SMS_FIRST_LOCALES": _list(env.get("SMS_FIRST_LOCALES", "zh_CN")),
        "SMS_BACKEND": env.get("SMS_BACKEND", "console"),
        "SMS_WEBHOOK_URL": env.get("SMS_WEBHOOK_URL", ""),
        "SMS_WEBHOOK_SECRET": env.get("SMS_WEBHOOK_SECRET", ""),
        "POS_API_KEYS": _list(env.get("POS_API_KEYS", "")),
        "CONTACT_RETENTION_DAYS": _int(env, "CONTACT_RETENTION_DAYS", 180),
        # Customer feedback (portal): "key:Label,key:Label"; empty = the three default criteria.
        "RATING_DIMENSIONS": _dimensions(env.get("RATING_DIMENSIONS", "")),
        "PENDING_RATING_HOURS": _int(env, "PENDING_RATING_HOURS", 24),
        # A POST of the same draft from the same device this soon updates the first rating:
        # the session holds it (refresh, Back), or not yet (a double tap sent at once).
        "RATING_REPEAT_SECONDS": _int(env, "RATING_REPEAT_SECONDS", 120),
        "RATING_DOUBLE_TAP_SECONDS": _int(env, "RATING_DOUBLE_TAP_SECONDS", 10),
        # The card page of a fresh scan: how long a browser or proxy may keep it, and serve
        # it stale while it asks again (docs/deployment.md: an edit shows within max-age).
        "CARD_PAGE_MAX_AGE": _int(env, "CARD_PAGE_MAX_AGE", 60),
        "CARD_PAGE_STALE_SECONDS": _int(env, "CARD_PAGE_STALE_SECONDS", 300),
        # Shown on the card page, the printed card and the certificate; the logo is an
        # image file (PNG, JPEG or SVG) on this server, never fetched from elsewhere.
        "ORGANISATION_NAME": env.get("ORGANISATION_NAME", ""),
        "ORGANISATION_LOGO": env.get("ORGANISATION_LOGO", ""),
        # Rendered card pages kept per worker (portal/card_page.py); 0 turns it off.
        "CARD_PAGE_CACHE_SIZE": _int(env, "CARD_PAGE_CACHE_SIZE", 2048),
        # A worker answers a fresh scan from its rendered page for this many seconds
        # without asking the database whether the card changed (0: ask every time).
        "CARD_PAGE_TRUST_SECONDS": _int(env, "CARD_PAGE_TRUST_SECONDS", 5),
        "FOLLOWUP_CONTACT_HOURS": _int(env, "FOLLOWUP_CONTACT_HOURS", 24),
        "FOLLOWUP_RESOLVE_DAYS": _int(env, "FOLLOWUP_RESOLVE_DAYS", 15),
        "RECEIPT_CODE_DAYS": _int(env, "RECEIPT_CODE_DAYS", 30),
        "SMS_TIMEOUT": _int(env, "SMS_TIMEOUT", 5),
        # Per client address (an IPv6 /64 counts as one): generous, because a branch's
        # customers may share one address; the per-rating and per-destination caps in
        # core/services/ratings/one_time_codes.py carry the security (docs/deployment.md).
        "CODE_SEND_LIMIT": env.get("CODE_SEND_LIMIT", "400 per hour;2000 per day"),
        "CODE_CHECK_LIMIT": env.get("CODE_CHECK_LIMIT", "800 per hour;4000 per day"),
        # Wrong receipt codes per client address and per pending rating (failures only).
        "RECEIPT_GUESS_LIMIT": env.get("RECEIPT_GUESS_LIMIT", "30 per hour"),
        "RATING_POST_LIMIT": env.get("RATING_POST_LIMIT", "600 per hour"),
        "POS_API_LIMIT": env.get("POS_API_LIMIT", "600 per minute"),
        # "smtp" sends; "file" writes each message to instance/mail/ and logs where, so
        # the demo's email codes work without a mail server (the default in development
        # unless MAIL_SERVER is set).
        "MAIL_BACKEND": env.get("MAIL_BACKEND")
        or ("file" if env_name == "development" and not env.get("MAIL_SERVER") else "smtp"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "service-star@localhost"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 10),
        # The send queue (core/services/messaging/queue.py): empty = SQLite in the
        # instance folder (one machine); "redis://host:6379/0" = Redis (several servers).
        "TASK_QUEUE_URL": env.get("TASK_QUEUE_URL", ""),
        # Send inside the request, no worker needed: the default outside production, so
        # `make run` works alone. Production queues and needs `flask send-worker`.
        "TASK_QUEUE_IMMEDIATE": _bool(env.get("TASK_QUEUE_IMMEDIATE"), default=not production),
        # A queued send that fails is tried again SEND_RETRIES times, waiting
        # SEND_RETRY_DELAY seconds, then twice as long each time.
        "SEND_RETRIES": _int(env, "SEND_RETRIES", 4),
        "SEND_RETRY_DELAY": _int(env, "SEND_RETRY_DELAY", 5),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Admin sign-in: attempts per address and per email; hours a session lives at most,
        # minutes it survives without a request.
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10/minute"),
        "ADMIN_SESSION_HOURS": _int(env, "ADMIN_SESSION_HOURS", 12),
        "ADMIN_IDLE_MINUTES": _int(env, "ADMIN_IDLE_MINUTES", 60),
        # Off: they cost a storage round trip per limited request; a 429 still says
        # Retry-After (core/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        "PROXY_FIX_HOPS": _int(env, "PROXY_FIX_HOPS", 0),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 4 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=production),
        # Flask-Login's remember-me cookie gets the same flags as the session cookie.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=production),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        # hide_parameters: SQL errors and logs never show bound values (contacts, codes).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    }


def check_production(config: dict) -> None:
    """Refuse to run in production with settings that are only safe on a laptop."""
    if config["ENV_NAME"] != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 16:
        raise ConfigError(
            "SECRET_KEY must be set to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    # The console backend writes phone numbers and one-time codes into the log.
    if "sms" in config.get("VERIFY_METHODS", ()) and config.get("SMS_BACKEND") == "console":
        raise ConfigError(
            "SMS_BACKEND=console only logs messages: in production set SMS_BACKEND=webhook "
            "(with SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET) or leave sms out of VERIFY_METHODS."
        )
    # The file backend never delivers: customers would wait for codes that never come.
    if "email" in config.get("VERIFY_METHODS", ()) and config.get("MAIL_BACKEND") == "file":
        raise ConfigError(
            "MAIL_BACKEND=file only writes messages to instance/mail/: in production set "
            "MAIL_SERVER (and MAIL_BACKEND=smtp) or leave email out of VERIFY_METHODS."
        )
