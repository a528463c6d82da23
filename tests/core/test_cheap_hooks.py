"""Per-request hooks that cost what they must (core/hook_gates.py, core/sessions.py,
core/security.py): same behaviour, less work on the cheap path."""

from flask import session

from core.extensions import limiter
from core.hook_gates import _endpoint_limited
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


def test_csrf_is_checked_on_unsafe_methods_only(make_app, monkeypatch):
    from core.extensions import csrf

    app = make_app(WTF_CSRF_ENABLED=True)
    checked = []
    real_protect = csrf.protect
    monkeypatch.setattr(csrf, "protect", lambda **kw: checked.append(1) or real_protect(**kw))
    client = app.test_client()
    client.get("/healthz")
    client.get("/admin/login")
    assert checked == []
    assert client.post("/admin/login", data={"email": "a@example.com"}).status_code == 400
    assert checked == [1]  # and still refused without its token


def test_a_page_without_a_session_does_not_vary_by_cookie(client):
    response = client.get("/healthz")
    assert "Cookie" not in response.headers.get("Vary", "")


def test_the_limiters_hooks_are_skipped_where_no_limit_applies(make_app, monkeypatch):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    used = []
    real_context = type(limiter).context
    monkeypatch.setattr(
        type(limiter), "context", property(lambda self: used.append(1) or real_context.fget(self))
    )
    assert app.test_client().get("/healthz").status_code == 200
    assert used == []
    app.test_client().post("/admin/login", data={"email": "a@example.com"})
    assert used  # a limited endpoint: checked, its headers and its cleanup
