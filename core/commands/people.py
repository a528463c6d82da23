"""Accounts and employees from the command line."""

import click
from flask.cli import with_appcontext

from core.extensions import db
from core.models import Role
from core.services import DomainError
from core.services.users import create_user


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


commands = [create_admin]
