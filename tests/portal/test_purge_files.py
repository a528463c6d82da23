"""Purged means gone: after purge-contacts no copy of a contact is left in the database files.

SQLite: the raw bytes of the database file and its -wal and -shm files. PostgreSQL: the
raw bytes of the ratings table's file (read by the server; needs a superuser).
"""

from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from core.commands.ops import purge_contacts_and_report
from core.extensions import db
from core.models import Channel, Rating, RatingStatus, VerificationCode, utcnow
from core.services.ratings import retention
from tests.conftest import ON_POSTGRES
from tests.factories import make_employee, make_rating

OLD = b"purge-me-"  # contacts past retention
EXPIRED = b"expire-me-"  # contacts of pending ratings never verified
KEPT = b"keep-me-"  # recent contacts, kept
OLD_HINT = "•••@gone-hint.example".encode()  # where yesterday's codes went, masked
KEPT_HINT = "•••@kept-hint.example".encode()  # where a code went a minute ago
RATINGS_EACH = 60  # enough rows for page splits, where stale copies hide


def _rate(employee, contact: str, age: timedelta) -> Rating:
    """A rating stored pending with a contact, as the customer path does."""
    return make_rating(
        employee, status=RatingStatus.PENDING, consent_contact=True, contact=contact,
        comment="Kind and quick " * 3, created_at=utcnow() - age,
    )  # fmt: skip


def _code(rating: Rating, hint: bytes, age: timedelta) -> None:
    """A code sent for the rating, with the masked destination the code page shows."""
    sent = utcnow() - age
    db.session.add(
        VerificationCode(
            rating_id=rating.id, channel=Channel.EMAIL, identity_hash="i" * 64,
            code_hash="h" * 64, prefix="A", destination_hint="c" + hint.decode(),
            created_at=sent, expires_at=sent + timedelta(minutes=10),
        )
    )  # fmt: skip


def _verify(rating: Rating) -> None:
    """Verification rewrites the row (a bigger one): the old version stays in free space."""
    rating.status = RatingStatus.VERIFIED
    rating.verified_at = rating.created_at
    rating.customer_hash = "c" * 64
    rating.score = 4.5


@contextmanager
def _without_secure_delete():
    """Write as an older version did, or a SQLite build without secure_delete by default:
    freed rows stay in the pages' free space, and only a VACUUM removes them."""
    if db.engine.dialect.name != "sqlite":
        yield
        return

    def off(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA secure_delete = OFF")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", off)
    try:
        yield
    finally:
        db.session.remove()
        event.remove(db.engine, "connect", off)
        db.engine.dispose()


def _customers_of_all_ages() -> None:
    with _without_secure_delete():
        employee = make_employee()
        to_verify = []
        for number in range(RATINGS_EACH):
            old = _rate(employee, f"purge-me-{number}@old.example", timedelta(days=40))
            _code(old, OLD_HINT, timedelta(days=40))
            _rate(employee, f"expire-me-{number}@pending.example", timedelta(hours=30))
            kept = _rate(employee, f"keep-me-{number}@new.example", timedelta(minutes=5))
            _code(kept, KEPT_HINT, timedelta(minutes=1))
            to_verify += [old, kept]
        db.session.commit()
        for rating in to_verify:
            _verify(rating)
        db.session.commit()


def _sqlite_files(app) -> bytes:
    """The database file, its -wal and its -shm, as one run of bytes."""
    path = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(file.read_bytes() for file in files if file.exists())


@pytest.fixture
def purge_app(make_app):
    app = make_app(CONTACT_RETENTION_DAYS=30, PENDING_RATING_HOURS=24)
    with app.app_context():
        yield app


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite files; PostgreSQL below")
def test_purged_and_expired_contacts_are_gone_from_the_sqlite_files(purge_app):
    _customers_of_all_ages()
    before = _sqlite_files(purge_app)
    assert all(value in before for value in (OLD, EXPIRED, OLD_HINT, KEPT, KEPT_HINT))
    runner = purge_app.test_cli_runner()
    expired = runner.invoke(args=["expire-pending"])
    assert f"{RATINGS_EACH} pending ratings expired" in expired.output
    purged = runner.invoke(args=["purge-contacts"])
    assert purged.exit_code == 0, purged.output
    assert f"{RATINGS_EACH} customer contacts purged" in purged.output
    after = _sqlite_files(purge_app)
    assert OLD not in after
    assert EXPIRED not in after
    assert OLD_HINT not in after
    assert KEPT in after and KEPT_HINT in after  # the test reads the right files


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite files; PostgreSQL's test expires contacts too")
def test_a_purge_rewrites_files_even_when_nothing_is_due(purge_app):
    """Contacts forgotten since the last run (expire-pending, a changed contact) go too."""
    employee = make_employee()
    db.session.commit()
    for number in range(RATINGS_EACH):
        rating = _rate(employee, f"expire-me-{number}@pending.example", timedelta(hours=1))
        db.session.commit()
        rating.contact = None
        db.session.commit()
    assert EXPIRED in _sqlite_files(purge_app)
    assert retention.purge_contacts() == 0
    assert EXPIRED not in _sqlite_files(purge_app)


