"""Probes for load balancers: /healthz and /readyz."""

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from core.extensions import db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_answers_ok_when_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_probes_are_never_cached(client):
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/readyz").headers["Cache-Control"] == "no-store"


@pytest.fixture
def refusing_connections(app):
    """Make every new database connection fail, as when the server is down."""
    state = {"down": True}

    def refuse(*_args):
        if state["down"]:
            raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))

    db.engine.dispose()
    event.listen(db.engine, "do_connect", refuse)
    yield state
    event.remove(db.engine, "do_connect", refuse)


def test_readyz_is_503_when_database_is_down(client, refusing_connections):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_readyz_recovers_without_restart(client, refusing_connections):
    assert client.get("/readyz").status_code == 503
    refusing_connections["down"] = False
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_sqlite_file_cannot_be_opened(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/db.sqlite3")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503


def test_readyz_recovers_when_sqlite_file_appears(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/later/db.sqlite3")
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    (tmp_path / "later").mkdir()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_when_postgresql_is_unreachable(make_app):
    # Port 1 on loopback refuses at once: the shape of a stopped database server.
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503


def test_probes_are_exempt_from_rate_limits(default_limit_apps):
    app = default_limit_apps("2 per minute")
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5


def test_default_rate_limit_applies_to_ordinary_pages(default_limit_apps):
    # The control for the exemption above: the same limit does stop other pages.
    app = default_limit_apps("2 per minute")
    client = app.test_client()
    responses = [client.get("/") for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert 1 <= int(responses[-1].headers["Retry-After"]) <= 61
