"""One-time codes: sending, checking, the limits on tries and resends, verification."""

from datetime import timedelta

import pytest
from sqlalchemy import func

from core.extensions import db
from core.models import (
    Channel,
    EmployeeBalance,
    FollowUpTask,
    PointsEntry,
    RatingClaim,
    RatingStatus,
    VerificationCode,
)
from core.services.ratings.identity import identity_hash
from tests.portal.flow import (
    all_ratings,
    codes,
    rate,
    rate_and_get_code,
    send_sms_code,
    verified_by_sms,
)


def test_verify_page_offers_the_enabled_methods(client, employee):
    rate(client, employee)
    page = client.get("/v")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert 'name="email"' in page.text
    assert 'name="phone"' in page.text
    assert 'name="receipt_code"' in page.text


def test_verify_page_hides_disabled_methods(make_app):
    from tests.factories import make_employee

    app = make_app(VERIFY_METHODS=("receipt",))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        rate(client, employee)
        page = client.get("/v").text
        assert 'name="receipt_code"' in page
        assert 'name="email"' not in page
        assert client.post("/v/sms", data={"phone": "13812345678"}).status_code == 404
        assert codes() == []


def test_verify_page_without_a_pending_rating_says_so(client):
    response = client.get("/v")
    assert response.status_code == 410
    assert "Please rate again" in response.text


def test_sms_code_message_names_the_employee_and_prefix(client, employee, sms_outbox):
    rate_and_get_code(client, employee, sms_outbox)
    [(to, text)] = sms_outbox
    [code] = codes()
    assert to == "+8613812345678"
    assert "Alice Wang" in text
    assert f"{code.prefix}-" in text
    assert code.channel is Channel.SMS
    assert code.identity_hash == identity_hash("phone", "+8613812345678")


def test_code_is_stored_only_as_a_hash(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox)
    [code] = codes()
    assert plain not in code.code_hash
    assert len(code.code_hash) == 64
    assert code.expires_at - code.created_at == timedelta(minutes=10)


def test_code_page_shows_the_prefix_next_to_the_input(client, employee, sms_outbox):
    rate_and_get_code(client, employee, sms_outbox)
    [code] = codes()
    page = client.get("/v/code")
    assert page.status_code == 200
    assert f"{code.prefix}-</span>" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_right_code_verifies_and_counts_the_rating(client, employee, sms_outbox):
    response = verified_by_sms(client, employee, sms_outbox)
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    [rating] = all_ratings()
    assert rating.status is RatingStatus.VERIFIED
    assert rating.verified_at is not None
    assert rating.customer_hash == identity_hash("phone", "+8613812345678")
    assert rating.score is not None
    claim = db.session.get(RatingClaim, (rating.customer_hash, employee.id, rating.period_key))
    assert claim.rating_id == rating.id
    assert db.session.scalar(db.select(PointsEntry.source_key)) == f"rating:{rating.id}"
    assert db.session.get(EmployeeBalance, employee.id).balance > 0


def test_code_typed_with_its_prefix_and_spaces_is_accepted(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox)
    [code] = codes()
    response = client.post("/v/code", data={"code": f" {code.prefix}-{plain[:3]} {plain[3:]} "})
    assert response.status_code == 302
    assert all_ratings()[0].status is RatingStatus.VERIFIED


def test_thank_you_page_offers_colleagues_of_the_same_branch(client, employee, sms_outbox):
    from tests.factories import make_employee

    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    make_employee(branch=employee.branch, display_name="Gone Away", active=False)
    stranger = make_employee(display_name="Other Branch")
    db.session.commit()
    verified_by_sms(client, employee, sms_outbox)
    page = client.get("/v/thanks")
    assert page.status_code == 200
    assert f'href="/C/{colleague.card_token}"' in page.text
    assert "Gone Away" not in page.text
    assert stranger.display_name not in page.text
    assert "Alice Wang" in page.text  # "your rating of Alice counts"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("12345", "6 digits"), ("abcdef", "6 digits"), ("1234567", "6 digits"), ("", "6 digits")],
)
def test_malformed_code_is_refused_without_spending_a_try(
    client, employee, sms_outbox, typed, message
):
    rate_and_get_code(client, employee, sms_outbox)
    response = client.post("/v/code", data={"code": typed})
    assert response.status_code == 422
    assert message in response.text
    assert codes()[0].attempts == 0


