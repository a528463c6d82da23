"""The send queue: codes wait in it for a worker, are tried again, and a final failure is
shown on the code page with the rating kept. One test runs a real worker process."""

import os
import signal
import subprocess
import sys
import time

import pytest
import redis

from core.extensions import db
from core.models import utcnow
from core.services.messaging.queue import huey
from core.services.ratings.code_limits import CODES_PER_RATING
from tests.e2e.servers import REPO, SmtpServer, free_port
from tests.factories import make_employee
from tests.portal.flow import codes, rate

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def queued_app(make_app, queue_url: str, mail_port: int, **config):
    """An app that queues sends (no immediate mode) in an emptied queue."""
    app = make_app(
        TASK_QUEUE_IMMEDIATE=False,
        TASK_QUEUE_URL=queue_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mail_port,
        MAIL_TIMEOUT=1,
        **config,
    )
    huey.flush()
    return app


def ask_for_email_code(app, comment="Keep my words"):
    """A client with a pending rating that asked for a code by email."""
    employee = make_employee(display_name="Alice Wang")
    db.session.commit()
    client = app.test_client()
    rate(client, employee, comment=comment)
    response = client.post("/v/email", data={"email": "c@example.com"})
    assert response.status_code == 302
    return client


def worker_env(app) -> dict:
    config = app.config
    return {
        **os.environ,
        "SERVICE_STAR_ENV": "development",
        "SECRET_KEY": config["SECRET_KEY"],
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "TASK_QUEUE_URL": config["TASK_QUEUE_URL"],
        "TASK_QUEUE_IMMEDIATE": "0",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(config["MAIL_PORT"]),
    }


def start_worker(app, log_path) -> subprocess.Popen:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-worker", "--workers", "1"]
    with open(log_path, "ab") as log:
        return subprocess.Popen(  # noqa: S603 (our own command)
            command, cwd=REPO, env=worker_env(app), stdout=log, stderr=subprocess.STDOUT
        )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGINT)  # huey's graceful stop: sends in flight finish
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def recorded_sent(timeout: float = 15) -> bool:
    """Wait until the worker wrote sent_at on the code (its own database session)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(code.sent_at is not None for code in codes()):
            return True
        time.sleep(0.05)
    return False


def redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_a_queued_code_waits_for_a_worker_and_is_sent_when_one_starts(make_app, smtp, tmp_path):
    """The queue outlives its worker: a code asked for while none runs (a worker being
    restarted, or down) is sent by the next one, a separate process."""
    app = queued_app(make_app, f"sqlite:///{tmp_path / 'queue.sqlite3'}", smtp.port)
    with app.app_context():
        client = ask_for_email_code(app)
        time.sleep(0.2)
        assert smtp.catcher.messages == []  # no worker: the code waits in the queue
        [code] = codes()
        assert code.sent_at is None and code.send_failed_at is None
        assert "We sent a code to c•••@example.com" in client.get("/v/code").text
        log = tmp_path / "worker.log"
        worker = start_worker(app, log)
        try:
            message = smtp.catcher.wait_for("c@example.com", timeout=30)
            assert recorded_sent()
        finally:
            stop_worker(worker)
            print(log.read_text())  # shown when the test fails
    assert f"{code.prefix}-" in message["Subject"]


def test_redis_queue_keeps_a_send_for_the_worker(make_app):
    if not redis_is_up():
        pytest.skip("Redis is not running")
    app = queued_app(make_app, REDIS_URL, free_port())
    with app.app_context():
        ask_for_email_code(app)
        task = huey.dequeue()
        assert task is not None and task.name == "deliver_code"
        assert huey.dequeue() is None


def test_a_send_is_tried_again_and_recorded_as_failed_after_the_last_try(make_app, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app = queued_app(make_app, queue_url, free_port(), SEND_RETRIES=1, SEND_RETRY_DELAY=0)
    with app.app_context():
        client = ask_for_email_code(app)
        huey.execute(huey.dequeue())  # first try: refused, queued again
        [code] = codes()
        assert code.send_failed_at is None
        assert "has not been sent yet" not in client.get("/v/code").text
        huey.execute(huey.dequeue())  # the last try
        [code] = codes()
        assert code.send_failed_at is not None and code.sent_at is None
        assert huey.dequeue() is None
        assert "has not been sent yet" in client.get("/v/code").text


def test_a_code_replaced_while_queued_is_not_sent(make_app, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app = queued_app(make_app, queue_url, free_port(), SEND_RETRIES=0)
    with app.app_context():
        ask_for_email_code(app)
        [code] = codes()
        code.voided_at = utcnow()  # as a newer code for the same rating does
        db.session.commit()
        huey.execute(huey.dequeue())
        [code] = codes()
        # Not tried at all: a try at this closed port would have been recorded as failed.
        assert code.send_failed_at is None and code.sent_at is None


def test_a_failed_send_says_so_on_the_code_page_and_keeps_the_rating(make_app, smtp):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=1)
    with app.app_context():
        client = ask_for_email_code(app, comment="Kind and quick, thank you")
        page = client.get("/v/code")
        assert page.status_code == 200
        assert "Your code to c•••@example.com has not been sent yet." in page.text
        assert "Try again, or choose another way to confirm: your rating is kept." in page.text
        assert "Kind and quick, thank you" in page.text  # the draft is intact
        assert 'href="/v"' in page.text
        # The failed code is no code to type: the choice page offers no "I already have one".
        assert "I already have a code" not in client.get("/v").text

        app.config["MAIL_PORT"] = smtp.port  # the mail server is back: try again at once
        assert client.post("/v/email", data={"email": "c@example.com"}).status_code == 302
        smtp.catcher.wait_for("c@example.com")
        page = client.get("/v/code").text
        assert "has not been sent yet" not in page
        assert "We sent a code to c•••@example.com." in page
        assert "Kind and quick, thank you" in page


def test_failed_sends_do_not_count_against_the_caps(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=1)
    with app.app_context():
        client = ask_for_email_code(app)
        for _ in range(CODES_PER_RATING):
            response = client.post("/v/email", data={"email": "c@example.com"})
            assert response.status_code == 302  # not "as many codes as it may"
        assert len(codes()) == CODES_PER_RATING + 1
