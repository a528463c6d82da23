"""Never locked out by a shared address: a branch's customers behind one address all
rate, nobody's wrong guesses lock out another customer, and a limit keeps the place.

On the real limit storage (Redis) and two app instances (workers) where it matters,
with the default limits of core/config.py.
"""

import time

import pytest

from core.extensions import db
from core.models import RatingClaim, RatingStatus
from core.services.ratings.receipt_codes import mint_receipt_codes
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path, rate
from tests.portal.limit_storage import (
    client_at,
    session_of,
    unique_address,
    unique_ipv6_network,
    workers,
)

CUSTOMERS = 300
# One customer in TYPO_EVERY types a wrong receipt code first, then the right one.
TYPO_EVERY = 20
# Well inside the RECEIPT_GUESS_LIMIT of 30 per hour; a guess of the one alphabet.
WRONG_RECEIPT = "ZZZZ-ZZZZ-ZZ"


def test_300_customers_behind_one_address_all_rate_within_the_hour(make_app):
    apps = workers(make_app)
    address = unique_address()  # the branch's guest Wi-Fi
    with apps[0].app_context():
        employees = [make_employee(display_name=f"Teller {n}") for n in range(3)]
        db.session.commit()
        receipts, _expires = mint_receipt_codes(CUSTOMERS)
        started = time.monotonic()
        for index, receipt in enumerate(receipts):
            customer = client_at(apps[index % 2], address)
            employee = employees[index % len(employees)]
            # The scan (GET, never limited) is left out to keep the test fast: each
            # customer posts its own draft, as after a scan.
            form = {"overall": "5", "comment": f"Customer {index}"}
            assert customer.post(card_path(employee), data=form).status_code == 302
            if index % TYPO_EVERY == 0:
                typo = customer.post("/v/receipt", data={"receipt_code": WRONG_RECEIPT})
                assert typo.status_code == 422, typo.status_code
            answer = customer.post("/v/receipt", data={"receipt_code": receipt})
            assert answer.status_code == 302, (index, answer.status_code)
            assert answer.location.endswith("/v/thanks")
        assert time.monotonic() - started < 3600
        verified = [r for r in all_ratings() if r.status is RatingStatus.VERIFIED]
        assert len(verified) == CUSTOMERS


def test_a_receipt_guesser_cannot_lock_out_another_customer(make_app):
    apps = workers(make_app)
    with apps[0].app_context():
        employee = make_employee()
        db.session.commit()
        [valid], _expires = mint_receipt_codes(1)
        attacker_address = unique_address()
        # From one address, rotating pending ratings, until the address is refused.
        statuses = []
        for index in range(40):
            attacker = client_at(apps[index % 2], attacker_address)
            rate(attacker, employee)
            statuses.append(
                attacker.post("/v/receipt", data={"receipt_code": WRONG_RECEIPT}).status_code
            )
        assert statuses == [422] * 30 + [429] * 10
        # From rotating addresses, one pending rating, until the rating is refused.
        first = client_at(apps[0], unique_address())
        rate(first, employee)
        pending = session_of(first)
        statuses = [
            client_at(apps[index % 2], unique_address(), pending)
            .post("/v/receipt", data={"receipt_code": WRONG_RECEIPT})
            .status_code
            for index in range(31)
        ]
        assert statuses == [422] * 30 + [429]
        honest = client_at(apps[1], unique_address())
        rate(honest, employee)
        answer = honest.post("/v/receipt", data={"receipt_code": valid})
        assert answer.status_code == 302
        assert answer.location.endswith("/v/thanks")


def test_right_receipt_codes_do_not_count_as_guesses(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RECEIPT_GUESS_LIMIT="2 per hour")
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        codes, _expires = mint_receipt_codes(4)
        address = unique_address()
        for code in codes:
            customer = client_at(app, address)
            rate(customer, employee)
            assert customer.post("/v/receipt", data={"receipt_code": code}).status_code == 302


@pytest.fixture
def tight(make_app):
    """Small limits, to reach them in a few requests."""
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATING_POST_LIMIT="1 per hour",
        CODE_SEND_LIMIT="1 per hour",
        CODE_CHECK_LIMIT="1 per hour",
    )
    with app.app_context():
        employee = make_employee(display_name="Alice Wang")
        db.session.commit()
        yield app, employee


def test_a_limited_rating_post_shows_the_form_again_with_what_was_typed(tight):
    app, employee = tight
    client = client_at(app, unique_address())
    assert rate(client, employee).status_code == 302
    data = {
        "overall": "2",
        "dim_attitude": "1",
        "comment": "The queue was long but she was kind",
        "consent": "y",
    }
    response = client.post(card_path(employee), data=data)
    assert response.status_code == 429
    assert 3500 <= int(response.headers["Retry-After"]) <= 3601
    assert "Please send yours again in 1 hour" in response.text
    assert "The queue was long but she was kind</textarea>" in response.text
    assert 'value="2" checked' in response.text or 'checked value="2"' in response.text
    assert "Back to the start" not in response.text


@pytest.mark.parametrize(
    ("path", "data", "back"),
    [
        ("/v/sms", {"phone": "13812345678"}, "/v"),
        ("/v/receipt", {"receipt_code": WRONG_RECEIPT}, "/v"),
        ("/v/code", {"code": "000000"}, "/v/code"),
    ],
)
def test_a_limited_verification_step_links_back_with_the_draft_kept(
    tight, sms_outbox, path, data, back
):
    app, employee = tight
    client = client_at(app, unique_address())
    rate(client, employee, comment="My careful words")
    client.post(path, data=data)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Please try again in 1 hour: your rating is kept" in response.text
    assert f'href="{back}"' in response.text
    assert "Back to the start" not in response.text
    page = client.get(back)
    assert page.status_code == 200
    assert "My careful words" in page.text
    assert all_ratings()[0].status is RatingStatus.PENDING
    assert db.session.scalar(db.select(RatingClaim)) is None


def test_an_ipv6_64_counts_as_one_client_across_workers(make_app, sms_outbox):
    apps = workers(make_app, CODE_SEND_LIMIT="3 per hour")
    network = unique_ipv6_network()
    with apps[0].app_context():
        employee = make_employee()
        db.session.commit()
        statuses = []
        for index in range(4):
            # Any address of the same /64, on either worker: one client.
            customer = client_at(apps[index % 2], str(network[index * 7919 + 1]))
            rate(customer, employee)
            statuses.append(
                customer.post("/v/sms", data={"phone": f"1381234567{index}"}).status_code
            )
        assert statuses == [302, 302, 302, 429]
        neighbour = client_at(apps[1], str(next(unique_ipv6_network().hosts())))
        rate(neighbour, employee)
        assert neighbour.post("/v/sms", data={"phone": "13912345678"}).status_code == 302
