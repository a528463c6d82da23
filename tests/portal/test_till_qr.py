"""The till's one-time QR: scan, stars, send, thanks; used once, bound, and never logged."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from core.extensions import db
from core.models import RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import mint_receipt_codes, normalise_code
from core.services.ratings.till_codes import till_url
from tests.factories import make_branch, make_employee
from tests.portal.flow import all_ratings, card_path, rate
from tests.portal.qr_images import decoded_svg

VERIFIED_NOTICE = "Verified for this visit by your receipt"
CODE_HINT = "Next you confirm who you are with a one-time code"


def _till_qr(card_of, **binding) -> tuple[str, str]:
    """A receipt code bound as given (by default to the card's employee), and the path of
    a QR link to that card carrying it."""
    binding.setdefault("employee", card_of)
    [code], _expires = mint_receipt_codes(1, **binding)
    return code, urlsplit(till_url(card_of, code)).path


def _scan(client, path):
    """Scan the QR: the redirect, then the card page it leads to."""
    redirect = client.get(path)
    assert redirect.status_code == 303
    return redirect, client.get(redirect.location)


def test_till_qr_reaches_thanks_with_no_code_typed(client, employee):
    _code, path = _till_qr(employee)
    redirect, page = _scan(client, path)
    assert urlsplit(redirect.location).path == card_path(employee)
    assert page.status_code == 200
    assert VERIFIED_NOTICE in page.text
    assert CODE_HINT not in page.text
    response = rate(client, employee, overall="5")
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    assert client.get("/v/thanks").status_code == 200
    [rating] = all_ratings()
    assert rating.status is RatingStatus.VERIFIED
    row = db.session.scalar(db.select(ReceiptCode))
    assert row.rating_id == rating.id and row.used_at is not None


def test_the_link_is_uppercase_for_the_alphanumeric_qr_mode(app, employee):
    code, _path = _till_qr(employee)
    url = till_url(employee, code)
    assert url == url.upper()
    assert url.endswith(f"/C/{employee.card_token}/R/{normalise_code(code)}")


def test_lowercase_link_typed_by_hand_works_too(client, employee):
    _code, path = _till_qr(employee)
    _redirect, page = _scan(client, path.lower())
    assert VERIFIED_NOTICE in page.text


def test_the_same_qr_again_is_refused_and_the_usual_way_remains(client, employee, app):
    _code, path = _till_qr(employee)
    _scan(client, path)
    rate(client, employee)
    second = app.test_client()
    _redirect, page = _scan(second, path)
    assert page.status_code == 200
    assert "This receipt code has already been used." in page.text
    assert VERIFIED_NOTICE not in page.text
    assert CODE_HINT in page.text
    response = rate(second, employee)
    assert response.location.endswith("/v")
    assert [r.status for r in all_ratings()] == [RatingStatus.VERIFIED, RatingStatus.PENDING]


@pytest.mark.parametrize(
    ("bound_to", "reason"),
    [("other_branch", "for another branch"), ("colleague", "for another member of staff")],
)
def test_qr_of_another_branch_or_employee_is_refused(client, employee, bound_to, reason):
    if bound_to == "other_branch":
        binding = {"branch_id": make_branch().id, "employee": None}
    else:
        binding = {"employee": make_employee(branch=employee.branch, display_name="Bo Chen")}
    db.session.commit()
    _code, path = _till_qr(employee, **binding)
    _redirect, page = _scan(client, path)
    assert reason in page.text
    assert VERIFIED_NOTICE not in page.text
    assert rate(client, employee).location.endswith("/v")
    assert db.session.scalar(db.select(ReceiptCode)).used_at is None


def test_expired_qr_is_refused(client, employee):
    _code, path = _till_qr(employee)
    row = db.session.scalar(db.select(ReceiptCode))
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    _redirect, page = _scan(client, path)
    assert "This receipt code has expired." in page.text
    assert rate(client, employee).location.endswith("/v")


def test_unknown_code_in_a_link_is_refused(client, employee):
    _redirect, page = _scan(client, f"{card_path(employee)}/R/ZZZZZZZZZZ")
    assert "We do not know this receipt code" in page.text
    assert VERIFIED_NOTICE not in page.text


def test_code_bound_to_a_colleague_does_not_verify_when_typed(client, employee):
    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    db.session.commit()
    [code], _expires = mint_receipt_codes(1, employee=colleague)
    rate(client, employee)
    response = client.post("/v/receipt", data={"receipt_code": code})
    assert response.status_code == 422
    assert "for another member of staff" in response.text


def test_code_kept_for_a_colleague_leaves_other_cards_as_usual(client, employee):
    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    db.session.commit()
    _code, path = _till_qr(colleague)
    _scan(client, path)
    page = client.get(card_path(employee))
    assert VERIFIED_NOTICE not in page.text
    assert rate(client, employee).location.endswith("/v")
    assert VERIFIED_NOTICE in client.get(card_path(colleague)).text


def test_the_code_is_neither_logged_nor_left_in_the_address_or_referer(client, employee, capsys):
    code, path = _till_qr(employee)
    capsys.readouterr()
    redirect, page = _scan(client, path)
    bare = normalise_code(code)
    assert bare not in redirect.location
    assert redirect.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert redirect.headers["Cache-Control"] == "no-store"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    scan_line = next(line for line in lines if line.get("endpoint") == "portal.till_scan")
    assert scan_line["route"] == "/C/<token>/R/<code>"
    assert all(bare not in json.dumps(line) for line in lines)


def test_the_session_keeps_a_reference_not_the_code(client, employee):
    code, path = _till_qr(employee)
    _scan(client, path)
    with client.session_transaction() as session:
        values = json.dumps(dict(session))
    assert normalise_code(code) not in values


def test_a_cached_fresh_page_never_hides_the_verified_visit(make_app):
    app = make_app()
    with app.app_context():
        alice = make_employee(display_name="Alice Wang")
        db.session.commit()
        code, path = _till_qr(alice)
        card = card_path(alice)
    assert CODE_HINT in app.test_client().get(card).text  # the fresh page, now cached
    browser = app.test_client()
    _redirect, page = _scan(browser, path)
    assert VERIFIED_NOTICE in page.text
    assert CODE_HINT not in page.text


def test_api_returns_the_link_and_an_svg_qr_per_code(make_app):
    app = make_app(POS_API_KEYS=("till-key",))
    with app.app_context():
        alice = make_employee(display_name="Alice Wang", staff_no="A017")
        db.session.commit()
        response = app.test_client().post(
            "/api/receipt-codes",
            json={"branch_id": alice.branch_id, "staff_no": "A017", "count": 2},
            headers={"X-API-Key": "till-key"},
        )
        assert response.status_code == 201, response.json
        body = response.json
        assert body["employee_id"] == alice.id
        assert [qr["code"] for qr in body["qr_codes"]] == body["codes"]
        for qr in body["qr_codes"]:
            assert qr["url"] == till_url(alice, qr["code"])
            assert qr["qr_svg"].startswith("<svg")
            assert decoded_svg(qr["qr_svg"]) == qr["url"]
        rows = db.session.scalars(db.select(ReceiptCode)).all()
        assert {row.employee_id for row in rows} == {alice.id}
        # The link from the API is the one the customer scans.
        browser = app.test_client()
        _redirect, page = _scan(browser, urlsplit(body["qr_codes"][0]["url"]).path)
        assert VERIFIED_NOTICE in page.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"staff_no": "A017"}, "staff_no needs the branch_id"),
        ({"staff_no": 17, "branch_id": 1}, "staff_no must be a staff number"),
        ({"staff_no": "NOPE", "branch_id": 1}, "No active employee has this staff number"),
    ],
)
def test_api_refuses_an_unknown_serving_employee(make_app, body, message):
    app = make_app(POS_API_KEYS=("till-key",))
    with app.app_context():
        make_employee(staff_no="A017")
        db.session.commit()
        response = app.test_client().post(
            "/api/receipt-codes", json=body, headers={"X-API-Key": "till-key"}
        )
        assert response.status_code == 400
        assert message in response.json["error"]
        assert db.session.scalar(db.select(db.func.count(ReceiptCode.id))) == 0


def test_api_without_staff_no_answers_as_before(make_app):
    app = make_app(POS_API_KEYS=("till-key",))
    with app.app_context():
        response = app.test_client().post("/api/receipt-codes", headers={"X-API-Key": "till-key"})
        assert response.status_code == 201
        assert "qr_codes" not in response.json


def test_a_form_with_an_error_keeps_the_verified_visit(client, employee):
    _code, path = _till_qr(employee)
    _scan(client, path)
    response = rate(client, employee, overall=None, comment="No stars yet")
    assert response.status_code == 422
    assert VERIFIED_NOTICE in response.text
    assert CODE_HINT not in response.text
    assert "No stars yet" in response.text
    assert rate(client, employee, overall="4").location.endswith("/v/thanks")
