"""The POS API: a till mints a receipt code per sale (POST /api/receipt-codes).

Authenticated by an API key from POS_API_KEYS ("Authorization: Bearer <key>" or
"X-API-Key: <key>"), compared in constant time. No cookies, hence exempt from CSRF.
Body (optional JSON): {"branch_id": 3, "count": 1, "staff_no": "A017"}; count is at most
MAX_API_COUNT. With staff_no (the serving employee's staff number at that branch, which
the till knows from its sign-in) each code is bound to that employee and comes with a
one-time QR for the till to show or print: the link to the employee's card carrying the
code ("url") and its QR code as SVG ("qr_svg").
"""

import hmac

from flask import current_app, jsonify, request

from core.extensions import csrf, limiter
from core.models import Employee
from core.security import no_store
from core.services.people.cards import card_qr_svg
from core.services.ratings.receipt_codes import InvalidBatch, mint_receipt_codes
from core.services.ratings.till_codes import serving_employee, till_url
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
    staff_no = body.get("staff_no")
    if staff_no is not None and (not isinstance(staff_no, str) or not staff_no.strip()):
        return _error(400, "staff_no must be a staff number")
    if staff_no is not None and branch_id is None:
        return _error(400, "staff_no needs the branch_id of the till")
    try:
        employee = serving_employee(branch_id, staff_no.strip()) if staff_no else None
        codes, expires_at = mint_receipt_codes(count, branch_id, employee=employee)
    except InvalidBatch as error:
        return _error(400, str(error))
    answer = {"codes": codes, "branch_id": branch_id, "expires_at": expires_at.isoformat()}
    if employee is not None:
        answer["employee_id"] = employee.id
        answer["qr_codes"] = _one_time_qrs(employee, codes)
    return jsonify(answer), 201


def _one_time_qrs(employee: Employee, codes: list[str]) -> list[dict]:
    """Per code: the link to the serving employee's card carrying it, and its QR as SVG."""
    links = [(code, till_url(employee, code)) for code in codes]
    return [{"code": code, "url": url, "qr_svg": card_qr_svg(url)} for code, url in links]