def test_wrong_code_keeps_the_rating_and_says_tries_left(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox, comment="Lovely help")
    wrong = f"{(int(plain) + 1) % 10**6:06d}"
    response = client.post("/v/code", data={"code": wrong})
    assert response.status_code == 422
    assert "4 tries left" in response.text
    assert "Lovely help" in response.text
    assert codes()[0].attempts == 1
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_sixth_try_is_refused_even_when_right(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox)
    wrong = f"{(int(plain) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post("/v/code", data={"code": wrong}).status_code == 422
    response = client.post("/v/code", data={"code": plain})
    assert response.status_code == 422
    assert "Too many wrong tries" in response.text
    assert all_ratings()[0].status is RatingStatus.PENDING
    assert codes()[0].attempts == 5


def _same_browser(app, client):
    """A second client holding a copy of this browser's session cookie (as a double tap)."""
    with client.session_transaction() as session:
        copied = dict(session)
    twin = app.test_client()
    with twin.session_transaction() as session:
        session.update(copied)
    return twin


def test_confirming_the_right_code_again_ends_on_thanks_counted_once(
    client, employee, sms_outbox, app
):
    plain = rate_and_get_code(client, employee, sms_outbox)
    second_tap = _same_browser(app, client)
    assert client.post("/v/code", data={"code": plain}).location.endswith("/v/thanks")
    response = second_tap.post("/v/code", data={"code": plain})
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    assert second_tap.get("/v/thanks").status_code == 200
    assert len(db.session.scalars(db.select(RatingClaim)).all()) == 1
    assert db.session.scalar(db.select(func.count()).select_from(PointsEntry)) == 1


def test_a_wrong_code_for_a_verified_rating_is_refused(client, employee, sms_outbox, app):
    plain = rate_and_get_code(client, employee, sms_outbox)
    replay = _same_browser(app, client)
    assert client.post("/v/code", data={"code": plain}).status_code == 302
    wrong = f"{(int(plain) + 1) % 10**6:06d}"
    response = replay.post("/v/code", data={"code": wrong})
    assert response.status_code == 410
    assert "no longer waiting" in response.text
    assert replay.get("/v/thanks").status_code == 404


def test_confirming_again_spends_a_try_so_a_copied_cookie_cannot_search_the_code(
    client, employee, sms_outbox, app
):
    plain = rate_and_get_code(client, employee, sms_outbox)
    replay = _same_browser(app, client)
    assert client.post("/v/code", data={"code": plain}).status_code == 302
    wrong = f"{(int(plain) + 1) % 10**6:06d}"
    for _ in range(4):
        assert replay.post("/v/code", data={"code": wrong}).status_code == 410
    assert codes()[0].attempts == 5
    response = replay.post("/v/code", data={"code": plain})
    assert response.status_code == 410  # tries spent: even the right code is refused now
    assert "Too many wrong tries" in response.text


def test_expired_code_is_refused(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox)
    [code] = codes()
    code.expires_at = code.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.post("/v/code", data={"code": plain})
    assert response.status_code == 422
    assert "expired" in response.text
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_new_code_within_60_seconds_is_refused(client, employee, sms_outbox):
    rate_and_get_code(client, employee, sms_outbox)
    response = client.post("/v/sms", data={"phone": "13812345678"})
    assert response.status_code == 422
    assert "seconds" in response.text
    assert len(sms_outbox) == 1
    assert len(codes()) == 1


