"""Benchmark: render the A4 card sheet of 1,000 employees, cold and with the QR cache warm.

Prints, beside the time the qrcode encoder alone needs for the same 1,000 URLs:
  cold sheet  <= 1.3 x encoder alone   (the sheet adds little beyond encoding)
  warm sheet  <= 0.1 x cold sheet      (cached QR codes make a reprint cheap)
  QR version  <= 3 at level M for a 30-character PUBLIC_BASE_URL
Each timing is the best of a few rounds, as the machine may be shared.
Run from the repository root: python bench/qr_cards.py
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_M  # noqa: E402
from sqlalchemy import select  # noqa: E402

from admin.cards_print import render_card_sheet  # noqa: E402
from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Branch, Employee  # noqa: E402
from core.services.people import cards  # noqa: E402
from core.services.tokens import card_token  # noqa: E402

EMPLOYEES = 1000
ROUNDS = 2
BASE_URL = "https://stars.example-shop.com"  # 30 characters


def encode_only(urls: list[str]) -> None:
    """The qrcode library alone: encode each URL, pick the mask, build the matrix."""
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4)
        code.add_data(url)
        code.make(fit=True)
        code.get_matrix()


def clear_qr_caches() -> None:
    for cached in (cards.card_qr_matrix, cards.card_qr_svg, cards.card_qr_png):
        cached.cache_clear()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def add_employees() -> list[Employee]:
    branch = Branch(name="Bench branch")
    db.session.add(branch)
    db.session.add_all(
        Employee(
            branch=branch,
            display_name=f"Employee {n:04d}",
            title="Advisor",
            card_token=card_token(),
        )
        for n in range(EMPLOYEES)
    )
    db.session.commit()
    return list(db.session.scalars(select(Employee).order_by(Employee.id)))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-0123456789",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "PUBLIC_BASE_URL": BASE_URL,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.test_request_context():
            db.create_all()
            employees = add_employees()
            urls = [cards.card_url(employee) for employee in employees]
            encoder, cold, warm = [], [], []
            for _ in range(ROUNDS):
                encoder.append(timed(lambda: encode_only(urls)))
                clear_qr_caches()
                cold.append(timed(lambda: render_card_sheet(employees)))
                warm.append(timed(lambda: render_card_sheet(employees)))
            version = cards.qr_version(urls[0])
            db.session.remove()
            db.engine.dispose()
    encoder_s, cold_s, warm_s = min(encoder), min(cold), min(warm)
    checks = [
        (cold_s <= 1.3 * encoder_s, f"cold/encoder = {cold_s / encoder_s:.2f} (target <= 1.3)"),
        (warm_s <= 0.1 * cold_s, f"warm/cold    = {warm_s / cold_s:.3f} (target <= 0.1)"),
        (version <= 3, f"QR version   = {version} at level M (target <= 3)"),
    ]
    print(f"Card sheet of {EMPLOYEES} employees, base URL {BASE_URL} ({len(BASE_URL)} chars)")
    print(f"  example card URL    {urls[0]} ({len(urls[0])} chars)")
    print(f"  QR encoder alone    {encoder_s:7.3f} s")
    print(f"  sheet, cold cache   {cold_s:7.3f} s")
    print(f"  sheet, warm cache   {warm_s:7.3f} s")
    for ok, text in checks:
        print(f"  {verdict(ok)}  {text}")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
