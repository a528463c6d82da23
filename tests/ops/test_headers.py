"""Security headers: on every response, error pages included."""

import pytest
from flask import request, session
from sqlalchemy.exc import OperationalError

from core.config import load_config
from core.security import no_referrer, no_store

CSP_DIRECTIVES = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


@pytest.fixture
def header_app(make_app):
    """An app with routes that end in every kind of error page."""
    app = make_app(MAX_CONTENT_LENGTH=1024)

    @app.get("/probe/crash")
    def crash():
        raise RuntimeError("boom")

    @app.get("/probe/database-down")
    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    @app.post("/probe/upload")
    def upload():
        return str(len(request.form))

    @app.get("/probe/private")
    @no_store
    def private():
        return "private"

    @app.get("/probe/token/<token>")
    @no_referrer
    def tokened(token):
        return "card"

    with app.app_context():
        yield app


def assert_strict_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in CSP_DIRECTIVES:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", "/static/css/site.css", 200),
        ("get", "/healthz", 200),
        ("get", "/no/such/page", 404),
        ("post", "/", 405),
        ("get", "/probe/crash", 500),
        ("get", "/probe/database-down", 503),
    ],
)
def test_every_response_carries_strict_headers(header_app, method, path, status):
    with getattr(header_app.test_client(), method)(path) as response:
        assert response.status_code == status
        assert_strict_headers(response)


def test_too_large_body_gets_413_page_with_headers(header_app):
    response = header_app.test_client().post("/probe/upload", data={"text": "x" * 4096})
    assert response.status_code == 413
    assert_strict_headers(response)


def test_error_page_is_translated_page_not_a_trace(header_app):
    response = header_app.test_client().get("/probe/crash")
    assert response.status_code == 500
    assert b"Traceback" not in response.data
    assert b"boom" not in response.data
    assert b"Something went wrong" in response.data


def test_server_error_pages_are_never_cached(header_app):
    response = header_app.test_client().get("/probe/crash")
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_is_sent_over_https(header_app):
    response = header_app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_is_not_sent_over_plain_http(header_app):
    response = header_app.test_client().get("/")
    assert "Strict-Transport-Security" not in response.headers


def test_forwarded_proto_is_ignored_without_trusted_proxy(header_app):
    response = header_app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_forwarded_proto_from_trusted_proxy_counts(make_app):
    app = make_app(PROXY_FIX_HOPS=1)
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_no_store_decorator_sets_cache_control(header_app):
    response = header_app.test_client().get("/probe/private")
    assert response.headers["Cache-Control"] == "no-store"


def test_no_referrer_decorator_sets_referrer_policy(header_app):
    response = header_app.test_client().get("/probe/token/ABCDEF")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_ordinary_pages_keep_same_origin_referrer(header_app):
    response = header_app.test_client().get("/")
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_admin_pages_are_no_store(header_app):
    response = header_app.test_client().get("/admin/login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_staff_pages_are_no_store_and_no_referrer(header_app):
    response = header_app.test_client().get("/me/not-a-real-secret")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_production_cookie_flags_are_secure():
    config = load_config("/tmp", env={"SERVICE_STAR_ENV": "production"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_cookies_work_over_plain_http():
    config = load_config("/tmp", env={})
    assert config["SESSION_COOKIE_SECURE"] is False


def test_session_cookie_carries_secure_flags_in_production(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)

    @app.get("/probe/session")
    def set_session():
        session["seen"] = True
        return "ok"

    response = app.test_client().get("/probe/session", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def address_seen(app, **headers) -> str:
    @app.get("/probe/address")
    def address():
        return request.remote_addr

    return app.test_client().get("/probe/address", headers=headers).text


def test_client_address_comes_from_the_trusted_proxy(make_app):
    app = make_app(PROXY_FIX_HOPS=1)
    assert address_seen(app, **{"X-Forwarded-For": "203.0.113.9"}) == "203.0.113.9"


def test_forged_client_address_is_ignored_without_a_proxy(make_app):
    app = make_app()
    assert address_seen(app, **{"X-Forwarded-For": "203.0.113.9"}) == "127.0.0.1"


def test_only_the_configured_number_of_proxies_is_trusted(make_app):
    # A client behind one nginx forges an extra hop; the app takes nginx's view of it.
    app = make_app(PROXY_FIX_HOPS=1)
    forged = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
    assert address_seen(app, **forged) == "198.51.100.7"
