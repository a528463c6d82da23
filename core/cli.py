"""Registers the command groups (`flask --app wsgi --help` lists them)."""

from flask import Flask

from core.commands import people


def init_app(app: Flask) -> None:
    for module in (people,):
        for command in module.commands:
            app.cli.add_command(command)
