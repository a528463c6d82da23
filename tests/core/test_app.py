import pytest

from core import create_app
from core.config import ConfigError


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Service Star" in response.data


@pytest.mark.parametrize("key", [None, "dev-only-not-secret", "short"])
def test_production_refuses_missing_or_default_secret(monkeypatch, key):
    monkeypatch.setenv("SERVICE_STAR_ENV", "production")
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError):
        create_app()
