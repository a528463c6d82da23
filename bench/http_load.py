"""HTTP throughput under gunicorn: customer pages against bare Flask (issue 19's targets).

Run: python bench/http_load.py [--seconds 10]

Both the app and the baseline (bench/baseline_app.py) run under gunicorn.conf.py with the
same sync workers (2 per core) and are measured with wrk against 127.0.0.1 in the same run:
- card page GET /C/<token>, in-worker cache warm, no conditional GET, against a
  hello-world route (target ratio >= 0.8);
- the same GET with a matching If-None-Match (a 304 revalidation; target >= 0.9);
- the app's /healthz against the same hello-world route (target >= 0.8);
- rating submission POST /C/<token> (stores a pending rating, Fetch Metadata checked)
  against a route doing one SQLite insert and commit (target >= 0.5).
Everything runs as in production on SQLite, rate limits in Redis included; only the
rating-post limit is raised (every request comes from one address: it would answer 429).
With TEST_DATABASE_URL set to PostgreSQL, the app is measured a second time with its
database there (that database is emptied first), against the same baseline figures.
It also prints the in-process test-client time per request, comparable on any machine.
"""

import argparse
import contextlib
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline_app import create_schema  # noqa: E402
from bench.forms import form_fields, session_cookie  # noqa: E402

SECRET_KEY = "bench-secret-key-0123456789abcdef"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
UNLIMITED = "100000000 per minute"
WRK_CONNECTIONS = 16
WRK_THREADS = 2
IN_PROCESS_REQUESTS = 300
# (label, app measure, baseline measure, target ratio)
TARGETS = (
    ("card page (warm, no conditional GET) vs hello world", "card", "hello", 0.8),
    ("304 revalidation vs hello world", "revalidate", "hello", 0.9),
    ("/healthz vs hello world", "floor", "hello", 0.8),
    ("rating submission vs one SQLite insert", "submit", "insert", 0.5),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int, log_path: Path):
    """Serve `app_spec` with gunicorn.conf.py on a free port; yields the base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), app_spec]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            probe = "/healthz" if app_spec == "wsgi:app" else "/hello"
            _wait_for(url + probe, process, log_path)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def _tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def _wait_for(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited at start for {url}:\n{_tail(log_path)}")
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(url, timeout=5),  # noqa: S310 (127.0.0.1)
        ):
            time.sleep(1)  # let the other workers finish booting
            return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url}:\n{_tail(log_path)}")


def wrk(url: str, seconds: int, post: dict | None = None, header: str = "") -> dict:
    """Run wrk against one URL; returns requests/s and the count of non-2xx/3xx answers."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", url]
    if header:
        command[1:1] = ["-H", header]
    env = dict(os.environ)
    if post is not None:
        command[1:1] = ["-s", str(ROOT / "bench" / "wrk_post.lua")]
        env.update(post)
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rps,
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def app_environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        SERVICE_STAR_ENV="production",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATING_POST_LIMIT=UNLIMITED,
        # Production refuses the console SMS backend; the benchmark sends no codes.
        VERIFY_METHODS="email,receipt",
    )
    return env


# Sync workers, two per core, as gunicorn.conf.py sets them by default.
WORKERS = 2 * (os.cpu_count() or 1)


def run_arguments() -> argparse.Namespace:
    """--seconds per wrk run; stops early when wrk or Redis is missing (every HTTP bench)."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    check_redis()
    return args


def check_redis() -> None:
    """Several workers need shared rate-limit storage: stop early when Redis is not there."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis is needed at {REDIS_URL} (BENCH_REDIS_URL): {error}") from None


def prepare_database(url: str) -> str:
    """The schema (emptied first) and one employee in the database at url; the card token."""
    from core import create_app
    from core.extensions import db
    from core.models import Branch, Employee
    from core.services.tokens import card_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        db.drop_all()
        db.create_all()
        branch = Branch(name="Bench branch")
        employee = Employee(
            branch=branch, display_name="Bench Employee", title="Advisor", card_token=card_token()
        )
        db.session.add(employee)
        db.session.commit()
        token = employee.card_token
        db.engine.dispose()
    return token


def measure_app(serve, token: str, seconds: int) -> dict:
    """wrk figures for the card page, the submission and /healthz of the app.

    Each measure gets a server of its own (`serve()`, a new port): every request is a new
    TCP connection that gunicorn closes, so a run leaves tens of thousands of TIME_WAIT
    connections to its port, and a later run to the same port pays for finding free
    ones; on a fresh port no run inherits another's.
    """
    card_path = f"/C/{token}"
    with serve() as url:
        floor = wrk(url + "/healthz", seconds)
    with serve() as url:
        card = wrk(url + card_path, seconds)
    with serve() as url:
        with urllib.request.urlopen(url + card_path) as response:  # noqa: S310 (127.0.0.1)
            cookie = session_cookie(response.headers.get_all("Set-Cookie") or [])
            etag = response.headers["ETag"]
            fields = form_fields(response.read().decode())
        revalidate = wrk(url + card_path, seconds, header=f"If-None-Match: {etag}")
    with serve() as url:
        submit = wrk(
            url + card_path,
            seconds,
            post={"WRK_PATH": card_path, "WRK_BODY": fields, "WRK_COOKIE": cookie},
        )
    return {
        "card": card,
        "revalidate": revalidate,
        "floor": floor,
        "submit": submit,
        "cookie_on_scan": bool(cookie),
    }


