"""Printable QR cards: the A4 batch sheet with cut marks (one card: cards.card_view)."""

from collections.abc import Iterable

from flask import render_template

from core.models import Employee
from core.services.people.cards import card_view

CARDS_PER_SHEET_PAGE = 9  # 3 x 3 cards of 60 x 88 mm on A4 (static/css/print.css)


def render_card_sheet(employees: Iterable[Employee], title: str = "") -> str:
    """An A4 print sheet: several cards per page with cut marks (see static/css/print.css)."""
    cards = [card_view(employee) for employee in employees]
    return render_template(
        "cards/sheet.html", cards=cards, per_page=CARDS_PER_SHEET_PAGE, sheet_title=title
    )
