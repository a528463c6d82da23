"""flask backup: SQLite's online backup API; a restored copy holds every row and verifies."""

import sqlite3

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import PointsEntry, Rating
from core.services.backup import default_backup_path
from tests.factories import make_counted_rating, make_employee


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on its own SQLite file (also during the PostgreSQL run), with a schema."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    with app.app_context():
        db.create_all()
        yield app


def add_counted_ratings(count: int = 3) -> None:
    employee = make_employee()
    for stars in range(count):
        make_counted_rating(employee, overall=5 - stars % 2)
    db.session.commit()


def row_counts() -> tuple[int, int]:
    ratings = db.session.scalar(select(func.count()).select_from(Rating))
    entries = db.session.scalar(select(func.count()).select_from(PointsEntry))
    return ratings, entries


def test_backup_writes_the_file(sqlite_app, tmp_path):
    add_counted_ratings()
    target = tmp_path / "copy.sqlite3"
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists()
    assert str(target) in result.output


def test_backup_holds_rows_still_in_the_write_ahead_log(sqlite_app, tmp_path):
    # The app keeps its connection open, so the rows sit in the -wal file, not yet in the
    # main file: a plain file copy would lose them, the backup API does not.
    add_counted_ratings()
    target = tmp_path / "copy.sqlite3"
    sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    with sqlite3.connect(target) as copy:
        (ratings,) = copy.execute("SELECT count(*) FROM rating").fetchone()
    assert ratings == 3


def test_restored_backup_has_every_row(sqlite_app, make_app, tmp_path):
    add_counted_ratings()
    expected = row_counts()
    target = tmp_path / "copy.sqlite3"
    sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    restored = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{target}")
    with restored.app_context():
        assert row_counts() == expected


def test_scores_verify_passes_on_restored_backup(sqlite_app, make_app, tmp_path):
    add_counted_ratings()
    target = tmp_path / "copy.sqlite3"
    sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    restored = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{target}")
    result = restored.test_cli_runner().invoke(args=["scores", "verify"])
    assert result.exit_code == 0, result.output


def test_backup_refuses_to_overwrite_a_file(sqlite_app, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"keep me")
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert target.read_bytes() == b"keep me"


def test_backup_without_path_goes_to_instance_backups(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = list((default_backup_path(sqlite_app.instance_path).parent).glob("*.sqlite3"))
    assert len(written) == 1


def test_backup_on_postgresql_points_to_pg_dump(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://stars:s3cret@db.internal/stars")
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output
    assert "postgresql://stars@db.internal/stars" in result.output
    assert "s3cret" not in result.output


def test_backup_of_a_missing_database_file_is_a_clear_error(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'never-created.sqlite3'}")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 1
    assert "Could not back up" in result.output
    assert not (tmp_path / "copy.sqlite3").exists()
