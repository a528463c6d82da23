"""The send queue: mail and SMS leave the web request and are sent by a worker (Huey).

A slow mail server or SMS gateway then holds a queue worker, never a web worker.

Storage (config TASK_QUEUE_URL): empty = SQLite in the instance folder (one machine,
`instance/send_queue.sqlite3`), "sqlite:////path/file" = that file; "redis://..." =
Redis, for several app servers. With TASK_QUEUE_IMMEDIATE (tests, and development by
default) a task runs at once inside the request, so `make run` needs no worker.
`flask send-worker` runs the worker.

There is one queue per process: create_app configures it, and the last app created
wins (the tests build many apps, all immediate but one).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from huey import Huey, RedisHuey, SqliteHuey

from core.services import DomainError

log = logging.getLogger(__name__)
QUEUE_NAME = "service-star-send"

# Results are not kept: a task's outcome is written to the database (a code's sent_at
# or send_failed_at), and the queue holds a message only until it is sent.
huey = Huey(QUEUE_NAME, results=False, immediate=True, utc=True)
_app: Flask | None = None


def storage_for(app: Flask) -> tuple[type, dict]:
    """The storage class and its arguments for this app's TASK_QUEUE_URL."""
    url = app.config["TASK_QUEUE_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey.storage_class, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteHuey.storage_class, {"filename": url.removeprefix("sqlite:///")}
    if url:
        raise ValueError("TASK_QUEUE_URL must be empty, sqlite:///<file> or redis://...")
    return SqliteHuey.storage_class, {"filename": str(queue_file(app))}


def queue_file(app: Flask) -> Path:
    """The embedded queue's SQLite file, in the instance folder."""
    return Path(app.instance_path) / "send_queue.sqlite3"


def init_app(app: Flask) -> None:
    """Point the process's queue at this app's storage (or immediate mode)."""
    global _app
    _app = app
    huey.storage_class, huey.storage_kwargs = storage_for(app)
    # Huey keeps immediate mode on an in-memory storage; set both together.
    huey._immediate = bool(app.config["TASK_QUEUE_IMMEDIATE"])
    huey.storage = huey.create_storage()


class SendFailed(Exception):
    """One try of a queued send failed; the queue tries again (no contact in the message)."""


def sends_now() -> bool:
    """Immediate mode: a task runs inside the request, so its failure is known there."""
    return huey.immediate


class QueueUnavailable(DomainError):
    """The queue's storage (SQLite file or Redis) did not take the message."""


def enqueue(task, *args) -> None:
    """Queue a task with the retry settings; QueueUnavailable when storage fails."""
    try:
        task(*args, **retry_options())
    except Exception as error:  # noqa: BLE001 (each storage raises its own errors)
        log.error("send queue unavailable: %s", type(error).__name__)
        raise QueueUnavailable(_l("We could not send the code. Please try again.")) from error


def retry_options() -> dict:
    """How often and after how long a failed send is tried again.

    No retries in immediate mode: a retry would be scheduled for a worker that never
    runs, so the first failure is final and the customer is told at once.
    """
    if huey.immediate:
        return {"retries": 0}
    config = current_app.config
    return {
        "retries": config["SEND_RETRIES"],
        "retry_delay": config["SEND_RETRY_DELAY"],
        "retry_backoff": 2,
    }


@contextmanager
def task_context() -> Iterator[None]:
    """A fresh app context for a task: its own database session, in a worker thread too.

    In immediate mode the task runs inside a request: it takes that request's app (a
    test may hold several apps at once); a worker thread takes the configured one.
    """
    app = current_app._get_current_object() if has_app_context() else _app
    if app is None:
        raise RuntimeError("the send queue is not configured (create_app first)")
    with app.app_context():
        yield


def run_worker(workers: int) -> None:
    """Run the consumer until interrupted (SIGINT finishes the sends in flight)."""
    if huey.immediate:
        raise RuntimeError(
            "TASK_QUEUE_IMMEDIATE is on: sends happen in the request, there is nothing to "
            "consume. Set TASK_QUEUE_IMMEDIATE=0 for the web servers and this worker."
        )
    # Threads: a send waits on the network, not the CPU. The scheduler still runs the
    # retries that wait for their delay; there are no periodic tasks.
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    log.info("send worker: %d thread(s) on %s", workers, huey.storage_class.__name__)
    consumer.run()
