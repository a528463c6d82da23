"""Database faults: a 503 "not saved", nothing half-written, recovery without a restart."""

import sqlite3

import pytest
from sqlalchemy import event, make_url
from sqlalchemy.exc import OperationalError

from core.extensions import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL
from tests.ops.conftest import TcpRelay, add_probe_routes, branch_count


@pytest.fixture
def read_only_database(probe_app):
    """Make the database refuse writes while state["on"] is true (a real read-only error)."""
    state = {"on": True}

    def postgres_read_only(connection):
        if state["on"]:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    def sqlite_read_only(dbapi_connection, _record, _proxy):
        dbapi_connection.execute(f"PRAGMA query_only = {'ON' if state['on'] else 'OFF'}")

    if db.engine.dialect.name == "postgresql":
        target, name, listener = db.engine, "begin", postgres_read_only
    else:
        target, name, listener = db.engine.pool, "checkout", sqlite_read_only
    event.listen(target, name, listener)
    yield state
    event.remove(target, name, listener)


@pytest.fixture
def disk_full(probe_app):
    """Fail the second INSERT of a transaction the way SQLite does when the disk is full."""
    state = {"on": True, "inserts": 0}

    def on_execute(_conn, _cursor, statement, parameters, _context, _many):
        if state["on"] and statement.lstrip().upper().startswith("INSERT"):
            state["inserts"] += 1
            if state["inserts"] % 2 == 0:
                full = sqlite3.OperationalError("database or disk is full")
                raise OperationalError(statement, parameters, full)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    yield state
    event.remove(db.engine, "before_cursor_execute", on_execute)


@pytest.fixture
def refusing_connections(probe_app):
    """Every new connection fails, as when the database server is down."""
    state = {"down": True}

    def refuse(*_args):
        if state["down"]:
            raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "do_connect", refuse)
    yield state
    event.remove(db.engine, "do_connect", refuse)


def test_read_only_database_gives_503_not_saved(probe_app, read_only_database):
    response = probe_app.test_client().post("/probe/branches")
    assert response.status_code == 503
    assert b"Not saved, please try again" in response.data
    assert response.headers["Retry-After"] == "5"


def test_read_only_database_writes_nothing(probe_app, read_only_database):
    probe_app.test_client().post("/probe/branches")
    read_only_database["on"] = False
    assert branch_count() == 0


def test_read_only_database_recovers_without_restart(probe_app, read_only_database):
    client = probe_app.test_client()
    assert client.post("/probe/branches").status_code == 503
    read_only_database["on"] = False
    assert client.post("/probe/branches").status_code == 201
    assert branch_count() == 2


def test_full_disk_gives_503_not_saved(probe_app, disk_full):
    response = probe_app.test_client().post("/probe/branches")
    assert response.status_code == 503
    assert b"Not saved, please try again" in response.data


def test_full_disk_leaves_no_half_written_transaction(probe_app, disk_full):
    probe_app.test_client().post("/probe/branches")
    disk_full["on"] = False
    assert branch_count() == 0


def test_full_disk_recovers_without_restart(probe_app, disk_full):
    client = probe_app.test_client()
    assert client.post("/probe/branches").status_code == 503
    disk_full["on"] = False
    assert client.post("/probe/branches").status_code == 201
    assert branch_count() == 2


def test_database_down_on_a_page_gives_503(probe_app, refusing_connections):
    response = probe_app.test_client().get("/probe/branches")
    assert response.status_code == 503
    assert b"Please try again" in response.data
    assert b"Not saved" not in response.data


def test_database_down_recovers_without_restart(probe_app, refusing_connections):
    client = probe_app.test_client()
    assert client.post("/probe/branches").status_code == 503
    refusing_connections["down"] = False
    assert client.post("/probe/branches").status_code == 201
    assert client.get("/probe/branches").data == b"2"


def test_unreachable_postgresql_gives_503_page(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none")
    add_probe_routes(app)
    response = app.test_client().post("/probe/branches")
    assert response.status_code == 503
    assert b"Not saved, please try again" in response.data


def test_admin_sign_in_during_outage_gives_503_and_no_session(probe_app, read_only_database):
    from core.models import UserSession
    from tests.factories import make_user

    read_only_database["on"] = False
    user = make_user()
    db.session.commit()
    read_only_database["on"] = True
    response = probe_app.test_client().post(
        "/admin/login", data={"email": user.email, "password": "correct horse battery"}
    )
    read_only_database["on"] = False
    assert response.status_code == 503
    assert db.session.query(UserSession).count() == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_postgresql_outage_gives_503_then_recovers_without_restart(make_app):
    url = make_url(TEST_DATABASE_URL)
    relay = TcpRelay((url.host or "127.0.0.1", url.port or 5432)).start()
    app = make_app(
        SQLALCHEMY_DATABASE_URI=url.set(port=relay.port).render_as_string(hide_password=False)
    )
    add_probe_routes(app)
    client = app.test_client()
    try:
        assert client.post("/probe/branches").status_code == 201
        relay.stop()
        down = client.post("/probe/branches", data={"name": "During"})
        relay.start()
        assert down.status_code == 503
        assert b"Not saved, please try again" in down.data
        assert client.post("/probe/branches", data={"name": "After"}).status_code == 201
        assert client.get("/probe/branches").data == b"4"
    finally:
        relay.stop()
