"""Bytes that are not UTF-8 are refused with a message on their field, the draft kept.

Werkzeug would keep `comment=%FF%FE` as the text "%FF%FE"; a customer who types
"%FF%FE" sends `%25FF%25FE`, and that text is stored as typed.
"""

from urllib.parse import urlencode

import pytest

from core.extensions import db
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path, rate

UNREADABLE = "Some characters could not be read"


def _draft(client, employee, **extra) -> dict:
    return {
        "overall": "4",
        "dim_attitude": "5",
        "surprise": "y",
        "surprise_text": "Walked me to the ATM",
        "consent": "y",
        **extra,
    }


def _post_raw(client, employee, fields: dict, raw_pair: bytes):
    """POST the card form with one name=value pair written as raw body bytes."""
    body = urlencode(fields).encode() + b"&" + raw_pair
    return client.post(
        card_path(employee), data=body, content_type="application/x-www-form-urlencoded"
    )


def _assert_draft_kept(page: str) -> None:
    assert 'name="overall" value="4" checked' in page
    assert 'name="dim_attitude" value="5" checked' in page
    assert '<input checked id="surprise"' in page
    assert '<input checked id="consent"' in page
    assert "Walked me to the ATM" in page


@pytest.mark.parametrize(
    ("raw_pair", "shown"),
    [
        (b"comment=%FF%FE", "\ufffd\ufffd"),
        (b"comment=Great+service+%E4%BD", "Great service \ufffd"),  # a cut character
        (b"comment=Great+\xff+service", "Great \ufffd service"),  # raw bytes, unescaped
    ],
)
def test_comment_with_bytes_that_are_not_utf8_is_refused_and_the_draft_kept(
    client, employee, raw_pair, shown
):
    response = _post_raw(client, employee, _draft(client, employee), raw_pair)
    assert response.status_code == 422
    page = response.text
    assert UNREADABLE in page
    assert shown in page  # the comment comes back, the unreadable bytes marked
    assert "%FF" not in page
    _assert_draft_kept(page)
    assert all_ratings() == []


@pytest.mark.parametrize("comment", ["Worth 100%FF%FE", "50% off, 100%!", "服务很好 %E4"])
def test_comment_with_percent_text_is_stored_as_typed(client, employee, comment):
    response = rate(client, employee, comment=comment)
    assert response.status_code == 302, response.text
    [rating] = all_ratings()
    assert rating.comment == comment


def test_surprise_text_with_bytes_that_are_not_utf8_is_refused(client, employee):
    fields = _draft(client, employee, comment="Quick and kind")
    del fields["surprise_text"]
    response = _post_raw(client, employee, fields, b"surprise_text=%C0%AF")
    assert response.status_code == 422
    assert UNREADABLE in response.text
    assert "Quick and kind" in response.text
    assert all_ratings() == []


def test_refused_with_csrf_on_where_the_form_is_read_before_the_view(make_app):
    """With CSRF on for admin and staff, the customer form needs no token and its raw
    body still reaches the view's own decoding."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        employee = make_employee(display_name="Alice Wang")
        db.session.commit()
        client = app.test_client()
        assert 'name="csrf_token"' not in client.get(card_path(employee)).text
        fields = {"overall": "4"}
        response = _post_raw(client, employee, fields, b"comment=%FF%FE")
        assert response.status_code == 422
        assert UNREADABLE in response.text
        assert all_ratings() == []


def test_other_customer_forms_refuse_them_too(client, employee):
    assert rate(client, employee).status_code == 302
    response = client.post(
        "/v/email",
        data=b"email=%FFme%40example.com",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert UNREADABLE in response.text
