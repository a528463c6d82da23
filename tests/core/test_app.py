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


def test_production_refuses_the_console_sms_backend(monkeypatch):
    monkeypatch.setenv("SERVICE_STAR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("VERIFY_METHODS", "email,sms")
    monkeypatch.setenv("SMS_BACKEND", "console")
    with pytest.raises(ConfigError, match="SMS_BACKEND"):
        create_app()
    monkeypatch.setenv("VERIFY_METHODS", "email,receipt")
    assert create_app().config["ENV_NAME"] == "production"


def test_production_refuses_the_file_mail_backend_when_email_codes_are_offered(monkeypatch):
    monkeypatch.setenv("SERVICE_STAR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("VERIFY_METHODS", "email,receipt")
    monkeypatch.setenv("MAIL_BACKEND", "file")
    with pytest.raises(ConfigError, match="MAIL_BACKEND"):
        create_app()
    monkeypatch.setenv("VERIFY_METHODS", "receipt")
    assert create_app().config["ENV_NAME"] == "production"
    monkeypatch.setenv("VERIFY_METHODS", "email,receipt")
    monkeypatch.delenv("MAIL_BACKEND")
    assert create_app().config["MAIL_BACKEND"] == "smtp"
