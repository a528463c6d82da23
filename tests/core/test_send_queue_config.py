"""The send queue's settings: immediate outside production, storage from TASK_QUEUE_URL."""

from types import SimpleNamespace

import pytest
from huey import RedisHuey, SqliteHuey

from core.config import load_config
from core.services.messaging.queue import storage_for


def test_sends_queue_in_production_and_happen_at_once_elsewhere():
    assert (
        load_config("/tmp", env={"SERVICE_STAR_ENV": "production"})["TASK_QUEUE_IMMEDIATE"] is False
    )
    assert load_config("/tmp", env={})["TASK_QUEUE_IMMEDIATE"] is True
    assert load_config("/tmp", env={"TASK_QUEUE_IMMEDIATE": "0"})["TASK_QUEUE_IMMEDIATE"] is False


def _app(url: str):
    return SimpleNamespace(config={"TASK_QUEUE_URL": url}, instance_path="/srv/instance")


@pytest.mark.parametrize(
    ("url", "storage", "arguments"),
    [
        ("", SqliteHuey.storage_class, {"filename": "/srv/instance/send_queue.sqlite3"}),
        ("sqlite:////var/q.sqlite3", SqliteHuey.storage_class, {"filename": "/var/q.sqlite3"}),
        ("redis://10.0.0.5:6379/1", RedisHuey.storage_class, {"url": "redis://10.0.0.5:6379/1"}),
    ],
)
def test_the_queue_url_chooses_the_storage(url, storage, arguments):
    assert storage_for(_app(url)) == (storage, arguments)


def test_an_unknown_queue_url_stops_the_start():
    with pytest.raises(ValueError, match="TASK_QUEUE_URL"):
        storage_for(_app("amqp://rabbit"))
