"""The demo data command."""

import click
from flask.cli import with_appcontext

from core.commands.people import in_default_locale
from core.demo.logins import reset_demo_logins
from core.demo.seed import demo_is_needed, seed_demo
from core.services import DomainError

# Passwords are stored hashed: the way back to a login is a new password.
LOGINS_HINT = "Demo logins lost? `.venv/bin/flask --app wsgi demo-logins` prints new ones."


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when employees exist already.")
@with_appcontext
@in_default_locale
def seed_demo_command(if_empty: bool) -> None:
    """Create demo branches, employees and an admin account, and print how to try them."""
    if if_empty and not demo_is_needed():
        click.echo("Employees exist already: demo data not added.")
        click.echo(LOGINS_HINT)
        return
    summary = seed_demo()
    click.echo(f"Demo ready: {len(summary.employees)} employees.")
    if summary.admin_password:
        click.echo(f"Admin login: {summary.admin_email} / {summary.admin_password}")
    else:
        click.echo(f"Admin login: {summary.admin_email} (exists already, password unchanged)")
        click.echo(LOGINS_HINT)
    click.echo(f"Try a card:  {summary.card_url}")
    click.echo(f"Private page of {summary.employees[0].display_name}: {summary.private_link}")
    for note in summary.notes:
        click.echo(note)


@click.command("demo-logins")
@with_appcontext
@in_default_locale
def demo_logins_command() -> None:
    """Print the demo's logins with new passwords (the old ones stop working)."""
    try:
        logins = reset_demo_logins()
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    if not logins.accounts:
        raise click.ClickException(
            "No demo accounts here: `.venv/bin/flask --app wsgi seed-demo` adds them."
        )
    for name, email, password in logins.accounts:
        click.echo(f"{name}: {email} / {password}")
    if logins.card_url:
        click.echo(f"Try a card:  {logins.card_url}")
        click.echo(f"Private page of the first demo employee: {logins.private_link}")


commands = [seed_demo_command, demo_logins_command]
