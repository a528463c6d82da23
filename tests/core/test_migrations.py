"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from core.extensions import db
from tests.conftest import ON_POSTGRES


def _empty_database(make_app, tmp_path):
    if ON_POSTGRES:
        app = make_app()
        with app.app_context():
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        return app
    return make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


def _recreate_for_other_tests(app):
    if ON_POSTGRES:
        with app.app_context():
            downgrade(revision="base")
            db.create_all()


def test_upgrade_builds_the_models_schema(make_app, tmp_path):
    app = _empty_database(make_app, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    _recreate_for_other_tests(app)
    assert differences == []


def test_downgrade_removes_every_table(make_app, tmp_path):
    app = _empty_database(make_app, tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        if ON_POSTGRES:
            db.create_all()
    assert tables == set()


def test_leaderboard_ranks_revision_upgrades_and_downgrades(make_app, tmp_path):
    app = _empty_database(make_app, tmp_path)
    with app.app_context():
        upgrade(revision="0016_leaderboard_ranks")
        added = {"period_ranking", "period_rank"} & set(inspect(db.engine).get_table_names())
        downgrade(revision="0015_customer_cache")
        left = {"period_ranking", "period_rank"} & set(inspect(db.engine).get_table_names())
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    _recreate_for_other_tests(app)
    assert added == {"period_ranking", "period_rank"}
    assert left == set()
    assert differences == []