def test_new_code_voids_the_old_one(client, employee, sms_outbox):
    old = rate_and_get_code(client, employee, sms_outbox)
    first = codes()[0]
    first.created_at -= timedelta(seconds=61)
    db.session.commit()
    new = send_sms_code(client, sms_outbox)
    old_row, new_row = codes()
    assert old_row.voided_at is not None
    assert new_row.voided_at is None
    if old != new:
        assert client.post("/v/code", data={"code": old}).status_code == 422
    assert client.post("/v/code", data={"code": new}).status_code == 302


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Enter your mobile number"),
        ("12345", "valid mobile number"),
        ("not a phone", "valid mobile number"),
        ("+86 138 1234 5678\n+86 139", "valid mobile number"),
        ("1" * 60, "valid mobile number"),
    ],
)
def test_malformed_phone_is_refused_next_to_the_field(client, employee, sms_outbox, phone, message):
    rate(client, employee, comment="Keep me")
    response = client.post("/v/sms", data={"phone": phone})
    assert response.status_code == 422
    assert message in response.text
    assert "Keep me" in response.text
    assert sms_outbox == []


def test_low_rating_with_consent_opens_a_follow_up(client, employee, sms_outbox):
    verified_by_sms(client, employee, sms_outbox, overall="2", consent="y")
    [rating] = all_ratings()
    task = db.session.scalar(db.select(FollowUpTask))
    assert task.rating_id == rating.id
    assert task.contact_due_at - rating.verified_at == timedelta(hours=24)
    assert task.resolve_due_at - rating.verified_at == timedelta(days=15)
    assert rating.contact == "+8613812345678"


def test_low_rating_without_consent_keeps_no_contact(client, employee, sms_outbox):
    verified_by_sms(client, employee, sms_outbox, overall="1")
    [rating] = all_ratings()
    assert rating.contact is None
    assert db.session.scalar(db.select(FollowUpTask)) is None


def test_verifying_an_expired_pending_rating_is_refused(client, employee, sms_outbox):
    plain = rate_and_get_code(client, employee, sms_outbox)
    [rating] = all_ratings()
    rating.created_at -= timedelta(hours=25)
    db.session.commit()
    response = client.post("/v/code", data={"code": plain})
    assert response.status_code == 410
    assert "expired" in response.text
    assert db.session.scalar(db.select(RatingClaim)) is None


def test_code_forms_need_no_token_and_refuse_other_sites(make_app, sms_outbox):
    from tests.factories import make_employee
    from tests.portal.flow import rate

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        assert rate(client, employee).status_code == 302
        page = client.get("/v").text
        assert 'name="csrf_token"' not in page
        elsewhere = {"Sec-Fetch-Site": "cross-site"}
        sms = client.post("/v/sms", data={"phone": "13812345678"}, headers=elsewhere)
        assert sms.status_code == 403
        assert 'href="/v"' in sms.text  # back to the draft, kept
        code = client.post("/v/code", data={"code": "123456"}, headers=elsewhere)
        assert code.status_code == 403
        receipt = client.post("/v/receipt", data={"receipt_code": "ABCD"}, headers=elsewhere)
        assert receipt.status_code == 403
        assert sms_outbox == []
        assert db.session.scalar(db.select(VerificationCode)) is None
        own = {"Sec-Fetch-Site": "same-origin"}
        assert client.post("/v/sms", data={"phone": "13812345678"}, headers=own).status_code == 302


def _method_order(page: str) -> list[str]:
    names = ('name="email"', 'name="phone"', 'name="receipt_code"')
    return sorted(names, key=page.index)


def test_email_comes_first_in_english(client, employee):
    rate(client, employee)
    assert _method_order(client.get("/v").text)[:2] == ['name="email"', 'name="phone"']


def test_sms_comes_first_where_sms_is_the_habit(client, employee):
    client.set_cookie("lang", "zh_CN")
    rate(client, employee)
    page = client.get("/v", headers={"Accept-Language": "zh-CN"}).text
    assert _method_order(page) == ['name="phone"', 'name="email"', 'name="receipt_code"']


def test_sms_first_follows_the_setting(make_app):
    from tests.factories import make_employee

    app = make_app(SMS_FIRST_LOCALES=("en",))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        rate(client, employee)
        assert _method_order(client.get("/v").text)[0] == 'name="phone"'
