"""A closed period's ranking, stored when it is closed so later boards need not redo it."""

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import UTCDateTime, utcnow


class PeriodRanking(db.Model):
    """That a period's ranking is stored, and the score settings it was ranked with.

    A board ranked with other settings (SCORE_PRIOR_WEIGHT, SCORE_MIN_COUNT changed since)
    ignores it and ranks the period again, as it did before anything was stored.
    """

    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    prior_weight: Mapped[float]
    min_count: Mapped[int]
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeriodRank(db.Model):
    """One eligible employee's place in a stored ranking (see
    core.services.ratings.leaderboard_ranks): every eligible employee of the period, the
    inactive and the barred too, so that who is ranked is decided when a board is read.

    `place` is the position in ranking order (1-based); `tied`: someone shares both score
    and count, so the names decide the order among them (renaming one puts that group in
    order again).
    """

    __table_args__ = (
        ForeignKeyConstraint(
            ["period_key"], ["period_ranking.period_key"], name="fk_period_rank_ranking"
        ),
        UniqueConstraint("period_key", "employee_id", name="uq_period_rank_employee"),
    )

    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    # In the key: a board reads the period's places in order straight from the index.
    place: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    tied: Mapped[bool]
