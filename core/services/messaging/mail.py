"""Sending email with the MAIL_* settings.

Backends (config MAIL_BACKEND):
- "smtp": sends through MAIL_SERVER. MAIL_TIMEOUT bounds every socket operation, so a
  mail server that hangs costs the customer a few seconds and a clear message, never a
  request timeout.
- "file": development (the default there without MAIL_SERVER): each message is written
  to instance/mail/ as a readable .eml file and the log says which, so the demo's email
  codes work without a mail server.
"""

import logging
import secrets
import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.services import DomainError

log = logging.getLogger(__name__)


class MailNotSent(DomainError):
    """The mail server refused, hung or could not be reached."""


def _not_sent() -> MailNotSent:
    return MailNotSent(_l("We could not send the code. Please try again."))


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


def send_smtp(message: EmailMessage) -> None:
    """Send through MAIL_SERVER; MailNotSent on any SMTP or network failure."""
    config = current_app.config
    try:
        with _connect(config) as smtp:
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        log.warning("mail to a customer not sent: %s", type(error).__name__)
        raise _not_sent() from error


def mail_folder() -> Path:
    """Where the file backend writes messages: instance/mail/."""
    return Path(current_app.instance_path) / "mail"


def write_file(message: EmailMessage) -> None:
    """Development backend: write the message to instance/mail/ and log the file's path."""
    # Plain UTF-8, no base64 or encoded headers: a person reads the code in any editor.
    message.set_content(message.get_content(), cte="8bit")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = mail_folder() / f"{stamp}-{secrets.token_hex(3)}.eml"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.as_bytes(policy=policy.default.clone(utf8=True)))
    except OSError as error:
        log.warning("mail not written: %s", type(error).__name__)
        raise _not_sent() from error
    # The path only: the address and the code stay out of the log.
    log.info("development mail backend (MAIL_BACKEND=file): message written to %s", path)


BACKENDS: dict[str, Callable[[EmailMessage], None]] = {"smtp": send_smtp, "file": write_file}


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text email with MAIL_BACKEND; MailNotSent when it fails."""
    backend = BACKENDS.get(current_app.config["MAIL_BACKEND"])
    if backend is None:
        log.error("unknown MAIL_BACKEND %r", current_app.config["MAIL_BACKEND"])
        raise _not_sent()
    backend(build_message(to, subject, body))
