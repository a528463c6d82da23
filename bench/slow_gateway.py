"""A slow mail server does not slow the card page: codes are sent by the send queue.

Run: python bench/slow_gateway.py [--seconds 10]

The app runs under gunicorn as in bench/http_load.py (whose helpers this reuses), with
its send worker (`flask send-worker`) beside it and a mail server that takes 2 s to
answer each message. wrk measures the card page twice in one run:
- alone;
- while 20 customers each ask for an email code every 2 s (rate, then ask; so about 20
  sends are always waiting at the mail server).
Target: the card page keeps >= 0.8 of its throughput. Two more runs explain the figure:
a control with a mail server that answers at once (what the customers' own requests
cost, gateway aside), and TASK_QUEUE_IMMEDIATE=1, which sends inside the request as
before the queue (each code request holds a web worker for 2 s).
"""

import asyncio
import contextlib
import http.cookiejar
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from bench.forms import form_fields  # noqa: E402
from bench.http_load import (  # noqa: E402
    UNLIMITED,
    WORKERS,
    app_environment,
    free_port,
    gunicorn,
    prepare_database,
    run_arguments,
    wrk,
)

MAIL_DELAY_S = 2.0
CUSTOMERS = 20
TARGET = 0.8


class SlowMailServer:
    """Accepts every message, MAIL_DELAY_S after it was sent; counts them."""

    def __init__(self) -> None:
        self.delivered = 0
        self.delay = MAIL_DELAY_S
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(self.delay)
        with self._lock:
            self.delivered += 1
        return "250 Message accepted"


