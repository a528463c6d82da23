"""One-time codes by email or SMS: issue, send, check.

Rules: 6 digits, stored as an HMAC keyed with the app key, valid CODE_TTL; at most
MAX_ATTEMPTS tries per code, counted in the database by a conditional UPDATE so the
limit holds across server processes (the sixth try is refused even when right); a new
code no sooner than RESEND_AFTER after the last, and it voids the old one; a used code
never verifies another rating. Each code has a letter prefix ("A-123456") shown next to
the input, and a masked hint of where it went (the contact never travels in a cookie).
The caps per pending rating, per destination and on SMS are in code_limits. Messages
leave through the send queue (code_delivery), which records whether they went.

A second tap of Confirm with the code that verified the rating (a double tap, or Back
and Confirm again) ends like the first: the rating is returned, counted once. It spends
a try like any other, so a copied session cookie is no oracle for the used code.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import Channel, Rating, RatingStatus, VerificationCode, utcnow
from core.services import DomainError
from core.services.messaging.queue import sends_now
from core.services.ratings.code_delivery import queue_code
from core.services.ratings.code_limits import (
    check_can_send,
    check_can_send_to,
    check_guesses_left,
    check_sms_region,
)
from core.services.ratings.identity import contact_identity, masked_hint
from core.services.ratings.submission import (
    RatingClosed,
    check_can_rate,
    complete_verification,
    locked_pending_rating,
)

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
# No I or O: a prefix must not be mistaken for a digit.
PREFIX_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
IDENTITY_KINDS = {Channel.EMAIL: "email", Channel.SMS: "phone"}


class CodeError(DomainError):
    """The code cannot be accepted (message says why)."""


class ResendTooSoon(CodeError):
    """A code was sent less than RESEND_AFTER ago."""


@dataclass(frozen=True)
class SentCode:
    """What the code page shows: where the code went (masked) and its prefix."""

    channel: Channel
    prefix: str
    hint: str


def _subject(code: VerificationCode) -> str:
    """What the code confirms, inside its hash: a rating's id, or "vote-<id>"."""
    if code.rating_id is not None:
        return str(code.rating_id)
    return f"vote-{code.offline_vote_id}"


def _code_hash(subject, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"otp:{subject}:{code}".encode(), hashlib.sha256).hexdigest()


def _newest_code(owner) -> VerificationCode | None:
    return db.session.scalars(
        select(VerificationCode)
        .where(owner, VerificationCode.voided_at.is_(None))
        .order_by(VerificationCode.id.desc())
        .limit(1)
    ).first()


def active_code(rating_id: int) -> VerificationCode | None:
    """The rating's newest code that was not voided (used or not)."""
    return _newest_code(VerificationCode.rating_id == rating_id)


def _new_code(channel: Channel, identity: str, hint: str, **owner) -> tuple[VerificationCode, str]:
    """Add a fresh code (rating_id= or offline_vote_id=); the row and its plain digits."""
    now = utcnow()
    plain = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    code = VerificationCode(
        **owner,
        channel=channel,
        identity_hash=identity,
        code_hash="",
        prefix=secrets.choice(PREFIX_LETTERS),
        destination_hint=hint,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    code.code_hash = _code_hash(_subject(code), plain)
    db.session.add(code)
    db.session.flush()
    return code, plain


def _create_code(
    rating: Rating, channel: Channel, identity: str, hint: str
) -> tuple[VerificationCode, str]:
    """Void the rating's earlier codes and add a new one (caller commits)."""
    now = utcnow()
    last = active_code(rating.id)
    # A code whose send failed does not make the customer wait (it was never received).
    if last is not None and last.send_failed_at is None and now - last.created_at < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
        raise ResendTooSoon(
            _("A code was just sent. You can ask for a new one in %(seconds)d seconds.",
              seconds=wait)
        )  # fmt: skip
    db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.rating_id == rating.id, VerificationCode.voided_at.is_(None))
        .values(voided_at=now)
    )
    return _new_code(channel, identity, hint, rating_id=rating.id)


def _message(rating: Rating, code: VerificationCode, plain: str) -> tuple[str, str]:
    """The code's subject and text, written in the customer's language."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    with force_locale(rating.locale):
        text = _(
            "Your Service Star code to rate %(name)s is %(prefix)s-%(code)s. "
            "It is valid for %(minutes)d minutes. If you did not ask for it, ignore this message.",
            name=rating.employee.display_name, prefix=code.prefix, code=plain, minutes=minutes,
        )  # fmt: skip
        subject = _("Your code %(prefix)s-%(code)s", prefix=code.prefix, code=plain)
    return subject, text


def send_code(rating_id: int, channel: Channel, raw_contact: str) -> SentCode:
    """Check the contact, store a new code and queue its message; commits.

    The code row is committed before queuing; a queue worker sends it (the request
    waits for no mail server) and records on the row whether it went. When the queue
    itself cannot take the message, the row is deleted again so the customer may retry.
    """
    kind = IDENTITY_KINDS[channel]
    contact, identity = contact_identity(kind, raw_contact)
    if channel is Channel.SMS:
        check_sms_region(contact)
    begin_write()
    # Under the rating's row lock, so its code count holds against concurrent requests.
    rating = locked_pending_rating(rating_id)
    check_can_rate(rating.employee, identity)
    check_can_send(rating.id, channel, identity)
    code, plain = _create_code(rating, channel, identity, masked_hint(kind, contact))
    if rating.consent_contact:
        # Kept for the follow-up only with consent; purge-contacts removes it later.
        rating.contact = contact
    db.session.commit()
    code_id, sent = code.id, SentCode(channel, code.prefix, code.destination_hint)
    subject, text = _message(rating, code, plain)
    # No transaction stays open while queuing; in immediate mode the send records its
    # outcome in its own session, and this one must read it afresh.
    db.session.rollback()
    try:
        queue_code(code_id, channel, contact, subject, text)
    except DomainError:
        begin_write()
        db.session.delete(db.session.get(VerificationCode, code_id))
        db.session.commit()
        raise
    return sent


def _spend_try(rating_id: int, code: VerificationCode) -> None:
    """Count one try of this code (the caller holds the rating's lock); refuse past a cap."""
    check_guesses_left(rating_id)
    _count_try(code)


def _count_try(code: VerificationCode) -> None:
    """Count one try of this code by a conditional UPDATE; refuse past MAX_ATTEMPTS."""
    counted = db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.id == code.id, VerificationCode.attempts < MAX_ATTEMPTS)
        .values(attempts=VerificationCode.attempts + 1)
    )
    if counted.rowcount != 1:
        raise CodeError(_("Too many wrong tries for this code. Ask for a new one."))


