"""Sending email over SMTP with the MAIL_* settings.

MAIL_TIMEOUT bounds every socket operation, so a mail server that hangs costs the
customer a few seconds and a clear message, never a request timeout.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.services import DomainError

log = logging.getLogger(__name__)


class MailNotSent(DomainError):
    """The mail server refused, hung or could not be reached."""


def _connect(config) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from MAIL_DEFAULT_SENDER."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text email; MailNotSent on any SMTP or network failure."""
    config = current_app.config
    message = build_message(to, subject, body)
    try:
        with _connect(config) as smtp:
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        log.warning("mail to a customer not sent: %s", type(error).__name__)
        raise MailNotSent(_l("We could not send the code. Please try again.")) from error
