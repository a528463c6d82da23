"""gunicorn.conf.py: production settings, and no in-memory rate limits with many workers."""

import json
import os
import runpy
import subprocess
import urllib.request
from types import SimpleNamespace

import pytest

from tests.ops.conftest import GUNICORN, ROOT, running_gunicorn

CONFIG_FILE = ROOT / "gunicorn.conf.py"


@pytest.fixture
def load_settings(monkeypatch):
    """Evaluate gunicorn.conf.py under a given environment."""

    def load(**env):
        for name in ("WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "RATELIMIT_STORAGE_URI"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONFIG_FILE))

    return load


def test_workers_come_from_web_concurrency(load_settings):
    assert load_settings(WEB_CONCURRENCY="3")["workers"] == 3


def test_workers_default_to_two_per_core(load_settings):
    import multiprocessing

    assert load_settings()["workers"] == 2 * multiprocessing.cpu_count()


def test_production_limits_are_set(load_settings):
    settings = load_settings()
    assert settings["worker_class"] == "sync"
    assert settings["timeout"] == 30
    assert settings["graceful_timeout"] == 30
    assert settings["limit_request_line"] == 4094
    assert settings["limit_request_fields"] == 60


def test_forwarded_headers_are_trusted_from_no_one_by_default(load_settings):
    settings = load_settings()
    assert settings["forwarded_allow_ips"] == ""
    assert settings["secure_scheme_headers"] == {}


def test_access_log_is_off_so_paths_with_tokens_are_never_written(load_settings):
    assert load_settings()["accesslog"] is None


@pytest.mark.parametrize(
    ("workers", "storage", "refused"),
    [
        (2, "memory://", True),
        (8, "memory://", True),
        (1, "memory://", False),
        (4, "redis://127.0.0.1:6379/0", False),
    ],
)
def test_memory_rate_limits_are_refused_with_many_workers(load_settings, workers, storage, refused):
    settings = load_settings(RATELIMIT_STORAGE_URI=storage)
    server = SimpleNamespace(cfg=SimpleNamespace(workers=workers))
    if refused:
        with pytest.raises(settings["MemoryRateLimitsWithManyWorkers"]):
            settings["on_starting"](server)
    else:
        settings["on_starting"](server)


def test_gunicorn_refuses_to_start_two_workers_on_memory_limits(tmp_path):
    env = {
        "WEB_CONCURRENCY": "2",
        "RATELIMIT_STORAGE_URI": "memory://",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": "127.0.0.1:0",
    }
    result = subprocess.run(
        [str(GUNICORN), "wsgi:app"],
        cwd=ROOT,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in result.stderr


@pytest.mark.slow
def test_gunicorn_serves_with_redis_limits_and_logs_json(tmp_path, redis_url):
    env = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    with running_gunicorn(env, tmp_path / "gunicorn.log", workers=2) as server:
        response = urllib.request.urlopen(f"{server.url}/readyz", timeout=10)
        with response:
            assert response.status == 200
            assert json.load(response)["database"] == "ok"
    logged = server.log_lines()
    assert any(line.get("route") == "/readyz" and line["status"] == 200 for line in logged)


def _base_env() -> dict:
    return {name: value for name, value in os.environ.items() if name != "WEB_CONCURRENCY"}
