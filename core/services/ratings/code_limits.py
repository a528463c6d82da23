"""The caps on one-time codes: they, not the per-address limits, carry the security.

Counted in the database from VerificationCode rows, inside the write transaction that
sends or checks a code, so they hold whatever the client address or the contact typed,
and across server processes (SQLite holds its write lock; on PostgreSQL the caller holds
the pending rating's row lock, and an advisory lock is taken per destination and for the
SMS budget):

- a pending rating gets at most CODES_PER_RATING codes and GUESSES_PER_RATING tries over
  all its codes, over its whole life: an attacker who rotates addresses and contacts
  still has GUESSES_PER_RATING chances in a million per pending rating;
- a destination (one email or phone, by its identity hash) gets at most
  CODES_PER_DESTINATION_HOUR codes an hour and CODES_PER_DESTINATION_DAY a day, so nobody
  floods a stranger's inbox or phone through the site, and a stranger's contact, whose
  codes only the stranger reads, can be guessed at most CODES_PER_DESTINATION_DAY x
  MAX_ATTEMPTS times a day, however many pending ratings ask for it;
- SMS goes only to numbers of the allowed regions (core/services/messaging/sms.py), and
  at most SMS_DAILY_BUDGET codes go by SMS in a site-local day.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from core.extensions import db
from core.models import Channel, VerificationCode, utcnow
from core.services import DomainError
from core.services.messaging.sms import sms_allowed
from core.services.periods import days_window, local_day
from core.waits import wait_text

CODES_PER_RATING = 5
GUESSES_PER_RATING = 10
CODES_PER_DESTINATION_HOUR = 3
CODES_PER_DESTINATION_DAY = 8
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class CodeLimitReached(DomainError):
    """No more codes (or tries) here; the message points to another way to confirm."""


# A code whose every send failed never reached anyone: it does not count, as when a
# failed send was deleted at once (before sends were queued).
COUNTED = VerificationCode.send_failed_at.is_(None)


def _lock(name: str) -> None:
    """PostgreSQL: serialise the writers of one count until the transaction ends."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already holds the one write lock
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def check_sms_region(number: str) -> None:
    """CodeLimitReached for a number outside the regions SMS may go to."""
    if not sms_allowed(number):
        raise CodeLimitReached(
            _(
                "We cannot send codes by SMS to numbers from this country or region. "
                "Please get a code by email, or use the code on your receipt."
            )
        )


def _check_rating_codes(rating_id: int) -> None:
    sent = db.session.scalar(
        select(func.count()).where(VerificationCode.rating_id == rating_id, COUNTED)
    )
    if sent >= CODES_PER_RATING:
        raise CodeLimitReached(
            _(
                "This rating has had as many codes as it may. You can confirm it with the "
                "code on your receipt, or rate again later: what you wrote is kept."
            )
        )


def _destination_wait(identity: str) -> timedelta | None:
    """How long until this destination may get another code; None when it may now."""
    now = utcnow()
    recent = list(
        db.session.scalars(
            select(VerificationCode.created_at)
            .where(
                VerificationCode.identity_hash == identity,
                VerificationCode.created_at > now - DAY,
                COUNTED,
            )
            .order_by(VerificationCode.created_at.desc())
            .limit(CODES_PER_DESTINATION_DAY)
        )
    )
    waits = []
    if len(recent) >= CODES_PER_DESTINATION_DAY:
        waits.append(recent[CODES_PER_DESTINATION_DAY - 1] + DAY - now)
    last_hour = [moment for moment in recent if moment > now - HOUR]
    if len(last_hour) >= CODES_PER_DESTINATION_HOUR:
        waits.append(last_hour[CODES_PER_DESTINATION_HOUR - 1] + HOUR - now)
    return max(waits) if waits else None


def _check_destination(channel: Channel, identity: str) -> None:
    _lock(f"code destination {identity}")
    wait = _destination_wait(identity)
    if wait is None:
        return
    waiting = wait_text(wait.total_seconds())
    if channel is Channel.EMAIL:
        message = _(
            "Several codes were sent to this email address recently; to protect its owner, "
            "the next one can be sent in %(wait)s. You can use another way to confirm: "
            "your rating is kept.",
            wait=waiting,
        )
    else:
        message = _(
            "Several codes were sent to this number recently; to protect its owner, the "
            "next one can be sent in %(wait)s. You can use another way to confirm: your "
            "rating is kept.",
            wait=waiting,
        )
    raise CodeLimitReached(message)


@dataclass(frozen=True)
class SmsBudget:
    """Codes sent by SMS today (site-local day) against SMS_DAILY_BUDGET."""

    sent: int
    budget: int

    @property
    def reached(self) -> bool:
        return self.sent >= self.budget


def sms_budget() -> SmsBudget:
    """Today's SMS codes and the daily budget (the dashboard alerts when it is reached)."""
    today = local_day(utcnow())
    start, end = days_window(today, today)
    sent = db.session.scalar(
        select(func.count()).where(
            VerificationCode.channel == Channel.SMS,
            VerificationCode.created_at >= start,
            VerificationCode.created_at < end,
            COUNTED,
        )
    )
    return SmsBudget(sent=sent, budget=current_app.config["SMS_DAILY_BUDGET"])


def _check_sms_budget() -> None:
    _lock("sms daily budget")
    if sms_budget().reached:
        raise CodeLimitReached(
            _(
                "Codes by SMS are not available right now. Please get a code by email, or "
                "use the code on your receipt."
            )
        )


def check_can_send(rating_id: int, channel: Channel, identity: str) -> None:
    """CodeLimitReached when no code may be sent now (inside the caller's write transaction).

    The caller holds the pending rating's row lock, so the per-rating count holds too.
    """
    _check_rating_codes(rating_id)
    check_can_send_to(channel, identity)


def check_can_send_to(channel: Channel, identity: str) -> None:
    """CodeLimitReached when this destination may get no code now, or SMS is over budget.

    The caps of every code, whoever asks for it (a pending rating, or staff taking a vote
    by phone); inside the caller's write transaction.
    """
    _check_destination(channel, identity)
    if channel is Channel.SMS:
        _check_sms_budget()


def check_guesses_left(rating_id: int) -> None:
    """CodeLimitReached when the rating's codes have had GUESSES_PER_RATING tries in all."""
    spent = db.session.scalar(
        select(func.coalesce(func.sum(VerificationCode.attempts), 0)).where(
            VerificationCode.rating_id == rating_id
        )
    )
    if spent >= GUESSES_PER_RATING:
        raise CodeLimitReached(
            _(
                "This rating has had as many tries as it may. You can confirm it with the "
                "code on your receipt, or rate again later: what you wrote is kept."
            )
        )
