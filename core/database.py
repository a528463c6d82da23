"""Database engine set-up and the write-transaction helper."""

import hashlib
import random
import time
from functools import wraps

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from core.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL aborts one of two clashing transactions with these: serialization_failure,
# deadlock_detected. Rerunning the loser from the top is the documented remedy.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})


def init_app(app) -> None:
    """Tune SQLite connections (WAL, foreign keys, secure delete, busy timeout, explicit BEGIN)."""
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
        # Overwrite deleted and replaced rows with zeros instead of leaving them in free
        # space (no measurable cost; many builds but not all enable it by default). The
        # contact purge still VACUUMs: see core.services.ratings.retention.
        cursor.execute("PRAGMA secure_delete = ON")
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
    # The scoped_session proxy has no in_transaction(); ask the thread's real session.
    session = db.session()
    if session.in_transaction():
        # A write must begin from a fresh snapshot; views only read before this.
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_key(key: str) -> None:
    """Inside a write (after begin_write): hold a lock on `key` until the transaction ends.

    PostgreSQL: a transaction-level advisory lock, so two writers of the same key take
    turns and the second reads what the first committed. SQLite: nothing more to do,
    BEGIN IMMEDIATE already holds the database's one write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    db.session.execute(text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


def write_locked(model, row_id):
    """begin_write(), then the row read afresh under a row lock (None when it is gone).

    Two writers of the same row take turns: PostgreSQL locks the row, SQLite already
    holds its write lock.
    """
    begin_write()
    return db.session.get(model, row_id, with_for_update=True, populate_existing=True)


def discard_session() -> None:
    """Roll the session back after a failure; when the connection is dead, drop it instead."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.invalidate()


def is_conflict(error: BaseException) -> bool:
    """Did PostgreSQL abort this transaction as a serialization failure or a deadlock?"""
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, DBAPIError) and sqlstate in CONFLICT_SQLSTATES


def retry_on_conflict(service=None, *, attempts: int = 3, base_delay: float = 0.02):
    """Rerun a service (which commits once) when PostgreSQL aborts it as a conflict.

    Use as @retry_on_conflict or @retry_on_conflict(attempts=5). The service must start its
    own transaction (begin_write) and re-read what it needs, so that it can run again from
    the top: the aborted attempt is rolled back first and nothing of it remains. SQLite
    needs no retries (BEGIN IMMEDIATE and the busy timeout queue writers instead).
    """

    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except DBAPIError as error:
                    if attempt == attempts or not is_conflict(error):
                        raise
                    db.session.rollback()
                    # Jittered backoff so the two clashing requests do not clash again.
                    time.sleep(base_delay * 2 ** (attempt - 1) * (1 + random.random()))

        return wrapper

    return decorate(service) if service is not None else decorate
