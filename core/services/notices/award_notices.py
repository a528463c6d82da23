"""Award periods under public notice as one employee sees them on their private page.

A candidate of the period (see core.services.notices.objections) sees, until the result
is final (and for good once they objected), their own lines of the published snapshot
(place, score, ratings counted), the winners, when the notice ends, and their objection
with its answer.
"""

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from core.models import AwardPeriod, AwardStatus, Objection, ResultNotice
from core.services.awards.winners import latest_snapshot
from core.services.notices.announcements import final_condition, in_notice, is_final


@dataclass(frozen=True)
class AwardNotice:
    """One award period under notice, for one of its candidates."""

    notice: ResultNotice
    period_name: str
    # (category name, the employee's snapshot row) per category that lists them.
    own: list[tuple[str, dict]]
    # (category name, winner names) per category.
    winners: list[tuple[str, list[str]]]
    open: bool  # objections may still be filed
    objection: Objection | None
    withdrawn: bool  # the publication was withdrawn (an upheld objection)
    final: bool


def _unsettled():
    return (
        select(ResultNotice)
        .join(AwardPeriod, AwardPeriod.id == ResultNotice.award_period_id)
        .where(
            AwardPeriod.status == AwardStatus.PUBLISHED,
            ResultNotice.withdrawn_at.is_(None),
            ~final_condition(),
        )
        .order_by(ResultNotice.id.desc())
    )


def _entry(notice: ResultNotice, employee_id: int, objection: Objection | None):
    results = latest_snapshot(notice.award_period).results
    own = [
        (category["name"], row)
        for category in results["categories"]
        for row in category["candidates"]
        if row["employee_id"] == employee_id
    ]
    winners = [
        (category["name"], [w["name"] for w in category["winners"]])
        for category in results["categories"]
    ]
    listed = own or any(
        w["employee_id"] == employee_id for c in results["categories"] for w in c["winners"]
    )
    if not listed:
        return None
    return AwardNotice(
        notice, results["period"]["name"], own, winners, in_notice(notice), objection,
        notice.withdrawn_at is not None, is_final(notice),
    )  # fmt: skip


def _objected(employee_id: int) -> dict[int, Objection]:
    """The employee's objections to award periods, by notice (answered ones too, so the
    answer stays readable after an upheld objection withdrew the results)."""
    query = (
        select(Objection)
        .join(ResultNotice, ResultNotice.id == Objection.notice_id)
        .where(Objection.employee_id == employee_id, ResultNotice.award_period_id.is_not(None))
    )
    return {o.notice_id: o for o in db.session.scalars(query)}


def award_notices_of(employee_id: int) -> list[AwardNotice]:
    """Award periods under notice whose candidate the employee is, and those they objected
    to; newest first."""
    objections = _objected(employee_id)
    notices = {n.id: n for n in db.session.scalars(_unsettled())}
    notices |= {o.notice_id: o.notice for o in objections.values()}
    ordered = sorted(notices.values(), key=lambda n: n.id, reverse=True)
    shown = (_entry(n, employee_id, objections.get(n.id)) for n in ordered)
    return [entry for entry in shown if entry is not None]
