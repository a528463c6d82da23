"""Random secrets for cards, private links and codes."""

import base64
import hashlib
import secrets

CARD_TOKEN_BYTES = 10  # 80 bits, 16 base32 characters


def card_token() -> str:
    """An unguessable card token: 80 random bits as 16 uppercase base32 characters.

    Uppercase base32 lets the QR encoder use alphanumeric mode, which keeps the code small.
    """
    return base64.b32encode(secrets.token_bytes(CARD_TOKEN_BYTES)).decode("ascii").rstrip("=")


def url_secret() -> str:
    """A secret for a private link (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def sha256_hex(value: str) -> str:
    """Hash of a high-entropy secret, for lookup without storing the secret."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
