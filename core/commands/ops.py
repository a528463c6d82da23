"""Operations commands: backups, and the report of a contact purge."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.services.backup import BackupError, backup_database, default_backup_path
from core.services.ratings.retention import FilesNotScrubbed, purge_contacts


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Write a consistent copy of the live SQLite database to PATH (default: instance/backups/)."""
    target = path or default_backup_path(current_app.instance_path)
    try:
        backup = backup_database(target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written: {backup.path} ({backup.size_bytes} bytes)")
    click.echo(
        "To restore: stop the app, delete the database's -wal and -shm files, copy this "
        "file over the database file, start the app."
    )


def purge_contacts_and_report() -> None:
    """The body of `flask purge-contacts`: forget old contacts, rewrite the files, say so."""
    try:
        purged = purge_contacts()
    except FilesNotScrubbed as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{purged} customer contacts purged; the database files were rewritten without them."
    )


commands = [backup_command]
