"""Per-request hooks that cost what they must (core/limiter_hook.py, core/sessions.py,
core/security.py): same behaviour, less work on the cheap path."""

from flask import session

from core.extensions import limiter
from core.limiter_hook import _endpoint_limited
from core.security import CONTENT_SECURITY_POLICY


def test_the_limiter_runs_only_where_a_limit_applies(app):
    assert _endpoint_limited(app, limiter, "portal.submit_card")
    assert _endpoint_limited(app, limiter, "portal.send_sms_code")
    assert not _endpoint_limited(app, limiter, "health.healthz")
    assert not _endpoint_limited(app, limiter, "portal.card")
    assert _endpoint_limited(app, limiter, None)  # unmatched: the limiter decides


def test_a_request_without_a_session_cookie_sets_none(client):
    response = client.get("/healthz")
    assert "Set-Cookie" not in response.headers


def test_a_session_cookie_is_still_read_and_written(app):
    @app.get("/_test/count")
    def count():
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    client = app.test_client()
    assert client.get("/_test/count").text == "1"
    assert client.get("/_test/count").text == "2"  # the cookie set by the first, read back


def test_security_headers_once_each_and_a_view_value_kept(app, client):
    @app.get("/_test/framed")
    def framed():
        return "ok", 200, {"X-Frame-Options": "SAMEORIGIN"}

    plain = client.get("/healthz").headers
    assert plain.getlist("Content-Security-Policy") == [CONTENT_SECURITY_POLICY]
    assert plain.getlist("X-Frame-Options") == ["DENY"]
    kept = client.get("/_test/framed").headers
    assert kept.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert kept.getlist("X-Content-Type-Options") == ["nosniff"]
