"""PUBLIC_BASE_URL: stated, or in development the port `make run PORT=...` serves on."""

import os
import shutil
import subprocess

import pytest

from core import ROOT
from core.config import ConfigError, load_config


def _base(env: dict) -> str:
    return load_config("/tmp", env=env)["PUBLIC_BASE_URL"]


def test_development_links_follow_the_port_flask_run_serves_on():
    assert _base({"FLASK_RUN_PORT": "8080"}) == "http://127.0.0.1:8080"


def test_default_port_without_any_setting():
    assert _base({}) == "http://127.0.0.1:5000"


@pytest.mark.parametrize("port", ["80a", "0", "70000", "-1"])
def test_a_port_that_is_not_a_port_number_is_refused_by_name(port):
    with pytest.raises(ConfigError, match="FLASK_RUN_PORT"):
        _base({"FLASK_RUN_PORT": port})


def test_a_stated_public_base_url_wins_over_the_port():
    env = {"FLASK_RUN_PORT": "8080", "PUBLIC_BASE_URL": "https://stars.example.com/"}
    assert _base(env) == "https://stars.example.com"


def test_production_never_guesses_its_address_from_the_port():
    env = {"SERVICE_STAR_ENV": "production", "FLASK_RUN_PORT": "8080"}
    assert _base(env) == "http://127.0.0.1:5000"


def _make_run_dry(*args: str, env: dict | None = None) -> str:
    """What `make run` would execute (make -n runs nothing)."""
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "run", *args],  # noqa: S607
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_port_reaches_flask_run():
    dry = _make_run_dry("PORT=8080")
    assert "FLASK_RUN_PORT=8080 .venv/bin/flask --app wsgi run" in dry
    # The demo's printed links too.
    assert "FLASK_RUN_PORT=8080 .venv/bin/flask --app wsgi seed-demo" in dry
    assert "FLASK_RUN_PORT=9090 " in _make_run_dry(env={"FLASK_RUN_PORT": "9090"})
    assert "FLASK_RUN_PORT=5000 " in _make_run_dry(env={"FLASK_RUN_PORT": ""})


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_app_requirements_only():
    dry = _make_run_dry(env={"VENV": "/nonexistent-venv"})
    assert "pip install --quiet -r requirements.txt" in dry
    assert "requirements-dev.txt" not in dry
