"""Accounts and employees from the command line."""

import functools
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.extensions import db
from core.models import Branch, Employee, Role
from core.services import DomainError
from core.services.people.branches import create_branch
from core.services.people.cards import readable_card_url
from core.services.people.employees import (
    add_employee,
    branch_named,
    decode_csv,
    import_employees_csv,
    issue_private_link,
    rotate_card_token,
)
from core.services.people.users import create_user


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@with_appcontext
def create_admin(email: str, password: str, name: str) -> None:
    """Create an admin account for the admin area."""
    try:
        create_user(email, password, Role.ADMIN, name=name)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Admin {email} created.")


def in_default_locale(command):
    """Run the command inside a bare request, so translated service messages can pick a locale.

    The locale selector reads the request, and the command line has none: a request
    without Accept-Language gets the default locale.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context():
            return command(*args, **kwargs)

    return wrapper


@click.group("employees")
def employees() -> None:
    """Add, import and list employees and their card URLs."""


def _employee(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise click.ClickException(f"No employee has the id {employee_id}.")
    return employee


@employees.command("add")
@click.option("--branch", "branch_name", required=True, help="Name of the branch.")
@click.option("--name", "display_name", required=True, help="Name printed on the card.")
@click.option("--title", default="", help="Job title printed on the card.")
@click.option("--staff-no", default="", help="Staff number (spots duplicates).")
@click.option(
    "--create-branch",
    "create_missing_branch",
    is_flag=True,
    help="Create the branch when it does not exist.",
)
@click.option(
    "--email", "emails", multiple=True, help="The employee's own work email (repeatable)."
)
@click.option("--phone", "phones", multiple=True, help="The employee's own mobile (repeatable).")
@with_appcontext
@in_default_locale
def employees_add(
    branch_name: str,
    display_name: str,
    title: str,
    staff_no: str,
    create_missing_branch: bool,
    emails: tuple[str, ...],
    phones: tuple[str, ...],
) -> None:
    """Add one employee (with their own contacts, which may never rate) and print the card URL."""
    try:
        branch = branch_named(branch_name)
        if branch is None and create_missing_branch:
            branch = create_branch(branch_name, "", actor=None)
        if branch is None:
            raise click.ClickException(
                f"There is no branch named {branch_name.strip()}; add --create-branch to create it."
            )
        employee = add_employee(
            branch.id,
            display_name,
            title=title,
            staff_no=staff_no,
            emails="\n".join(emails),
            phones="\n".join(phones),
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Employee {employee.id} {employee.display_name}: {readable_card_url(employee)}")


@employees.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--create-branches", is_flag=True, help="Create the branches the file names that do not exist."
)
@with_appcontext
@in_default_locale
def employees_import(csv_file: Path, create_branches: bool) -> None:
    """Import employees from a CSV file with the header branch,display_name,title,staff_no.

    Optional columns emails and phones hold the employee's own contacts, several separated
    by ";". Every row is checked first: if any row is bad, nothing is imported.
    """
    try:
        report = import_employees_csv(decode_csv(csv_file.read_bytes()), create_branches)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    if not report.ok:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"Nothing imported: {len(report.problems)} problem(s) in {csv_file.name}."
        )
    for name in report.branches_created:
        click.echo(f"Branch created: {name}")
    click.echo(f"{len(report.employees)} employee(s) imported.")


@employees.command("list")
@click.option("--branch", "branch_name", default="", help="Only this branch.")
@with_appcontext
@in_default_locale
def employees_list(branch_name: str) -> None:
    """List employees with their card URLs (tab-separated)."""
    query = select(Employee).join(Employee.branch).order_by(Branch.name, Employee.display_name)
    if branch_name:
        branch = branch_named(branch_name)
        if branch is None:
            raise click.ClickException(f"There is no branch named {branch_name.strip()}.")
        query = query.where(Employee.branch_id == branch.id)
    for employee in db.session.scalars(query):
        state = "active" if employee.active else "inactive"
        click.echo(
            "\t".join(
                (
                    str(employee.id),
                    employee.branch.name,
                    employee.display_name,
                    employee.title,
                    state,
                    readable_card_url(employee),
                )
            )
        )


@employees.command("rotate-card")
@click.argument("employee_id", type=int)
@with_appcontext
@in_default_locale
def employees_rotate_card(employee_id: int) -> None:
    """Replace a lost card: the old card stops working; print the new card URL."""
    employee = _employee(employee_id)
    rotate_card_token(employee)
    click.echo(f"New card for {employee.display_name}: {readable_card_url(employee)}")


@employees.command("private-link")
@click.argument("employee_id", type=int)
@with_appcontext
@in_default_locale
def employees_private_link(employee_id: int) -> None:
    """Issue a new private page link for an employee (the previous link stops working)."""
    employee = _employee(employee_id)
    click.echo(f"Private link for {employee.display_name}: {issue_private_link(employee)}")


commands = [create_admin, employees]
