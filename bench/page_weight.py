"""Transferred size of each customer page with its CSS, raw and gzip, against 14 KB.

A first visit over a slow link gets about 14 KB in the first TCP round trip (ten
segments of initial congestion window), so the card page and its stylesheet should
fit in that together. Run: python bench/page_weight.py (builds its own temp app + data).
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Branch, Employee  # noqa: E402
from core.services.ratings.receipt_codes import mint_receipt_codes  # noqa: E402
from core.services.tokens import card_token  # noqa: E402

BUDGET = 14 * 1024
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def build_app(folder: str):
    app = create_app(
        {
            "SECRET_KEY": "page-weight-bench-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        branch = Branch(name="Central Branch 中心支行")
        for name in ("Alice Wang 王丽", "Bo Chen 陈波", "Chen Jing 陈静"):
            db.session.add(
                Employee(branch=branch, display_name=name, title="Teller", card_token=card_token())
            )
        db.session.commit()
    return app


def customer_pages(app) -> dict[str, bytes]:
    """The HTML of each customer page, walking the flow as a customer would."""
    with app.app_context():
        first, second = db.session.scalars(db.select(Employee).order_by(Employee.id).limit(2))
        tokens = first.card_token, second.card_token
        [receipt], _expires = mint_receipt_codes(1)
    client = app.test_client()
    pages = {"card page": client.get(f"/C/{tokens[0]}").data}
    form = re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"',
                      pages["card page"].decode())  # fmt: skip
    data = dict(form) | {"overall": "5", "dim_attitude": "5", "comment": "Very helpful"}
    client.post(f"/C/{tokens[0]}", data=data)
    pages["verification page"] = client.get("/v").data
    csrf = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', pages["verification page"].decode()
    )
    client.post("/v/sms", data={"csrf_token": csrf.group(1), "phone": "13812345678"})
    pages["code entry page"] = client.get("/v/code").data
    client.post("/v/receipt", data={"csrf_token": csrf.group(1), "receipt_code": receipt})
    pages["thank-you page"] = client.get("/v/thanks").data
    pages["error page (unknown card)"] = client.get("/C/AAAAAAAAAAAAAAAA").data
    pages["card page, zh_CN"] = _chinese_card(app, tokens[1])
    return pages


def _chinese_card(app, token: str) -> bytes:
    client = app.test_client()
    client.set_cookie("lang", "zh_CN")
    return client.get(f"/C/{token}").data


def stylesheet(app, html: bytes) -> bytes:
    match = STYLESHEET.search(html.decode())
    if not match:
        return b""
    with app.test_client().get(match.group(1)) as response:
        return response.data


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        pages = customer_pages(app)
        css = stylesheet(app, pages["card page"])
    print(f"{'page':28} {'html raw':>9} {'html gz':>8} {'css raw':>8} {'css gz':>7} "
          f"{'total gz':>9}  budget {BUDGET} B")  # fmt: skip
    over = False
    for name, html in pages.items():
        total = gzipped(html) + gzipped(css)
        verdict = "ok" if total <= BUDGET else "OVER"
        over |= total > BUDGET
        print(f"{name:28} {len(html):9} {gzipped(html):8} {len(css):8} {gzipped(css):7} "
              f"{total:9}  {verdict}")  # fmt: skip
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
