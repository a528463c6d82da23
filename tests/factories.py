"""Plain functions that add a row, flush and return it."""

from itertools import count

from core.extensions import db
from core.models import Branch, Employee, Role
from core.services.tokens import card_token
from core.services.users import create_user

_sequence = count(1)


def make_branch(**kw) -> Branch:
    branch = Branch(name=kw.pop("name", f"Branch {next(_sequence)}"), **kw)
    db.session.add(branch)
    db.session.flush()
    return branch


def make_employee(**kw) -> Employee:
    branch = kw.pop("branch", None) or make_branch()
    employee = Employee(
        branch=branch,
        display_name=kw.pop("display_name", f"Employee {next(_sequence)}"),
        title=kw.pop("title", "Advisor"),
        card_token=kw.pop("card_token", card_token()),
        **kw,
    )
    db.session.add(employee)
    db.session.flush()
    return employee


def make_user(role: Role = Role.ADMIN, password: str = "correct horse battery", **kw):
    email = kw.pop("email", f"user{next(_sequence)}@example.com")
    return create_user(email, password, role, **kw)
