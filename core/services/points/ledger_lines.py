"""What each ledger entry is for: the rating, the surprise claim, the reward, the correction.

An entry stores its source key ("rating:<id>", "surprise:<id>", "redemption:<id>",
"adjustment:<uuid>", "tier:<period>:<employee id>[:hidden:<rating id>]", "place:<grant id>"
for a winner's place reward and its reversal) and, for
corrections and reversals, the reason someone typed. Here the key is turned back into
what it points at, loaded in one query per kind, so that a page can say "rating of
2026-11-20 ★★★★★ 'Explained every step…'" in the reader's language (the words are in
templates/admin/points/_ledger.html).
"""

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from core.models import PlaceRewardGrant, PointsEntry, Rating, Redemption
from core.services.points.ledger import ledger_for
from core.services.points.place_rewards import result_title

RATING_SOURCES = ("rating", "surprise")


@dataclass(frozen=True)
class LedgerLine:
    """One entry and what it points at: `source` is "rating", "surprise", "redemption",
    "adjustment", "tier", "place" or "" (unknown); `rating`, `redemption` or `grant` is
    the row, when it exists; `period` is a tier entry's period; `won_in` is what a place
    reward's place was won in."""

    entry: PointsEntry
    source: str
    rating: Rating | None = None
    redemption: Redemption | None = None
    period: str = ""
    grant: PlaceRewardGrant | None = None
    won_in: str = ""


def _split(source_key: str) -> tuple[str, int | None]:
    """("rating", 12) from "rating:12"; the id is None when it is not a number."""
    kind, _colon, rest = source_key.partition(":")
    return kind, int(rest) if rest.isdigit() else None


def _rows_by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def ledger_lines(employee_id: int, limit: int = 50, offset: int = 0) -> list[LedgerLine]:
    """The employee's entries, newest first, each with what it is for."""
    entries = ledger_for(employee_id, limit=limit, offset=offset)
    keys = [_split(entry.source_key) for entry in entries]
    ratings = _rows_by_id(Rating, {i for kind, i in keys if kind in RATING_SOURCES and i})
    redemptions = _rows_by_id(Redemption, {i for kind, i in keys if kind == "redemption" and i})
    grants = _rows_by_id(PlaceRewardGrant, {i for kind, i in keys if kind == "place" and i})
    lines = []
    for entry, (kind, row_id) in zip(entries, keys, strict=True):
        if kind in RATING_SOURCES:
            lines.append(LedgerLine(entry, kind, rating=ratings.get(row_id)))
        elif kind == "redemption":
            lines.append(LedgerLine(entry, kind, redemption=redemptions.get(row_id)))
        elif kind == "place" and row_id in grants:
            grant = grants[row_id]
            won_in = result_title(grant.place_reward)
            lines.append(LedgerLine(entry, kind, grant=grant, won_in=won_in))
        elif kind == "tier":
            lines.append(LedgerLine(entry, kind, period=entry.source_key.split(":")[1]))
        else:
            lines.append(LedgerLine(entry, kind if kind == "adjustment" else ""))
    return lines