def measure_baseline(serve, seconds: int) -> dict:
    with serve() as url:
        hello = wrk(url + "/hello", seconds)
    with serve() as url:
        insert = wrk(url + "/insert", seconds, post={"WRK_PATH": "/insert", "WRK_BODY": "body={n}"})
    return {"hello": hello, "insert": insert}


def in_process_times(database_url: str, token: str) -> dict:
    """Milliseconds per request through Flask's test client (no server, no network)."""
    from core import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY}
    app = create_app({**settings, "RATING_POST_LIMIT": UNLIMITED})
    # One JSON log line per request would be timed too, and flood the terminal.
    logging.disable(logging.INFO)
    client = app.test_client()
    card_path = f"/C/{token}"
    started = time.perf_counter()
    for _ in range(IN_PROCESS_REQUESTS):
        page = client.get(card_path)
    card_ms = (time.perf_counter() - started) * 1000 / IN_PROCESS_REQUESTS
    template = form_fields(page.get_data(as_text=True))
    started = time.perf_counter()
    for number in range(IN_PROCESS_REQUESTS):
        body = template.replace("{n}", f"inproc{number}")
        answer = client.post(card_path, data=body, content_type="application/x-www-form-urlencoded")
        assert answer.status_code in (302, 303), answer.status_code
    submit_ms = (time.perf_counter() - started) * 1000 / IN_PROCESS_REQUESTS
    return {"card_ms": card_ms, "submit_ms": submit_ms}


def report_table(title: str, app: dict, baseline: dict) -> None:
    """One table of ratios measured in this run, each with PASS or NOT met."""
    print(f"### {title}")
    print()
    print("| measure | app req/s | baseline req/s | ratio | target | non-2xx/3xx (app/base) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, mine, theirs, target in TARGETS:
        ratio = app[mine]["rps"] / baseline[theirs]["rps"]
        verdict = "PASS" if ratio >= target else "NOT met"
        print(
            f"| {label} | {app[mine]['rps']:.0f} | {baseline[theirs]['rps']:.0f} | {ratio:.2f} "
            f"| >= {target} {verdict} | {app[mine]['bad']}/{baseline[theirs]['bad']} |"
        )
    # A cookie on a fresh scan would make the page uncacheable for a proxy.
    print()
    print(
        f"Card page scan set a cookie: {'yes (NOT cacheable)' if app['cookie_on_scan'] else 'no'}"
    )
    print()


def report(runs: dict, baseline: dict, in_process: dict, workers: int, seconds: int) -> None:
    print(
        f"gunicorn sync workers: {workers}; wrk {WRK_THREADS} threads, "
        f"{WRK_CONNECTIONS} connections, {seconds} s per run, 127.0.0.1"
    )
    print()
    for title, app in runs.items():
        report_table(title, app, baseline)
    print(
        f"In-process test client (SQLite): card page {in_process['card_ms']:.2f} ms, "
        f"submission {in_process['submit_ms']:.2f} ms per request "
        f"({IN_PROCESS_REQUESTS} requests each)."
    )


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else ""


def main() -> None:
    args = run_arguments()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database_url = f"sqlite:///{folder / 'app.sqlite3'}"
        token = prepare_database(database_url)
        # The same environment for both, so gunicorn.conf.py decides the same settings.
        env = app_environment(database_url)
        env["BASELINE_DATABASE"] = str(folder / "baseline.sqlite3")
        create_schema(env["BASELINE_DATABASE"])
        log = folder / "gunicorn.log"
        baseline = measure_baseline(
            lambda: gunicorn("bench.baseline_app:app", env, WORKERS, log), args.seconds
        )
        runs = {
            "App on SQLite": measure_app(
                lambda: gunicorn("wsgi:app", env, WORKERS, log), token, args.seconds
            )
        }
        if postgres := postgres_url():
            pg_token = prepare_database(postgres)
            pg_env = app_environment(postgres)
            runs["App on PostgreSQL (same baseline)"] = measure_app(
                lambda: gunicorn("wsgi:app", pg_env, WORKERS, log), pg_token, args.seconds
            )
        in_process = in_process_times(database_url, token)
    report(runs, baseline, in_process, WORKERS, args.seconds)


if __name__ == "__main__":
    main()
