"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

import itertools
import os
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from core import create_app
from core.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-0123456789",
    "PUBLIC_BASE_URL": "https://stars.example.com",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
    "MAIL_BACKEND": "smtp",
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": 1,  # tests that send mail start a real SMTP server and set its port
    "MAIL_TIMEOUT": 2,
    # Sends run inside the request (tests/portal/test_send_queue.py runs a real worker).
    "TASK_QUEUE_IMMEDIATE": True,
    # An edit shows at the next scan (tests/portal/test_card_http_cache.py tests the wait).
    "CARD_PAGE_TRUST_SECONDS": 0,
    # scrypt costs about 125 ms a hash; tests sign in hundreds of times. (The default
    # is tested in tests/admin/test_auth.py.)
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}
_browsers = itertools.count(1)


class OwnBrowserClient(FlaskClient):
    """A test client with a User-Agent of its own: two clients are two browsers.

    Without a cookie, the portal tells a double tap from two customers by address and
    browser (core/services/ratings/submission.py); a test that means one browser sending
    twice from two clients copies the User-Agent (tests/portal/test_double_tap.py).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_USER_AGENT"] = f"test-browser-{next(_browsers)}"


class PostgresReset:
    """Empties every table and restarts every id sequence, in one round trip.

    DELETE rather than TRUNCATE: on tables this small, TRUNCATE of all 35 costs about
    100 ms a test (each table gets a new file), DELETE a few.
    """

    def __init__(self, engine):
        self.engine = engine
        with engine.connect() as connection:
            sequences = connection.execute(
                text("SELECT quote_ident(sequence_name) FROM information_schema.sequences")
            ).scalars()
            restarts = [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
        deletes = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
        self.sql = "; ".join(deletes + restarts)

    def __call__(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.sql)


def _create_schema(url: str) -> None:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory):
    """fresh_database(tmp_path) -> the URL of an empty database with the schema.

    The schema is created once. SQLite: each test gets a copy of that file in its
    tmp_path. PostgreSQL: each test empties the one TEST_DATABASE_URL.
    """
    if ON_POSTGRES:
        _create_schema(TEST_DATABASE_URL)
        engine = create_engine(TEST_DATABASE_URL)
        reset = PostgresReset(engine)

        def emptied(tmp_path) -> str:
            reset()
            return TEST_DATABASE_URL

        yield emptied
        engine.dispose()
        return
    template = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _create_schema(f"sqlite:///{template}")

    def copied(tmp_path) -> str:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    yield copied


@pytest.fixture
def make_app(fresh_database, tmp_path):
    """Build an app on a fresh database, with extra config for this test."""
    apps = []

    def factory(**overrides):
        config = {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": fresh_database(tmp_path)
            if not apps
            else apps[0].config["SQLALCHEMY_DATABASE_URI"],
            **overrides,
        }
        app = create_app(config)
        app.test_client_class = OwnBrowserClient
        app.instance_path = str(tmp_path / "instance")
        os.makedirs(app.instance_path, exist_ok=True)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Sign a user in through the real login form (commits pending test data first)."""

    def sign_in(user, password: str = "correct horse battery", target=None):
        db.session.commit()
        response = (target or client).post(
            "/admin/login", data={"email": user.email, "password": password}
        )
        assert response.status_code == 302, "login failed"
        return response

    return sign_in
