"""End-to-end fixtures: the app under gunicorn, an SMTP catcher, Redis, Chromium, axe, Lighthouse.

The in-process `site_app` and the gunicorn workers share one fresh database (a SQLite file,
or TEST_DATABASE_URL on PostgreSQL): tests make their data with the project's services and
factories in-process, commit, then drive the real server and read the database back.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from core.demo.seed import seed_demo
from core.extensions import db
from core.services.people.employees import rotate_card_token
from tests.e2e.phone import CITATION, Site
from tests.e2e.servers import REPO, Gunicorn, SmtpServer, free_port
from tests.factories import make_published_award

E2E_SECRET_KEY = "e2e-secret-key-0123456789abcdef"
# A Redis database of its own, emptied before each test that starts a server.
E2E_REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/13")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"


@pytest.fixture
def smtp_server():
    """A local aiosmtpd server; `smtp_server.catcher` holds what arrived."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def redis_url() -> str:
    """The e2e Redis database, emptied; skips when Redis is unreachable."""
    client = redis.Redis.from_url(E2E_REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis is unreachable at {E2E_REDIS_URL}: {error}")
    finally:
        client.close()
    return E2E_REDIS_URL


@pytest.fixture
def site_port() -> int:
    return free_port()


@pytest.fixture
def site_app(make_app, site_port, smtp_server):
    """The app in-process, on the database the server will use, inside an app context."""
    app = make_app(
        SECRET_KEY=E2E_SECRET_KEY,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{site_port}",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
    )
    with app.app_context():
        yield app


def server_environment(app, smtp_port: int, redis_url: str) -> dict[str, str]:
    """The environment of a production start, pointing at this test's services."""
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env.update(
        SERVICE_STAR_ENV="production",
        SECRET_KEY=E2E_SECRET_KEY,
        # Production refuses the console SMS backend; the browser flows verify by email.
        VERIFY_METHODS="email,receipt",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        PUBLIC_BASE_URL=app.config["PUBLIC_BASE_URL"],
        RATELIMIT_STORAGE_URI=redis_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        MAIL_TIMEOUT="5",
        # Codes are sent inside the request: these flows start no send worker (a real one
        # is tested in tests/portal/test_send_queue.py).
        TASK_QUEUE_IMMEDIATE="1",
        # Plain http on 127.0.0.1: a Secure cookie would never come back.
        SESSION_COOKIE_SECURE="0",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def gunicorn(site_app, site_port, smtp_server, redis_url, tmp_path):
    """Start `gunicorn -c gunicorn.conf.py wsgi:app`: start(workers=4, SETTING="value", ...)."""
    started: list[Gunicorn] = []

    def start(workers: int = 4, **settings: str) -> Gunicorn:
        # The workers must see everything the test made.
        db.session.commit()
        env = server_environment(site_app, smtp_server.port, redis_url)
        env.update(settings)
        server = Gunicorn(env, tmp_path / "gunicorn.log", workers, site_port)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def site(site_app, gunicorn, smtp_server) -> Site:
    """Demo data, a published Service Star, a retired card, and the app under gunicorn."""
    summary = seed_demo()
    star, rated, lost = summary.employees[:3]
    make_published_award(employee=star, citation=CITATION, name="Service Star 2026-11")
    retired_token = lost.card_token
    rotate_card_token(lost)
    server = gunicorn(workers=2)
    return Site(
        server,
        smtp_server.catcher,
        summary.admin_email,
        summary.admin_password,
        rated,
        star,
        retired_token,
    )


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """Open a phone-sized browser context: phone(locale="zh-CN", bypass_csp=False)."""
    contexts = []

    def open_context(locale: str = "en-US", bypass_csp: bool = False):
        context = chromium.new_context(
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=3,
            locale=locale,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(chromium):
    """A desktop browser context (the admin's)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def npm_tools() -> Path:
    """package.json's test tools (axe-core, Lighthouse), installed from the npm registry once."""
    if not (AXE_SCRIPT.exists() and LIGHTHOUSE.exists()):
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install the test tools")
        result = subprocess.run(  # noqa: S603 (fixed command line)
            [npm, "install", "--no-audit", "--no-fund"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not (AXE_SCRIPT.exists() and LIGHTHOUSE.exists()):
            pytest.skip(f"npm install of the test tools failed: {result.stderr[-400:]}")
    return REPO / "node_modules"


@pytest.fixture(scope="session")
def axe_script(npm_tools) -> Path:
    """axe-core's script, to inject into a page."""
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def lighthouse(npm_tools) -> Path:
    """Lighthouse's command line; it drives Debian's Chromium (CHROME_PATH)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return LIGHTHOUSE


@pytest.fixture
def screenshot():
    """Save a page's screenshot to docs/screenshots/<name>.png when SCREENSHOTS=1."""
    folder = REPO / "docs" / "screenshots"

    def save(page, name: str, full_page: bool = True) -> None:
        if os.environ.get("SCREENSHOTS") != "1":
            return
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)

    return save
