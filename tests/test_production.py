"""Production settings: proxy headers, and tokens kept out of the access log."""

import importlib.util
from pathlib import Path

from flask import Flask, request

from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent


def _remote_addr_seen(app: Flask) -> str:
    app.add_url_rule("/_addr", "addr", lambda: request.remote_addr or "")
    response = app.test_client().get(
        "/_addr",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return response.get_data(as_text=True)


def test_proxy_headers_ignored_by_default(tmp_path: Path):
    assert _remote_addr_seen(make_test_app(tmp_path)) == "127.0.0.1"


def test_proxy_fix_trusts_the_configured_hops(tmp_path: Path):
    app = make_test_app(tmp_path, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    assert _remote_addr_seen(app) == "203.0.113.7"


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", ROOT / "gunicorn.conf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_access_log_redacts_email_link_tokens():
    conf = _gunicorn_conf()
    assert conf.bind == "127.0.0.1:8000"
    assert conf.preload_app
    line = "POST /s/confirm/MQ.aBc-123_x?x=1 HTTP/1.1"
    assert conf.TOKEN_IN_PATH.sub(r"\1…", line) == "POST /s/confirm/…?x=1 HTTP/1.1"
    line = "GET /s/withdraw/Mg.zz HTTP/1.1"
    assert conf.TOKEN_IN_PATH.sub(r"\1…", line) == "GET /s/withdraw/… HTTP/1.1"
    assert conf.TOKEN_IN_PATH.sub(r"\1…", "GET /c/fair-pay HTTP/1.1") == (
        "GET /c/fair-pay HTTP/1.1"
    )
