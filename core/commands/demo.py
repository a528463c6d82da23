"""The demo data command."""

import click
from flask.cli import with_appcontext

from core.commands.people import in_default_locale
from core.demo.seed import demo_is_needed, seed_demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when employees exist already.")
@with_appcontext
@in_default_locale
def seed_demo_command(if_empty: bool) -> None:
    """Create demo branches, employees and an admin account, and print how to try them."""
    if if_empty and not demo_is_needed():
        click.echo("Employees exist already: demo data not added.")
        return
    summary = seed_demo()
    click.echo(f"Demo ready: {len(summary.employees)} employees.")
    if summary.admin_password:
        click.echo(f"Admin login: {summary.admin_email} / {summary.admin_password}")
    else:
        click.echo(f"Admin login: {summary.admin_email} (exists already, password unchanged)")
    click.echo(f"Try a card:  {summary.card_url}")
    click.echo(f"Private page of {summary.employees[0].display_name}: {summary.private_link}")
    for note in summary.notes:
        click.echo(note)


commands = [seed_demo_command]
