"""Mail sent later by the send queue, for callers with no row to record the outcome on.

A mail that fails on every try is logged (without its address). Callers that must show
a failure at once (a private link) send directly while the queue runs in immediate mode.
"""

import logging

from core.services.messaging.mail import MailNotSent, send_mail
from core.services.messaging.queue import SendFailed, enqueue, huey, task_context

log = logging.getLogger(__name__)


def mail_later(to: str, subject: str, body: str) -> None:
    """Queue one plain-text mail; QueueUnavailable when the queue cannot take it."""
    enqueue(deliver_mail, to, subject, body)


@huey.task(context=True)
def deliver_mail(to: str, subject: str, body: str, task=None):
    """The queue's task: send the mail, or let the queue try again."""
    with task_context():
        try:
            send_mail(to, subject, body)
        except MailNotSent:
            if task is not None and task.retries > 0:
                raise SendFailed("mail not sent, will try again") from None
            log.warning("mail not sent after every try")