@contextlib.contextmanager
def slow_mail_server():
    handler = SlowMailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def send_worker(env: dict, log_path: Path):
    """`flask send-worker` with enough threads for every send waiting at the server."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-worker"]
    command += ["--workers", str(CUSTOMERS)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
        try:
            _wait_for_worker(process, log_path)
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_for_worker(process: subprocess.Popen, log_path: Path) -> None:
    """Until the worker logs that it consumes (booting takes seconds on a busy machine)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the send worker exited at start:\n{log_path.read_text()[-3000:]}")
        if "send worker:" in log_path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SystemExit("the send worker did not start within 90 s")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A customer's browser here stops at the redirect: the page after it is not timed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Customer(threading.Thread):
    """Rates, asks for a code by email, and again every MAIL_DELAY_S, until stopped.

    Two requests a round (rate, ask), as light as a customer can be: the card page is
    fetched once for its form, and redirects are not followed.
    """

    def __init__(self, number: int, url: str, token: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.number, self.url, self.token, self.stop = number, url, token, stop
        self.asked, self.failed, self.seconds = 0, 0, []
        self.card = f"{url}/C/{token}"
        self.run_id = f"{time.monotonic_ns():x}"  # submission keys new in every run
        self.browser = self.new_browser()

    @staticmethod
    def new_browser():
        return urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def run(self) -> None:
        try:
            form = form_fields(self.browser.open(self.card, timeout=30).read().decode())
        except (urllib.error.URLError, OSError):
            self.failed += 1
            return
        csrf = urllib.parse.parse_qs(form).get("csrf_token", [None])[0]
        round_number = 0
        while not self.stop.is_set():
            started = time.monotonic()
            round_number += 1
            # Each round is the next customer at this place in the queue, on their own
            # phone: the same browser rating again would update its pending rating instead.
            self.browser = self.new_browser()
            try:
                key = f"{self.run_id}c{self.number}r{round_number}"
                self.ask_for_code(form.replace("{n}", key), csrf)
            except (urllib.error.URLError, OSError):
                self.failed += 1
            self.stop.wait(max(0.0, MAIL_DELAY_S - (time.monotonic() - started)))

    def post(self, url: str, body: bytes) -> int:
        """POST and return the status (a redirect is the expected answer)."""
        try:
            with self.browser.open(url, data=body, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as answer:
            answer.close()
            return answer.code

    def ask_for_code(self, rating: str, csrf: str | None) -> None:
        if self.post(self.card, rating.encode()) != 302:
            raise OSError("the rating was not stored")
        fields = {"email": f"customer{self.number}.{self.asked}@example.com"}
        if csrf:
            fields["csrf_token"] = csrf
        started = time.monotonic()
        status = self.post(f"{self.url}/v/email", urllib.parse.urlencode(fields).encode())
        self.seconds.append(time.monotonic() - started)
        if status != 302:
            raise OSError(f"code request answered {status}")
        self.asked += 1


def card_throughput(url: str, token: str, seconds: int, customers: int) -> dict:
    """wrk on the card page while `customers` ask for codes; their figures too."""
    stop = threading.Event()
    crowd = [Customer(n, url, token, stop) for n in range(customers)]
    for customer in crowd:
        customer.start()
    if customers:
        time.sleep(MAIL_DELAY_S)  # let the sends pile up at the mail server first
    try:
        result = wrk(f"{url}/C/{token}", seconds)
    finally:
        stop.set()
        for customer in crowd:
            customer.join(35)
    waits = sorted(s for customer in crowd for s in customer.seconds)
    result["asked"] = sum(customer.asked for customer in crowd)
    result["failed"] = sum(customer.failed for customer in crowd)
    result["ask_ms"] = waits[len(waits) // 2] * 1000 if waits else 0.0
    return result


def measure(env: dict, token: str, seconds: int, log: Path, queued: bool) -> tuple[dict, dict]:
    """The card page alone, then under the code requests, with the queue on or off."""
    env = {**env, "TASK_QUEUE_IMMEDIATE": "0" if queued else "1"}
    # A server (a new port) per run, as in bench/http_load.py: a run leaves tens of
    # thousands of TIME_WAIT connections to its port, which a later run there pays for.
    worker = send_worker(env, log) if queued else contextlib.nullcontext()
    with worker:
        with gunicorn("wsgi:app", env, WORKERS, log) as url:
            alone = card_throughput(url, token, seconds, 0)
        with gunicorn("wsgi:app", env, WORKERS, log) as url:
            loaded = card_throughput(url, token, seconds, CUSTOMERS)
    return alone, loaded


def environment(database_url: str, folder: Path, mail_port: int) -> dict:
    env = app_environment(database_url)
    env.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail_port),
        TASK_QUEUE_URL=f"sqlite:///{folder / 'send_queue.sqlite3'}",
        # Every customer here shares one address.
        CODE_SEND_LIMIT=UNLIMITED,
        CODE_CHECK_LIMIT=UNLIMITED,
    )
    return env


def row(label: str, alone: dict, loaded: dict, target: str) -> str:
    ratio = loaded["rps"] / alone["rps"]
    return (
        f"| {label} | {alone['rps']:.0f} | {loaded['rps']:.0f} | {ratio:.2f} | {target} "
        f"| {loaded['asked']} / {loaded['failed']} | {loaded['ask_ms']:.0f} ms "
        f"| {alone['bad'] + loaded['bad']} |"
    )


def main() -> None:
    args = run_arguments()
    with tempfile.TemporaryDirectory() as tmp, slow_mail_server() as (server, port):
        folder = Path(tmp)
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        token = prepare_database(database_url)
        env = environment(database_url, folder, port)
        log = folder / "servers.log"
        queued = measure(env, token, args.seconds, log, queued=True)
        delivered = server.delivered
        server.delay = 0.0  # the control: the same load, a mail server that answers at once
        instant = measure(env, token, args.seconds, log, queued=True)
        server.delay = MAIL_DELAY_S
        inline = measure(env, token, args.seconds, log, queued=False)
    ratio = queued[1]["rps"] / queued[0]["rps"]
    verdict = "PASS" if ratio >= TARGET else "NOT met"
    print(
        f"Mail server answers each message after {MAIL_DELAY_S:.0f} s; {CUSTOMERS} customers "
        f"each ask for an email code every {MAIL_DELAY_S:.0f} s; wrk {args.seconds} s per run."
    )
    print()
    print(
        "| sending | card req/s alone | card req/s with code requests | ratio | target "
        "| codes asked / failed | median code request | card non-2xx/3xx |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    print(row("send queue (worker)", *queued, f">= {TARGET} ({verdict})"))
    print(row("send queue, mail server answering at once (control)", *instant, "—"))
    print(row("inside the request (before the queue)", *inline, "for comparison"))
    print()
    print(f"Mails the send worker delivered during the queued run: {delivered}.")
    print(
        "Card page with code requests, slow against instant mail server (the gateway's own "
        f"effect): {queued[1]['rps'] / instant[1]['rps']:.2f}."
    )
    print(f"Card page under a slow mail server: {ratio:.2f} of its own throughput: {verdict}.")


if __name__ == "__main__":
    main()
