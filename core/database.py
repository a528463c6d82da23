"""Database engine set-up and the write-transaction helper."""

from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app) -> None:
    """Tune SQLite connections (WAL, foreign keys, busy timeout, explicit BEGIN)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN, so a write can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's transaction as a write transaction.

    SQLite: BEGIN IMMEDIATE takes the write lock before the first read, so a
    read-then-write cannot fail with "database is locked" when another writer got
    in between (with_for_update() does nothing there). Other databases: a plain
    transaction; services use row locks or conditional updates.
    """
    session = db.session
    if session.in_transaction():
        # A write must begin from a fresh snapshot; views only read before this.
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
