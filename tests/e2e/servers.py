"""Real servers for the end-to-end tests: gunicorn in a child process and an SMTP catcher."""

import email
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailCatcher:
    """An aiosmtpd handler that keeps every message and lets tests wait for one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted"

    def messages_to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope recipients include this address."""
        return [m for m in self.messages if address.lower() in m["X-Envelope-To"].lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> EmailMessage:
        """The latest message to `address` once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages_to(address)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no email to {address} within {timeout} s")
                self._arrived.wait(remaining)
            return self.messages_to(address)[-1]


def message_text(message: EmailMessage) -> str:
    """The plain-text body of a message (or its HTML when it has no text part)."""
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def one_time_code(message: EmailMessage) -> str:
    """The 6-digit one-time code in a verification email."""
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", message_text(message))
    assert match, "no 6-digit code in the email"
    return match.group(1)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 on a free port, collecting what the app sends."""

    def __init__(self) -> None:
        self.catcher = MailCatcher()
        self.port = free_port()
        self._controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on 127.0.0.1, with its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.log_path = log_path
        self.env = env
        self._process: subprocess.Popen | None = None
        self._log_file = None

    def start(self) -> "Gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "wsgi:app",
        ]
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(  # noqa: S603 (fixed command line)
            command, cwd=REPO, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            if len(self.worker_pids()) >= self.workers and self._answers("/healthz"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready:\n{self.log_tail()}")

    def _answers(self, path: str) -> bool:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def worker_pids(self) -> list[int]:
        """Process ids of the arbiter's live worker children."""
        if self._process is None:
            return []
        children = Path(f"/proc/{self._process.pid}/task/{self._process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill_workers(self) -> list[int]:
        """SIGKILL every worker (the arbiter starts new ones); returns their pids.

        All of them, not one: the kernel may hand every queued connection to the other
        workers, and a lone idle victim would prove nothing.
        """
        pids = self.worker_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def wait_for_workers(self, timeout: float = BOOT_TIMEOUT_S) -> list[int]:
        """Wait until the arbiter runs its full count of workers again; their pids."""
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < self.workers:
            if time.monotonic() > deadline:
                raise AssertionError(f"workers not replaced:\n{self.log_tail()}")
            time.sleep(0.1)
        return self.worker_pids()

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run `flask --app wsgi ARGS` against the server's database and settings."""
        return subprocess.run(  # noqa: S603 (fixed command line)
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def log_text(self) -> str:
        """Everything gunicorn and the app wrote so far."""
        if self._log_file is not None:
            self._log_file.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            # QUIT: quick shutdown; the test is over, nothing needs a graceful drain.
            self._process.send_signal(signal.SIGQUIT)
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
