"""Online backups of the SQLite database; PostgreSQL is backed up with pg_dump instead."""

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from core.extensions import db
from core.services import DomainError

SQLITE_BUSY_TIMEOUT_S = 10


class BackupError(DomainError):
    """The backup could not be written (the message says why)."""


class UseDatabaseTool(BackupError):
    """The database is not SQLite; its own dump tool makes consistent backups."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size_bytes: int


def default_backup_path(instance_path: str, now: datetime | None = None) -> Path:
    """instance/backups/service_star-<UTC time>.sqlite3."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(instance_path) / "backups" / f"service_star-{stamp}.sqlite3"


def pg_dump_command(url: URL, target: str = "service_star.dump") -> str:
    """The pg_dump line for this database, without its password (use PGPASSWORD/.pgpass)."""
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    dsn = plain.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={target} '{dsn}'"


def backup_database(target: Path) -> Backup:
    """Copy the live SQLite database to target with SQLite's online backup API.

    A file copy could catch the database between two pages of a write, and would miss
    what is still in the -wal file; the backup API copies a consistent snapshot while
    the site keeps serving (in WAL mode readers and writers do not block each other).
    """
    url = db.engine.url
    if db.engine.dialect.name != "sqlite":
        raise UseDatabaseTool(
            f"flask backup copies SQLite databases only. This is {db.engine.dialect.name}: "
            f"back it up with\n  {pg_dump_command(url)}\n"
            "and restore with pg_restore --clean --dbname=... service_star.dump"
        )
    source = _sqlite_file(url)
    target = Path(target).resolve()
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        _online_copy(source, partial)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Could not back up {source}: {error}") from error
    # The finished file appears at once, never as a half-written backup.
    os.replace(partial, target)
    return Backup(path=target, size_bytes=target.stat().st_size)


def _sqlite_file(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database).resolve()


def _online_copy(source: Path, destination: Path) -> None:
    destination.unlink(missing_ok=True)
    uri = f"{source.as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)) as src,
        closing(sqlite3.connect(destination)) as dst,
    ):
        src.backup(dst)
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        destination.unlink(missing_ok=True)
        raise BackupError(f"The backup failed its integrity check: {verdict}")
