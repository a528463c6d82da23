"""The bare Flask baseline for bench/http_load.py: a hello-world route and one SQLite insert.

Served by the same gunicorn settings as the app, so the ratios in bench/RESULTS.md
compare the app's own work, not the server's.
"""

import os
import sqlite3

from flask import Flask, request

app = Flask(__name__)
DATABASE = os.environ.get("BASELINE_DATABASE", "baseline.sqlite3")


def create_schema(path: str) -> None:
    """The baseline's one table, in WAL mode like the app's SQLite."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        )


@app.get("/hello")
def hello():
    return "Hello, world!"


@app.post("/insert")
def insert():
    # The same connection settings as core/database.py: busy timeout, NORMAL sync, WAL.
    connection = sqlite3.connect(DATABASE, timeout=10, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO note (body) VALUES (?)", (request.form.get("body", ""),))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return "", 201
