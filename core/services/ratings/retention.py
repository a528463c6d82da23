"""Retention of customer contacts: forgotten after CONTACT_RETENTION_DAYS, with no copy left.

Setting the column to NULL is not enough: the old row stays in the database files.
SQLite leaves it in the page's free space (secure_delete zeroes a freed row, but an
earlier update or page split may have left a copy elsewhere) and in the WAL until a
checkpoint; PostgreSQL keeps the old row version in the table file, and a plain VACUUM
only marks its space reusable without overwriting it. So after forgetting, a purge
rewrites the files: SQLite VACUUMs and then empties the WAL; PostgreSQL runs
VACUUM (FULL) on the tables it changed. Trade-offs, backups and WAL archives:
docs/privacy.md.
"""

import sqlite3
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from core.database import begin_write
from core.extensions import db
from core.models import Rating, VerificationCode, utcnow
from core.services import DomainError

# VACUUM (FULL) needs each table to itself: rather than queue every customer behind a
# long report query, give up after this and say so (run the purge again).
POSTGRES_LOCK_TIMEOUT = "5s"


# The tables whose rows a purge changes. ANALYZE too: the planner's statistics keep a
# sample of column values, and should no longer list forgotten ones.
SCRUBBED_TABLES = (Rating.__table__, VerificationCode.__table__)


class FilesNotScrubbed(DomainError):
    """The contacts are forgotten, but the database files could not be rewritten yet."""


def purge_contacts(now=None) -> int:
    """Forget plain contacts older than CONTACT_RETENTION_DAYS (and the masked hints of
    codes older than PENDING_RATING_HOURS), then scrub the files; the contacts forgotten.

    Commits the purge first: a scrub that fails (FilesNotScrubbed) loses nothing, and
    the next run scrubs what this one and expire-pending left.
    """
    config = current_app.config
    now = now or utcnow()
    begin_write()
    result = db.session.execute(
        update(Rating)
        .where(
            Rating.contact.is_not(None),
            Rating.created_at < now - timedelta(days=config["CONTACT_RETENTION_DAYS"]),
        )
        .values(contact=None)
    )
    # A masked destination ("c•••@example.com") only tells a customer where the code
    # went while the rating waits for it; after that it is a clue to who rated.
    db.session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.destination_hint != "",
            VerificationCode.created_at < now - timedelta(hours=config["PENDING_RATING_HOURS"]),
        )
        .values(destination_hint="")
    )
    db.session.commit()
    try:
        scrub_database_files()
    except FilesNotScrubbed as error:
        raise FilesNotScrubbed(
            f"{result.rowcount} customer contacts purged, but {error} "
            "Run flask purge-contacts again when the site is quieter."
        ) from error
    return result.rowcount


def scrub_database_files() -> None:
    """Rewrite the database so that forgotten values leave no copy in its files."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        _scrub_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _scrub_postgresql(engine)
    else:
        raise FilesNotScrubbed(f"{engine.dialect.name} databases are not scrubbed.")


def _scrub_sqlite(engine) -> None:
    # VACUUM cannot run inside a transaction, and the engine's "begin" hook would open
    # one: use the driver's connection directly (it autocommits, see core.database).
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("VACUUM")
        busy, _frames, _copied = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        raise FilesNotScrubbed(f"the database could not be rewritten ({error}).") from error
    finally:
        connection.close()
    if busy:
        raise FilesNotScrubbed("a reader kept the write-ahead log (-wal file) from being emptied.")


def _scrub_postgresql(engine) -> None:
    # VACUUM cannot run inside a transaction block either.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"SET lock_timeout = '{POSTGRES_LOCK_TIMEOUT}'")
        try:
            for table in SCRUBBED_TABLES:
                connection.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {table.name}")
        except DBAPIError as error:
            raise FilesNotScrubbed(
                f"the tables could not be rewritten ({type(error.orig).__name__})."
            ) from error
        finally:
            connection.exec_driver_sql("RESET lock_timeout")  # the connection goes back to the pool
