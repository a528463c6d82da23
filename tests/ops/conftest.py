"""Fixtures for operations tests: Redis when it answers, an app with probe routes, gunicorn."""

import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import func, select

from core.database import begin_write
from core.extensions import db, limiter
from core.models import Branch

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture
def redis_url():
    """A Redis URL for shared rate limits (TEST_REDIS_URL), or skip when none answers."""
    import redis

    configured = os.environ.get("RATELIMIT_STORAGE_URI", "")
    fallback = configured if configured.startswith("redis://") else "redis://127.0.0.1:6379/0"
    url = os.environ.get("TEST_REDIS_URL") or fallback
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {url}")
    return url


@pytest.fixture
def default_limit_apps(make_app):
    """Build apps with RATELIMIT_DEFAULT; the default is cleared before and after.

    Flask-Limiter keeps the first default it reads on the shared `limiter` object for the
    rest of the process, so without this one test's default would leak into the next.
    """
    limiter.limit_manager.set_default_limits([])

    def build(default: str, **config):
        return make_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT=default, **config)

    yield build
    limiter.limit_manager.set_default_limits([])


@pytest.fixture
def unique_address():
    """A client address of its own, so tests sharing one Redis never share a counter.

    Limits are counted per client address. (A key prefix per test would not do:
    Flask-Limiter keeps the first RATELIMIT_KEY_PREFIX it reads for the whole process.)
    """
    return str(ipaddress.IPv4Address(0x0A000000 | uuid.uuid4().int % 0x1000000))


def add_probe_routes(app) -> None:
    """Routes that stand in for a service: one write transaction of two rows, and a read."""

    @app.post("/probe/branches")
    def probe_add_branches():
        begin_write()
        stem = request.form.get("name", "Probe")
        db.session.add(Branch(name=f"{stem} A"))
        db.session.flush()
        db.session.add(Branch(name=f"{stem} B"))
        db.session.commit()
        return "saved", 201

    @app.get("/probe/branches")
    def probe_count_branches():
        return str(db.session.scalar(select(func.count()).select_from(Branch)))


@pytest.fixture
def probe_app(make_app):
    """An app (fresh database) with the probe routes, inside an app context."""
    app = make_app()
    add_probe_routes(app)
    with app.app_context():
        yield app


def branch_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Branch))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_lines(self) -> list[dict]:
        """The JSON lines written so far (gunicorn's own plain lines left out)."""
        text = self.log_path.read_text()
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@contextmanager
def running_gunicorn(env: dict, log_path: Path, workers: int = 2, startup_timeout: float = 30):
    """Start gunicorn with the project's gunicorn.conf.py; its output goes to log_path."""
    port = free_port()
    full_env = {
        **os.environ,
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **env,
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "wsgi:app"], cwd=ROOT, env=full_env, stdout=log, stderr=log
        )
    server = Gunicorn(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_for_port(port, server, startup_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, server: Gunicorn, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early: {server.log_path.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening in time")


class TcpRelay:
    """A TCP relay to a database server that a test can cut and restore, like an outage."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> "TcpRelay":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        with self._lock:
            sockets, self._sockets = self._sockets + [self._listener], []
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
