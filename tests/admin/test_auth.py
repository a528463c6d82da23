"""Signing in and out: hashed passwords, server-side sessions, safe redirects, rate limits."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.config import load_config
from core.extensions import db
from core.models import Role, UserSession
from core.services.people.accounts import set_account_active
from tests.factories import make_user

PASSWORD = "correct horse battery"


def _login(client, email, password=PASSWORD, next_url=None, **kw):
    url = "/admin/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password}, **kw)


def test_login_page_renders(client):
    response = client.get("/admin/login")
    assert response.status_code == 200
    assert b'name="password"' in response.data


def test_login_with_right_password_goes_to_dashboard(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert db.session.scalar(select(func.count(UserSession.id))) == 1


def test_judge_lands_on_judging_after_signing_in(client, app):
    judge = make_user(Role.JUDGE)
    db.session.commit()
    response = _login(client, judge.email)
    assert response.headers["Location"] == "/admin/judging"
    assert client.get("/admin/judging").status_code == 200


def test_judge_opening_the_dashboard_is_sent_to_judging(client, app):
    judge = make_user(Role.JUDGE)
    db.session.commit()
    _login(client, judge.email)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/judging"


def test_judge_signing_in_with_next_goes_there(client, app):
    judge = make_user(Role.JUDGE)
    db.session.commit()
    response = _login(client, judge.email, next_url="/admin/judging")
    assert response.headers["Location"] == "/admin/judging"


def test_password_is_stored_hashed_with_scrypt_by_default(make_app):
    assert load_config("/tmp")["PASSWORD_HASH_METHOD"] == "scrypt"
    app = make_app(PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        user = make_user(password=PASSWORD)
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")
        login = {"email": user.email, "password": PASSWORD}
        db.session.commit()
    assert app.test_client().post("/admin/login", data=login).status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("known", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("", PASSWORD),
        ("known", ""),
    ],
)
def test_bad_credentials_are_refused_with_a_message(client, app, email, password):
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = _login(client, user.email if email == "known" else email, password)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert client.get("/admin/users").status_code == 302


def test_disabled_account_cannot_sign_in(client, app):
    user = make_user(Role.MANAGER)
    user.active = False
    db.session.commit()
    response = _login(client, user.email)
    assert response.status_code == 400
    assert b"Wrong email or password" in response.data


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com", "javascript:x"],
)
def test_next_never_leaves_the_site(client, app, next_url):
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = _login(client, user.email, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_next_inside_the_site_is_followed(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    response = _login(client, user.email, next_url="/admin/users")
    assert response.headers["Location"] == "/admin/users"


def test_anonymous_admin_page_redirects_to_login_with_next(client):
    response = client.get("/admin/users?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_login_renews_the_session(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    _login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["sid"]


def test_session_row_stores_only_a_hash_of_the_secret(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    _login(client, user.email)
    with client.session_transaction() as session:
        secret = session["sid"]
    row = db.session.scalar(select(UserSession))
    assert row.token_hash != secret and len(row.token_hash) == 64


def test_logout_ends_the_session_on_the_server(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    _login(client, user.email)
    response = client.post("/admin/logout")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert client.get("/admin/users").status_code == 302


def _copy_cookie(source, target):
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_copied_cookie_stops_working_after_logout(make_app):
    app = make_app()
    with app.app_context():
        user = make_user(Role.ADMIN)
        db.session.commit()
        first, second = app.test_client(), app.test_client()
        _login(first, user.email)
        _copy_cookie(first, second)
        assert second.get("/admin/users").status_code == 200
        first.post("/admin/logout")
        response = second.get("/admin/users")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login")


def test_disabling_an_account_ends_its_sessions(make_app):
    app = make_app()
    with app.app_context():
        admin = make_user(Role.ADMIN)
        manager = make_user(Role.MANAGER)
        db.session.commit()
        client = app.test_client()
        _login(client, manager.email)
        assert client.get("/admin/feedback").status_code == 200
        set_account_active(manager, False, admin)
        assert db.session.scalar(select(func.count(UserSession.id))) == 0
        assert client.get("/admin/feedback").status_code == 302


def test_admin_pages_are_not_cached(admin_client):
    response = admin_client.get("/admin/users")
    assert response.headers["Cache-Control"] == "no-store"


def test_login_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(Role.ADMIN)
        db.session.commit()
        client = app.test_client()
        response = _login(client, user.email)
        assert response.status_code == 400
        assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_logout_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user(Role.ADMIN)
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/admin/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert client.post("/admin/logout").status_code == 400
        assert db.session.scalar(select(func.count(UserSession.id))) == 1


def test_login_is_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        codes = [
            _login(client, f"guess{n}@example.com", "wrong password!").status_code
            for n in range(11)
        ]
        assert codes[:10] == [400] * 10
        assert codes[10] == 429


def test_login_is_rate_limited_per_email(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        codes = [
            _login(
                client,
                "target@example.com",
                "wrong password!",
                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
            ).status_code
            for n in range(11)
        ]
        assert codes[10] == 429


def test_old_sessions_expire(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    _login(client, user.email)
    row = db.session.scalar(select(UserSession))
    row.created_at = row.created_at - timedelta(hours=app.config["ADMIN_SESSION_HOURS"] + 1)
    db.session.commit()
    assert client.get("/admin/users").status_code == 302


def test_idle_sessions_expire(client, app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    _login(client, user.email)
    assert client.get("/admin/users").status_code == 200
    idle = app.config["ADMIN_IDLE_MINUTES"] * 60
    with client.session_transaction() as cookie_session:
        cookie_session["seen"] -= idle - 30
    # Still within the idle limit: the request keeps the session alive.
    assert client.get("/admin/users").status_code == 200
    with client.session_transaction() as cookie_session:
        cookie_session["seen"] -= idle + 1
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
