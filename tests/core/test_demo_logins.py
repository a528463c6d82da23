"""`flask demo-logins`: the demo's logins again after the first run printed them once."""

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from core.demo.campaign import DEMO_JUDGE_EMAIL, DEMO_MANAGER_EMAIL
from core.demo.seed import DEMO_ADMIN_EMAIL, DEMO_PEOPLE
from core.extensions import db
from core.models import User
from core.services.people.employees import employee_for_secret
from tests.factories import make_employee, make_user

OLD_PASSWORD = "correct horse battery"


def _password_of(output: str, email: str) -> str:
    return re.search(rf"{re.escape(email)} / (\S+)", output).group(1)


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _demo_accounts() -> None:
    """What seed-demo leaves behind for this command (seeding it all takes seconds)."""
    for email in (DEMO_ADMIN_EMAIL, DEMO_MANAGER_EMAIL, DEMO_JUDGE_EMAIL):
        make_user(email=email, password=OLD_PASSWORD)
    make_employee(staff_no=DEMO_PEOPLE["Riverside"][0][0])
    db.session.commit()


def test_demo_logins_prints_working_new_passwords_for_every_demo_account(runner):
    _demo_accounts()
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 0, result.output
    for email in (DEMO_ADMIN_EMAIL, DEMO_MANAGER_EMAIL, DEMO_JUDGE_EMAIL):
        assert check_password_hash(_user(email).password_hash, _password_of(result.output, email))
    assert not check_password_hash(_user(DEMO_ADMIN_EMAIL).password_hash, OLD_PASSWORD)
    secret = re.search(r"/me/(\S+)", result.output).group(1)
    assert employee_for_secret(secret) is not None
    card = re.search(r"Try a card:\s+(\S+)", result.output).group(1)
    assert card == card.lower() and "/c/" in card


def test_seed_demo_on_a_used_database_says_how_to_get_the_logins(runner):
    make_employee()
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "demo data not added" in result.output
    assert "demo-logins" in result.output


def test_demo_logins_without_demo_accounts_says_how_to_add_them(runner):
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 1
    assert "seed-demo" in result.output


def test_demo_logins_is_refused_in_production_and_changes_nothing(app, runner):
    _demo_accounts()
    before = _user(DEMO_ADMIN_EMAIL).password_hash
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert _user(DEMO_ADMIN_EMAIL).password_hash == before


def test_seed_demo_itself_then_demo_logins_gives_a_working_admin_login(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 0, result.output
    password = _password_of(result.output, DEMO_ADMIN_EMAIL)
    assert check_password_hash(_user(DEMO_ADMIN_EMAIL).password_hash, password)