def _is_right(code: VerificationCode, typed: str) -> bool:
    return hmac.compare_digest(code.code_hash, _code_hash(_subject(code), typed))


def _consume(rating_id: int, typed: str) -> VerificationCode:
    """Spend one try of the rating's code; the code when right (and mark it used)."""
    code = active_code(rating_id)
    _check_usable(code)
    _spend_try(rating_id, code)
    _use(code, typed)
    return code


def _check_usable(code: VerificationCode | None) -> None:
    """CodeError when there is no code, its send failed, or it was used or has expired."""
    if code is None:
        raise CodeError(_("Ask for a code first."))
    if code.send_failed_at is not None:
        raise CodeError(_("This code could not be sent. Ask for a new one."))
    if code.used_at is not None:
        raise CodeError(_("This code has already been used."))
    if utcnow() >= code.expires_at:
        raise CodeError(_("This code has expired. Ask for a new one."))


def _use(code: VerificationCode, typed: str) -> None:
    """After a counted try: mark the code used when `typed` is right, else CodeError."""
    if not _is_right(code, typed):
        db.session.refresh(code)
        left = MAX_ATTEMPTS - code.attempts
        if left <= 0:
            raise CodeError(_("Too many wrong tries for this code. Ask for a new one."))
        raise CodeError(_("This code is not right. %(left)d tries left.", left=left))
    used = db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.id == code.id, VerificationCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        raise CodeError(_("This code has already been used."))


def _confirmed_again(rating: Rating, typed: str) -> None:
    """A verified rating: accept the code that verified it (spending a try); else closed."""
    code = active_code(rating.id)
    if code is None or code.used_at is None:
        raise RatingClosed(_("This rating is no longer waiting for a code. Please rate again."))
    _spend_try(rating.id, code)
    if not _is_right(code, typed):
        raise RatingClosed(_("This rating is no longer waiting for a code. Please rate again."))


def verify_with_code(rating_id: int, typed: str) -> Rating:
    """Check a typed code and, when right, verify and count the rating; commits.

    Everything happens under the rating's row lock, so the caps hold and a concurrent
    second tap waits for the first and then finds the rating verified. A wrong try is
    committed too (the attempt counters must survive the refusal).
    """
    rating = write_locked(Rating, rating_id)
    try:
        if rating is not None and rating.status is RatingStatus.VERIFIED:
            _confirmed_again(rating, typed)
        else:
            code = _consume(rating_id, typed)
            rating = locked_pending_rating(rating_id)
            contact = rating.contact if rating.consent_contact else None
            complete_verification(rating, code.identity_hash, contact)
    except DomainError:
        db.session.commit()
        raise
    db.session.commit()
    return rating


def issue_vote_code(vote_id: int, number: str, identity: str) -> tuple[VerificationCode, str]:
    """A code for a phone vote (no commit): the SMS region and the destination caps and
    budget of every code apply. The caller queues it (send_vote_code) after committing."""
    check_sms_region(number)
    check_can_send_to(Channel.SMS, identity)
    return _new_code(Channel.SMS, identity, masked_hint("phone", number), offline_vote_id=vote_id)


def send_vote_code(number: str, code: VerificationCode, plain: str) -> None:
    """Queue the SMS that gives the caller their code to read back to staff; CodeError
    when it was sent at once (immediate mode) and failed."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    text = _(
        "Your Service Star vote code is %(prefix)s-%(code)s. Read it to the member of "
        "staff taking your vote. It is valid for %(minutes)d minutes. If you did not "
        "vote by phone, ignore this message.",
        prefix=code.prefix, code=plain, minutes=minutes,
    )  # fmt: skip
    code_id, vote_id = code.id, code.offline_vote_id
    # As in send_code: no transaction open while queuing, and the outcome read afresh.
    db.session.rollback()
    queue_code(code_id, Channel.SMS, number, "", text)
    if sends_now() and vote_code_not_sent(vote_id):
        # Sent inside the request: the failure is known now, so staff can try again.
        raise CodeError(_("We could not send the code. Please try again."))


def vote_code_not_sent(vote_id: int) -> bool:
    """Did every try to text the phone vote's newest code fail?"""
    code = _newest_code(VerificationCode.offline_vote_id == vote_id)
    return code is not None and code.send_failed_at is not None


def use_vote_code(vote_id: int, typed: str) -> VerificationCode:
    """Spend one try of the phone vote's code and mark it used when right (no commit).

    The caller holds the vote's row lock and commits a wrong try too (the count must stay).
    """
    code = _newest_code(VerificationCode.offline_vote_id == vote_id)
    _check_usable(code)
    _count_try(code)
    _use(code, (typed or "").strip())
    return code
