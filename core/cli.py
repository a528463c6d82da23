"""Registers the command groups (`flask --app wsgi --help` lists them)."""

from flask import Flask

from core.commands import demo, feedback, notices, ops, people, points, scores, sending


def init_app(app: Flask) -> None:
    for module in (people, scores, points, demo, ops, feedback, sending, notices):
        for command in module.commands:
            app.cli.add_command(command)