def test_purge_report_says_what_it_did(purge_app):
    _rate(make_employee(), "purge-me-1@old.example", timedelta(days=40))
    db.session.commit()
    result = purge_app.test_cli_runner().invoke(click.command()(purge_contacts_and_report))
    assert result.exit_code == 0, result.output
    assert "1 customer contacts purged; the database files were rewritten" in result.output


def test_purge_report_fails_loudly_when_the_files_cannot_be_rewritten(purge_app, monkeypatch):
    def busy():
        raise retention.FilesNotScrubbed("the database was busy.")

    monkeypatch.setattr(retention, "scrub_database_files", busy)
    _rate(make_employee(), "purge-me-1@old.example", timedelta(days=40))
    db.session.commit()
    result = purge_app.test_cli_runner().invoke(click.command()(purge_contacts_and_report))
    assert result.exit_code == 1
    assert "1 customer contacts purged, but the database was busy." in result.output
    assert "Run flask purge-contacts again" in result.output
    db.session.rollback()
    assert db.session.scalar(db.select(Rating.contact)) is None  # the purge itself stands


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write-ahead log")
def test_a_reader_holding_the_wal_is_reported_not_ignored(make_app, monkeypatch):
    import sqlite3

    from core import database

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    app = make_app()
    with app.app_context():
        _rate(make_employee(), "purge-me-1@old.example", timedelta(days=400))
        db.session.commit()
        path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM rating").fetchone()  # holds a snapshot
        try:
            with pytest.raises(retention.FilesNotScrubbed, match="1 customer contacts purged"):
                retention.purge_contacts()
        finally:
            reader.close()


def _postgres_file(path: str) -> bytes | None:
    """A file of the PostgreSQL data directory, as the server has it on disk (None if gone)."""
    with db.engine.connect() as connection:
        return connection.scalar(
            text("SELECT pg_read_binary_file(:path, 0, size, true) FROM pg_stat_file(:path, true)"),
            {"path": path},
        )


def _table_path(table: str) -> str:
    return db.session.scalar(text("SELECT pg_relation_filepath(:table)"), {"table": table})


def _checkpoint() -> None:
    """Write every changed page to its file (it costs a second or two on a busy server)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CHECKPOINT")


def _postgres_superuser() -> bool:
    return bool(db.session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = user")))


@pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL on PostgreSQL")
def test_purged_contacts_are_gone_from_the_postgres_table_file(purge_app):
    if not _postgres_superuser():
        pytest.skip("reading the table's file needs a superuser")
    _customers_of_all_ages()
    _checkpoint()
    old_path = _table_path("rating")
    before = _postgres_file(old_path)
    assert OLD in before and EXPIRED in before and KEPT in before
    hints_path = _table_path("verification_code")
    assert OLD_HINT in _postgres_file(hints_path)
    runner = purge_app.test_cli_runner()
    assert runner.invoke(args=["expire-pending"]).exit_code == 0
    purged = runner.invoke(args=["purge-contacts"])
    assert f"{RATINGS_EACH} customer contacts purged" in purged.output
    # VACUUM (FULL) writes the new file straight to disk: no checkpoint needed to read it.
    after = _postgres_file(_table_path("rating"))
    assert OLD not in after
    assert EXPIRED not in after
    assert KEPT in after
    hints_after = _postgres_file(_table_path("verification_code"))
    assert OLD_HINT not in hints_after
    assert KEPT_HINT in hints_after
    # The old file is emptied at commit (and unlinked at the next checkpoint).
    leftover = _postgres_file(old_path)
    assert leftover is None or OLD not in leftover
