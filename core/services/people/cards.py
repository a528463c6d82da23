"""QR cards: the card URL, what a scanned token points to, and the QR images.

A card URL is PUBLIC_BASE_URL + "/C/" + token. The scheme, host and "/C/" are
uppercased (both are case-insensitive) and the token is uppercase base32, so the
whole URL fits the QR alphanumeric mode: a lower QR version, easier to scan small.
Where a person reads or types the address (command line, pages, the printed card's
text) it is shown in lower case instead; both resolve to the same card.
"""

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import qrcode
from flask import current_app
from markupsafe import Markup
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import Branch, Employee, RetiredCardToken

CARD_PATH = "/C/"
# Four light modules around the code, as the QR standard asks.
QUIET_ZONE = 4
# Pixels per module in the PNG: a version 3 code (37 modules with the quiet zone) is 370 px.
PNG_MODULE_PIXELS = 10
QR_CACHE_SIZE = 4096
TOKEN_PATTERN = re.compile(r"[A-Z2-7]{16}")
# Every scan runs this; built once, as building it cost a third of the lookup. The branch
# comes in the same query: its active flag decides, and the card page names it.
EMPLOYEE_BY_TOKEN = (
    select(Employee)
    .options(joinedload(Employee.branch, innerjoin=True))
    .where(Employee.card_token == bindparam("token"))
)

# What the card page shows of an employee: the whole content of a fresh scan's page.
ACTIVE_CARD_FACE = (
    select(
        Employee.id,
        Employee.card_token,
        Employee.display_name,
        Employee.title,
        Employee.photo,
        Branch.name,
    )
    .join(Branch, Employee.branch_id == Branch.id)
    .where(
        Employee.card_token == bindparam("token"),
        Employee.active.is_(True),
        Branch.active.is_(True),
    )
)


@dataclass(frozen=True)
class CardLookup:
    """What a scanned token points to: state is active, inactive, retired or unknown."""

    state: str
    employee: Employee | None = None


def qr_base_url(public_base_url: str) -> str:
    """The base URL with scheme and host uppercased (any path keeps its case)."""
    parts = urlsplit(public_base_url.rstrip("/"))
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}"


def card_url_for_token(token: str) -> str:
    """The URL printed in the QR code of the card with this token."""
    return qr_base_url(current_app.config["PUBLIC_BASE_URL"]) + CARD_PATH + token.upper()


def card_url(employee: Employee) -> str:
    """The URL printed on the employee's current card."""
    return card_url_for_token(employee.card_token)


def readable_card_url(employee: Employee) -> str:
    """The employee's card URL for people to read: lower case, as PUBLIC_BASE_URL is set."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + CARD_PATH.lower() + employee.card_token.lower()


def card_short_text(employee: Employee) -> str:
    """The card address to type by hand: host, path and token, no scheme, lower case."""
    parts = urlsplit(readable_card_url(employee))
    return parts.netloc + parts.path


def normalise_token(token: str) -> str | None:
    """The token in its stored form, or None when it cannot be a card token."""
    token = (token or "").strip().upper()
    return token if TOKEN_PATTERN.fullmatch(token) else None


def lookup_card(token: str) -> CardLookup:
    """Find the employee behind a scanned token (case-insensitive)."""
    token = normalise_token(token)
    if token is None:
        return CardLookup("unknown")
    employee = db.session.scalar(EMPLOYEE_BY_TOKEN, {"token": token})
    if employee is not None:
        active = employee.active and employee.branch.active
        return CardLookup("active" if active else "inactive", employee)
    retired = db.session.get(RetiredCardToken, token)
    if retired is not None:
        return CardLookup("retired", db.session.get(Employee, retired.employee_id))
    return CardLookup("unknown")


def card_face(employee: Employee) -> tuple:
    """What the card page shows of this employee, as active_card_face() reads it."""
    return (
        employee.id,
        employee.card_token,
        employee.display_name,
        employee.title,
        employee.photo,
        employee.branch.name,
    )


def active_card_face(token: str) -> tuple | None:
    """card_face() of the active employee behind a token, or None for any other card.

    One plain query on a pooled connection, without the ORM: a fresh scan needs no more,
    and it is most of the traffic.
    """
    token = normalise_token(token)
    if token is None:
        return None
    with db.engine.connect() as connection:
        row = connection.execute(ACTIVE_CARD_FACE, {"token": token}).first()
    return tuple(row) if row is not None else None


def _make_qr(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(
        version=None, error_correction=ERROR_CORRECT_M, box_size=1, border=QUIET_ZONE
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_version(url: str) -> int:
    """The QR version (size) the URL needs at error correction level M."""
    return _make_qr(url).version


@lru_cache(maxsize=QR_CACHE_SIZE)
def card_qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of the URL, quiet zone included (True = dark); cached by URL."""
    return tuple(tuple(row) for row in _make_qr(url).get_matrix())


def _svg_path(matrix) -> str:
    """One path drawing each horizontal run of dark modules as a 1-module-high box."""
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            commands.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return "".join(commands)


@lru_cache(maxsize=QR_CACHE_SIZE)
def card_qr_svg(url: str) -> str:
    """The QR code of a card as a standalone SVG; cached by URL.

    A rotated token changes the URL, so the cache never needs invalidating.
    """
    return _matrix_svg(card_qr_matrix(url))


def qr_svg(url: str) -> str:
    """The QR code of a one-time link or secret (a ballot code) as SVG, not cached: it must
    not outlive its page."""
    return _matrix_svg(tuple(tuple(row) for row in _make_qr(url).get_matrix()))


def _matrix_svg(matrix) -> str:
    """A standalone SVG of QR modules: one path, no style attributes."""
    size = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{_svg_path(matrix)}"/></svg>'
    )


@lru_cache(maxsize=QR_CACHE_SIZE)
def card_qr_png(url: str) -> bytes:
    """The QR code as a black-and-white PNG; cached by URL."""
    matrix = card_qr_matrix(url)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    scaled = size * PNG_MODULE_PIXELS
    image = image.resize((scaled, scaled), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class CardView:
    """Everything a printed card shows."""

    name: str
    title: str
    branch: str
    # In the QR code (capitals); readable_url is the same address for people.
    url: str
    readable_url: str
    short_text: str
    qr_svg: Markup


def card_view(employee: Employee) -> CardView:
    """The printable card of an employee's current token."""
    url = card_url(employee)
    return CardView(
        name=employee.display_name,
        title=employee.title,
        branch=employee.branch.name,
        url=url,
        readable_url=readable_card_url(employee),
        short_text=card_short_text(employee),
        # Built by card_qr_svg from numbers only, so it is safe to embed as markup.
        qr_svg=Markup(card_qr_svg(url)),  # noqa: S704
    )
