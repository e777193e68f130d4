"""Gunicorn settings for campaigns: `gunicorn -c gunicorn.conf.py campaigns.wsgi:app`.

Each setting can be changed from the environment without editing this file:
GUNICORN_BIND (default 127.0.0.1:8000, behind a reverse proxy), GUNICORN_WORKERS
(default: 2 per CPU core, at least 2), GUNICORN_THREADS (default 1),
GUNICORN_TIMEOUT (seconds, default 30), GUNICORN_ACCESS_LOG ("-" for stdout, the
default, or a file path; empty turns the access log off).
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

from campaigns.extensions import db

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(
    os.environ.get("GUNICORN_WORKERS", max(2, 2 * multiprocessing.cpu_count()))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# The control socket sits at one path per user, so two servers on a machine would
# clash; systemd and signals are how we manage the server.
control_socket_disable = True

# Load the app once in the master, then fork: less memory, and a broken
# configuration stops the server at start instead of in every worker.
preload_app = True

# The links in our emails carry tokens that confirm or withdraw a signature: they must
# not end up in log files, so the access log shows them as "/s/confirm/…".
TOKEN_IN_PATH = re.compile(r"(/s/[a-z-]+/)[^\s?]+")


class TokenRedactingLogger(Logger):
    """Gunicorn's logger, with email-link tokens cut out of logged request lines."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        """The access log fields, tokens redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            atoms[key] = TOKEN_IN_PATH.sub(r"\1…", atoms[key])
        return atoms


logger_class = TokenRedactingLogger
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Client, request line, status, bytes, seconds: no referrer or user agent, which say
# more about a signer than running the site needs.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(L)s'


def post_fork(_server: object, worker: object) -> None:
    """Give each worker its own database connections, never the master's."""
    app = worker.app.wsgi()  # type: ignore[attr-defined]
    if "sqlalchemy" in app.extensions:  # not in the benchmark's bare app
        with app.app_context():
            db.engine.dispose(close=False)
