"""Customer identities: normalised email or phone, then a keyed hash (never the plain value).

The hash is HMAC-SHA256 with IDENTITY_HASH_KEY (or a key derived from SECRET_KEY), so
the same person always gives the same hash and nobody without the key can test a guess.
Employees' own contacts are stored as the same hash (EmployeeIdentity).
"""

import hashlib
import hmac

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from core.client_address import address_key
from core.models import EmployeeIdentity
from core.services import DomainError

EMAIL_MAX = 254
PHONE_INPUT_MAX = 40
# A masked email keeps at most this much of its domain (the hint column holds 80).
HINT_DOMAIN_MAX = 60
# Characters that would split an email header or hide a second address.
FORBIDDEN_IN_EMAIL = set("\r\n\0,;<>\"'")


class InvalidContact(DomainError):
    """The email address or phone number cannot be used."""


def _key() -> bytes:
    config = current_app.config
    if config.get("IDENTITY_HASH_KEY"):
        return config["IDENTITY_HASH_KEY"].encode("utf-8")
    # Derived, so rotating SECRET_KEY alone changes it but the raw secret is never reused.
    return hmac.new(
        config["SECRET_KEY"].encode("utf-8"), b"service-star identity", hashlib.sha256
    ).digest()


def keyed_hash(label: str, value: str) -> str:
    """HMAC-SHA256 (hex) of "label:value" with the identity key."""
    return hmac.new(_key(), f"{label}:{value}".encode(), hashlib.sha256).hexdigest()


def identity_hash(kind: str, normalised_value: str) -> str:
    """The keyed hash of a normalised contact; kind is "email", "phone" or "receipt"."""
    return keyed_hash(kind, normalised_value)


def client_hash(address: str | None) -> str:
    """Keyed hash of a client (an IPv6 /64 counts as one), for spotting bursts unstored."""
    return keyed_hash("client", address_key(address))[:32]


def normalise_email(value: str) -> str:
    """Trimmed, lowercased, IDNA-encoded domain; InvalidContact when unusable."""
    value = (value or "").strip()
    if not value:
        raise InvalidContact(_("Enter your email address."))
    if any(char in FORBIDDEN_IN_EMAIL for char in value):
        raise InvalidContact(_("Enter one email address, without line breaks or extra characters."))
    if len(value) > EMAIL_MAX:
        raise InvalidContact(_("This email address is too long."))
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise InvalidContact(_("Enter a valid email address, like name@example.com.")) from error
    return f"{checked.local_part.lower()}@{checked.ascii_domain.lower()}"


def normalise_phone(value: str, region: str | None = None) -> str:
    """The phone number in E.164 (+8613812345678); InvalidContact when not a valid number."""
    value = (value or "").strip()
    if not value:
        raise InvalidContact(_("Enter your mobile number."))
    if len(value) > PHONE_INPUT_MAX or any(ord(char) < 32 for char in value):
        raise InvalidContact(_("Enter a valid mobile number."))
    region = region or current_app.config["DEFAULT_PHONE_REGION"]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidContact(_("Enter a valid mobile number.")) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(_("Enter a valid mobile number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_identity(kind: str, raw_value: str) -> tuple[str, str]:
    """(normalised contact, identity hash) for an email or phone the customer typed."""
    normalised = normalise_email(raw_value) if kind == "email" else normalise_phone(raw_value)
    return normalised, identity_hash(kind, normalised)


def masked_hint(kind: str, normalised: str) -> str:
    """A contact shown back without giving it away: "a•••@example.com", "+86 •••• 5678"."""
    if kind == "email":
        local, domain = normalised.rsplit("@", 1)
        if len(domain) > HINT_DOMAIN_MAX:
            domain = "…" + domain[-(HINT_DOMAIN_MAX - 1) :]
        return f"{local[0]}•••@{domain}"
    number = phonenumbers.parse(normalised)
    return f"+{number.country_code} •••• {normalised[-4:]}"


def employee_identity(kind: str, raw_value: str) -> EmployeeIdentity:
    """An unsaved EmployeeIdentity for a contact (its hash and masked hint); InvalidContact."""
    normalised, hashed = contact_identity(kind, raw_value)
    return EmployeeIdentity(identity_hash=hashed, kind=kind, hint=masked_hint(kind, normalised))
