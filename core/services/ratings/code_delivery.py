"""Sending a one-time code through the send queue, and recording how it went.

The request stores the code and queues its message (no mail server or SMS gateway is
waited for); a queue worker sends it, trying again with back-off. The code row records
the outcome: `sent_at`, or `send_failed_at` once every try failed, which the code page
shows ("not sent yet") and which takes the code out of the caps, as a failed send did
when it was sent inside the request. A code that expired, was replaced or used while it
waited in the queue is not sent at all.
"""

import logging

from sqlalchemy import update

from core.database import begin_write
from core.extensions import db
from core.models import Channel, VerificationCode, utcnow
from core.services import DomainError
from core.services.messaging.mail import send_mail
from core.services.messaging.queue import SendFailed, enqueue, huey, task_context
from core.services.messaging.sms import send_sms

log = logging.getLogger(__name__)


def queue_code(code_id: int, channel: Channel, to: str, subject: str, text: str) -> None:
    """Queue the code's message (after the code row is committed); QueueUnavailable
    when the queue cannot take it."""
    enqueue(deliver_code, code_id, channel.value, to, subject, text)


@huey.task(context=True)
def deliver_code(code_id: int, channel: str, to: str, subject: str, text: str, task=None):
    """The queue's task: send when the code still waits for it, record the outcome."""
    with task_context():
        if not _still_wanted(code_id):
            log.info("code %s not sent: replaced, used or expired while queued", code_id)
            return
        try:
            _send(Channel(channel), to, subject, text)
        except DomainError:
            if task is not None and task.retries > 0:
                raise SendFailed(f"code {code_id} not sent, will try again") from None
            log.warning("code %s not sent after every try", code_id)
            _record(code_id, send_failed_at=utcnow())
            return
        _record(code_id, sent_at=utcnow())


def _send(channel: Channel, to: str, subject: str, text: str) -> None:
    if channel is Channel.EMAIL:
        send_mail(to, subject, text)
    else:
        send_sms(to, text)


def _still_wanted(code_id: int) -> bool:
    code = db.session.get(VerificationCode, code_id)
    wanted = (
        code is not None
        and code.voided_at is None
        and code.used_at is None
        and utcnow() < code.expires_at
    )
    # No transaction stays open while the mail server or gateway answers.
    db.session.rollback()
    return wanted


def _record(code_id: int, **outcome) -> None:
    """Write the send's outcome on the code row; its own short transaction."""
    begin_write()
    db.session.execute(
        update(VerificationCode).where(VerificationCode.id == code_id).values(**outcome)
    )
    db.session.commit()
