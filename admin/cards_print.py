"""Printable QR cards: what one card shows, and the A4 batch sheet with cut marks."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from core.models import Employee
from core.services.people.cards import card_qr_svg, card_short_text, card_url

CARDS_PER_SHEET_PAGE = 9  # 3 x 3 cards of 60 x 88 mm on A4 (static/css/print.css)


@dataclass(frozen=True)
class CardView:
    """Everything a printed card shows."""

    name: str
    title: str
    branch: str
    url: str
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
        short_text=card_short_text(employee),
        # Built by card_qr_svg from numbers only, so it is safe to embed as markup.
        qr_svg=Markup(card_qr_svg(url)),  # noqa: S704
    )


def render_card_sheet(employees: Iterable[Employee], title: str = "") -> str:
    """An A4 print sheet: several cards per page with cut marks (see static/css/print.css)."""
    cards = [card_view(employee) for employee in employees]
    return render_template(
        "cards/sheet.html", cards=cards, per_page=CARDS_PER_SHEET_PAGE, sheet_title=title
    )
