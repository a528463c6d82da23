"""The POS API: a till mints a receipt code per sale (POST /api/receipt-codes).

Authenticated by an API key from POS_API_KEYS ("Authorization: Bearer <key>" or
"X-API-Key: <key>"), compared in constant time. No cookies, hence exempt from CSRF.
Body (optional JSON): {"branch_id": 3, "count": 1}; count is at most MAX_API_COUNT.
"""

import hmac

from flask import current_app, jsonify, request

from core.extensions import csrf, limiter
from core.security import no_store
from core.services.ratings.receipt_codes import InvalidBatch, mint_receipt_codes
from portal import bp

MAX_API_COUNT = 100


def _api_limit() -> str:
    return current_app.config["POS_API_LIMIT"]


def _presented_key() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-API-Key", "").strip()


def _authorised() -> bool:
    """Whether the request carries one of the configured keys (every key is compared)."""
    presented = _presented_key().encode("utf-8")
    matches = [
        hmac.compare_digest(presented, key.encode("utf-8"))
        for key in current_app.config["POS_API_KEYS"]
    ]
    return bool(presented) and any(matches)


def _error(status: int, message: str):
    return jsonify(error=message), status


def _whole_number(value, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError
    return value


@bp.post("/api/receipt-codes")
@csrf.exempt
@no_store
@limiter.limit(_api_limit)
def api_receipt_codes():
    """Mint receipt codes for a till; answers JSON with the codes and when they expire."""
    if not _authorised():
        return _error(401, "a valid API key is required")
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        return _error(400, "the body must be a JSON object")
    try:
        count = _whole_number(body.get("count"), 1)
        branch_id = _whole_number(body.get("branch_id"), None)
    except ValueError:
        return _error(400, "count and branch_id must be whole numbers")
    if not 1 <= count <= MAX_API_COUNT:
        return _error(400, f"count must be between 1 and {MAX_API_COUNT}")
    try:
        codes, expires_at = mint_receipt_codes(count, branch_id)
    except InvalidBatch as error:
        return _error(400, str(error))
    return jsonify(codes=codes, branch_id=branch_id, expires_at=expires_at.isoformat()), 201
