"""Sending SMS through a small gateway interface.

Backends (config SMS_BACKEND):
- "console": logs the message (development);
- "webhook": POSTs {"to", "text"} as JSON to SMS_WEBHOOK_URL, signed with
  X-Signature: sha256=<HMAC-SHA256 of the body with SMS_WEBHOOK_SECRET>, so the relay
  that talks to a real SMS provider can check the request came from us.

Only numbers of DEFAULT_PHONE_REGION and SMS_ALLOWED_REGIONS are sent to: SMS pumping
makes a site pay for texts to premium numbers abroad. The customer path refuses other
numbers with a clear message before storing a code (core/services/ratings/code_limits.py);
send_sms refuses them too, for any other caller.
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l

from core.services import DomainError

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Signature"


class SmsNotSent(DomainError):
    """The gateway refused, hung or is not configured."""


def _not_sent() -> SmsNotSent:
    return SmsNotSent(_l("We could not send the code. Please try again."))


def send_console(to: str, text: str) -> None:
    """Development backend: the message goes to the log."""
    log.info("SMS to %s: %s", to, text)


def signature(secret: str, body: bytes) -> str:
    """The webhook signature header value for this body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send_webhook(to: str, text: str) -> None:
    """POST the message as signed JSON to SMS_WEBHOOK_URL; any non-2xx is a failure."""
    config = current_app.config
    url = config["SMS_WEBHOOK_URL"]
    if not url.startswith(("https://", "http://")):
        log.error("SMS_WEBHOOK_URL is not an http(s) URL")
        raise _not_sent()
    body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: signature(config["SMS_WEBHOOK_SECRET"], body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=config["SMS_TIMEOUT"]) as response:  # noqa: S310
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.warning("SMS webhook failed: %s", type(error).__name__)
        raise _not_sent() from error
    if not ok:
        raise _not_sent()


BACKENDS: dict[str, Callable[[str, str], None]] = {
    "console": send_console,
    "webhook": send_webhook,
}


def sms_regions() -> set[str]:
    """The phone regions SMS may go to: DEFAULT_PHONE_REGION and SMS_ALLOWED_REGIONS."""
    config = current_app.config
    return {config["DEFAULT_PHONE_REGION"].upper()} | {
        region.upper() for region in config["SMS_ALLOWED_REGIONS"]
    }


def sms_allowed(number: str) -> bool:
    """Is this E.164 number in a region SMS may go to (by its number, not its prefix alone)?"""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False
    return region in sms_regions()


def send_sms(to: str, text: str) -> None:
    """Send one SMS with the configured backend; SmsNotSent when it fails or is not allowed."""
    if not sms_allowed(to):
        log.warning("SMS refused: number outside the allowed regions")
        raise _not_sent()
    backend = BACKENDS.get(current_app.config["SMS_BACKEND"])
    if backend is None:
        log.error("unknown SMS_BACKEND %r", current_app.config["SMS_BACKEND"])
        raise _not_sent()
    backend(to, text)
