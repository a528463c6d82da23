"""Receipt codes: format, single use, expiry, branch binding, the POS API."""

import re
from datetime import timedelta

import pytest

from core.extensions import db
from core.models import RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import (
    ALPHABET,
    InvalidBatch,
    mint_receipt_codes,
    normalise_code,
)
from tests.factories import make_branch
from tests.portal.flow import all_ratings, rate

GROUPED = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}$")


def test_codes_are_grouped_from_an_unambiguous_alphabet_with_50_bits(app):
    codes, _expires = mint_receipt_codes(20)
    assert len(set(codes)) == 20
    assert all(GROUPED.match(code) for code in codes)
    assert len(ALPHABET) == 32 and not set("01IO") & set(ALPHABET)
    assert len(normalise_code(codes[0])) * 5 >= 50


def test_codes_are_stored_only_as_hashes(app):
    codes, _expires = mint_receipt_codes(3)
    stored = db.session.scalars(db.select(ReceiptCode.code_hash)).all()
    for code in codes:
        assert all(normalise_code(code) not in value for value in stored)


def test_receipt_code_verifies_the_rating(client, employee):
    [code], _expires = mint_receipt_codes(1)
    rate(client, employee)
    response = client.post("/v/receipt", data={"receipt_code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    [rating] = all_ratings()
    assert rating.status is RatingStatus.VERIFIED
    row = db.session.scalar(db.select(ReceiptCode))
    assert row.rating_id == rating.id
    assert row.used_at is not None


def test_used_receipt_code_is_refused(client, employee, app):
    [code], _expires = mint_receipt_codes(1)
    rate(client, employee)
    assert client.post("/v/receipt", data={"receipt_code": code}).status_code == 302
    other = app.test_client()
    rate(other, employee)
    response = other.post("/v/receipt", data={"receipt_code": code})
    assert response.status_code == 422
    assert "already been used" in response.text
    assert [r.status for r in all_ratings()] == [RatingStatus.VERIFIED, RatingStatus.PENDING]


def test_expired_receipt_code_is_refused(client, employee):
    [code], _expires = mint_receipt_codes(1)
    row = db.session.scalar(db.select(ReceiptCode))
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    rate(client, employee)
    response = client.post("/v/receipt", data={"receipt_code": code})
    assert response.status_code == 422
    assert "expired" in response.text
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_receipt_code_of_another_branch_is_refused(client, employee):
    other_branch = make_branch()
    db.session.commit()
    [code], _expires = mint_receipt_codes(1, branch_id=other_branch.id)
    rate(client, employee)
    response = client.post("/v/receipt", data={"receipt_code": code})
    assert response.status_code == 422
    assert "another branch" in response.text
    assert db.session.scalar(db.select(ReceiptCode)).used_at is None


def test_receipt_code_of_the_same_branch_is_accepted(client, employee):
    [code], _expires = mint_receipt_codes(1, branch_id=employee.branch_id)
    rate(client, employee)
    assert client.post("/v/receipt", data={"receipt_code": code}).status_code == 302


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFGH-J0", "ZZZZ-ZZZZ-ZZ", "ÄBCD-EFGH-JK"])
def test_unknown_or_malformed_receipt_code_is_refused(client, employee, typed):
    mint_receipt_codes(1)
    rate(client, employee, comment="Still here")
    response = client.post("/v/receipt", data={"receipt_code": typed})
    assert response.status_code == 422
    assert "receipt code" in response.text
    assert "Still here" in response.text
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_batch_size_and_branch_are_checked(app):
    with app.test_request_context(), pytest.raises(InvalidBatch):
        mint_receipt_codes(0)
    with app.test_request_context(), pytest.raises(InvalidBatch):
        mint_receipt_codes(1, branch_id=999)


def test_api_mints_a_code_with_a_valid_key(make_app):
    app = make_app(POS_API_KEYS=("till-key-1", "till-key-2"))
    with app.app_context():
        branch = make_branch()
        db.session.commit()
        response = app.test_client().post(
            "/api/receipt-codes",
            json={"branch_id": branch.id},
            headers={"Authorization": "Bearer till-key-2"},
        )
        assert response.status_code == 201
        [code] = response.json["codes"]
        assert GROUPED.match(code)
        row = db.session.scalar(db.select(ReceiptCode))
        assert row.branch_id == branch.id
        assert response.headers["Cache-Control"] == "no-store"


def test_api_accepts_the_key_header_and_an_empty_body(make_app):
    app = make_app(POS_API_KEYS=("till-key-1",))
    with app.app_context():
        response = app.test_client().post("/api/receipt-codes", headers={"X-API-Key": "till-key-1"})
        assert response.status_code == 201
        assert len(response.json["codes"]) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": ""}, {"Authorization": "Bearer "}],
)
def test_api_refuses_without_a_valid_key(make_app, headers):
    app = make_app(POS_API_KEYS=("till-key-1",))
    with app.app_context():
        response = app.test_client().post("/api/receipt-codes", json={}, headers=headers)
        assert response.status_code == 401
        assert db.session.scalar(db.select(ReceiptCode)) is None


def test_api_refuses_everything_when_no_keys_are_configured(client):
    response = client.post("/api/receipt-codes", headers={"X-API-Key": ""})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body", [[1], {"count": 0}, {"count": 101}, {"count": "2"}, {"branch_id": 999}, "x"]
)
def test_api_refuses_bad_bodies(make_app, body):
    app = make_app(POS_API_KEYS=("till-key-1",))
    with app.app_context():
        response = app.test_client().post(
            "/api/receipt-codes", json=body, headers={"X-API-Key": "till-key-1"}
        )
        assert response.status_code == 400
        assert "error" in response.json
        assert db.session.scalar(db.select(ReceiptCode)) is None


def test_api_works_with_csrf_on(make_app):
    app = make_app(POS_API_KEYS=("till-key-1",), WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post(
            "/api/receipt-codes", json={"count": 2}, headers={"X-API-Key": "till-key-1"}
        )
        assert response.status_code == 201
        assert len(response.json["codes"]) == 2
