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
    CONSENT_WORDING_VERSION = "2026-11"

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

    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (0: trust
    # none). Behind one nginx: PROXY_FIX_X_FOR = PROXY_FIX_X_PROTO = 1.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PREFIX = 0

    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en",)
