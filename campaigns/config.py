"""Default settings; secrets come from instance/ or the environment."""

DEFAULT_SECRET_KEY = "change-me"  # noqa: S105 - the placeholder the factory refuses


class DefaultConfig:
    """Defaults; instance/config.py and CAMPAIGNS_* override."""

    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means "SQLite in the instance folder", filled in by the factory.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SERVER_NAME = "127.0.0.1:5000"
    PREFERRED_URL_SCHEME = "http"
    SITE_NAME = "Campaigns"

    # Signing form: a signed, expiring token that survives page caching.
    SIGN_FORM_MAX_AGE = 6 * 3600
    CONFIRM_TOKEN_MAX_AGE = 7 * 24 * 3600
    WITHDRAW_TOKEN_MAX_AGE = 5 * 365 * 24 * 3600
    MAX_EMAILS_PER_SIGNATURE = 4
    LOGIN_LINK_MAX_AGE = 15 * 60
    INVITATION_MAX_AGE = 3 * 24 * 3600
    PASSWORD_MIN_LENGTH = 10
    CONSENT_WORDING_VERSION = "2026-11"

    # Statements of support.
    STATEMENT_FORM_MAX_AGE = 6 * 3600
    STATEMENTS_PER_PAGE = 20
    # At most this many unconfirmed statements per address and campaign a day, so the
    # form cannot be used to flood someone's inbox.
    MAX_PENDING_STATEMENTS_PER_ADDRESS = 3
    # Organizers get at most one "statements are waiting" digest per this many hours.
    STATEMENT_DIGEST_HOURS = 6

    # Mail: with no MAIL_SERVER, messages are printed, and shown on /_mailbox in debug.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Campaigns <campaigns@localhost>"
    MAIL_BATCH_SIZE = 200
    MAIL_MAX_ATTEMPTS = 12
    MAIL_RETRY_BASE_SECONDS = 10
    MAIL_RETRY_MAX_SECONDS = 3600
    MAIL_CLAIM_SECONDS = 300
    MAIL_POLL_SECONDS = 1.0

    # Anonymous pages (campaign, news, home): seconds each app process reuses its last
    # rendering, and the Cache-Control max-age given to browsers and shared caches.
    PAGE_CACHE_SECONDS = 3.0
    PAGE_MAX_AGE = 5
    # Live tally JSON: the same two lifetimes, shorter.
    TALLY_CACHE_SECONDS = 1.0
    TALLY_MAX_AGE = 2
    COUNTER_SHARDS = 16
    # The "where signers come from" breakdown on campaign pages: counting it reads an
    # index entry per signer, so each process reuses its answer this long.
    COUNTRY_COUNTS_CACHE_SECONDS = 60.0

    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (0: trust
    # none). Behind one nginx: PROXY_FIX_X_FOR = PROXY_FIX_X_PROTO = 1.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PREFIX = 0

    MAX_CONTENT_LENGTH = 1024 * 1024

    # Rate limits (Flask-Limiter syntax). One process: memory; several: a shared store
    # such as "redis://host:6379" or "memcached://host:11211".
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SIGN_RATE_LIMIT_PER_IP = "30 per minute; 300 per hour"
    SIGN_RATE_LIMIT_PER_CAMPAIGN = "20000 per minute"
    RESEND_RATE_LIMIT_PER_ADDRESS = "3 per hour; 6 per day"
    LOGIN_RATE_LIMIT = "10 per minute; 50 per hour"
    DATA_LINK_RATE_LIMIT = "5 per hour"

    # Fraud rules: tripping one marks a signature suspect (kept, not counted).
    SIGN_FORM_MIN_SECONDS = 2.0
    FRAUD_WINDOW_SECONDS = 600
    FRAUD_MAX_PER_IP = 10
    FRAUD_MAX_PER_DOMAIN = 25
    # Big mail providers: many real signers share them, so no domain-burst rule there.
    FRAUD_COMMON_DOMAINS = (
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
    )

    # Privacy: how long we keep what we no longer need.
    UNCONFIRMED_RETENTION_DAYS = 30
    WITHDRAWN_RETENTION_DAYS = 30
    IP_HASH_RETENTION_DAYS = 30
    OUTBOX_RETENTION_DAYS = 30
    DATA_TOKEN_MAX_AGE = 90 * 24 * 3600
    SMALL_COUNT_THRESHOLD = 5

    # Cookies: Secure is switched on by the factory outside debug and testing.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HSTS_MAX_AGE = 365 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en",)
