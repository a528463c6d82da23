"""A receipt code confirmed twice (a double tap, or Back and Confirm) ends like once.

The second request still carries the pending rating's id (its cookie was sent before the
first answer came). When the typed code is the one that verified that rating, the
customer is done: the same thanks page, the rating counted once. Any other code for a
rating that is no longer pending is refused as before.
"""

from sqlalchemy import select

from core.extensions import db
from core.models import Rating, RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import (
    normalise_code,
    receipt_code_hash,
    verify_with_receipt,
)
from core.services.ratings.submission import RatingClosed


def _verified_by(rating_id: int, typed: str) -> Rating | None:
    """The rating, when it is verified and this receipt code is the one that verified it."""
    bare = normalise_code(typed)
    rating = db.session.get(Rating, rating_id, populate_existing=True)
    if bare is None or rating is None or rating.status is not RatingStatus.VERIFIED:
        return None
    used_by = db.session.scalar(
        select(ReceiptCode.rating_id).where(ReceiptCode.code_hash == receipt_code_hash(bare))
    )
    return rating if used_by == rating.id else None


def confirm_with_receipt(rating_id: int, typed: str) -> Rating:
    """verify_with_receipt, where the code that already verified this rating ends it again."""
    try:
        return verify_with_receipt(rating_id, typed)
    except RatingClosed:
        rating = _verified_by(rating_id, typed)
        if rating is None:
            raise
        return rating
