"""The card page: who is rated, the rating form, and the states of a card."""

import pytest

from core.extensions import db
from core.models import RatingStatus, RetiredCardToken, SurpriseStatus
from core.services.people.employees import rotate_card_token
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path, rate


def test_card_page_shows_employee_and_form(client, employee):
    response = client.get(card_path(employee))
    assert response.status_code == 200
    assert "Alice Wang" in response.text
    assert "Teller" in response.text
    assert employee.branch.name in response.text
    for name in ("overall", "dim_attitude", "dim_skill", "dim_efficiency", "comment", "consent"):
        assert f'name="{name}"' in response.text


def test_lowercase_path_and_token_open_the_card(client, employee):
    response = client.get(f"/c/{employee.card_token.lower()}")
    assert response.status_code == 200
    assert "Alice Wang" in response.text


def test_stars_are_labelled_radios_in_reverse_order(client, employee):
    text = client.get(card_path(employee)).text
    positions = [text.index(f'id="overall-{n}"') for n in (5, 4, 3, 2, 1)]
    assert positions == sorted(positions)
    assert '<label for="overall-1"><span class="sr">1 star</span></label>' in text
    assert '<label for="overall-5"><span class="sr">5 stars</span></label>' in text
    assert "<legend>Overall satisfaction" in text


def test_card_page_sends_no_referrer(client, employee):
    response = client.get(card_path(employee))
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_card_is_a_clear_404(client):
    response = client.get("/C/AAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert "Card not found" in response.text


def test_rotated_card_says_no_longer_valid(client, employee):
    old_token = employee.card_token
    rotate_card_token(employee)
    db.session.commit()
    assert db.session.get(RetiredCardToken, old_token) is not None
    response = client.get(f"/C/{old_token}")
    assert response.status_code == 410
    assert "no longer valid" in response.text


def test_inactive_employee_takes_no_ratings(client, app):
    employee = make_employee(active=False)
    db.session.commit()
    response = client.get(card_path(employee))
    assert response.status_code == 404
    assert "Not taking ratings" in response.text
    assert 'name="overall"' not in response.text


def test_post_to_rotated_card_stores_nothing(client, employee):
    path = card_path(employee)
    rotate_card_token(employee)
    db.session.commit()
    response = client.post(path, data={"overall": "5"})
    assert response.status_code == 410
    assert all_ratings() == []


def test_rating_is_stored_pending_and_redirects_to_verification(client, employee):
    response = rate(client, employee, surprise="y", surprise_text="Walked me to the ATM")
    assert response.status_code == 302
    assert response.location.endswith("/v")
    [rating] = all_ratings()
    assert rating.status is RatingStatus.PENDING
    assert rating.overall == 4
    assert {s.dimension: s.stars for s in rating.stars} == {
        "attitude": 5, "skill": 4, "efficiency": 3
    }  # fmt: skip
    assert rating.surprise_status is SurpriseStatus.CLAIMED
    assert rating.surprise_text == "Walked me to the ATM"
    assert rating.customer_hash is None
    assert rating.locale == "en"


def test_chinese_customer_rating_keeps_its_locale(client, employee):
    client.set_cookie("lang", "zh_CN")
    rate(client, employee, comment="服务很好 👍")
    [rating] = all_ratings()
    assert rating.locale == "zh_CN"
    assert rating.comment == "服务很好 👍"


def test_dimensions_are_optional(client, employee):
    response = rate(client, employee, dim_attitude=None, dim_skill=None, dim_efficiency=None)
    assert response.status_code == 302
    [rating] = all_ratings()
    assert rating.stars == []


def test_resubmitting_the_same_form_makes_no_second_rating(client, employee):
    first = rate(client, employee)
    second = rate(client, employee)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert len(all_ratings()) == 1


def test_form_comes_back_with_what_was_typed_after_a_pending_rating(client, employee):
    rate(client, employee, overall="2", comment="Long wait")
    page = client.get(card_path(employee)).text
    assert 'value="2" checked' in page
    assert "Long wait" in page


def test_configured_dimensions_replace_the_defaults(make_app):
    app = make_app(RATING_DIMENSIONS=(("tidy", "Tidiness"),))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        text = app.test_client().get(card_path(employee)).text
    assert 'name="dim_tidy"' in text
    assert "Tidiness" in text
    assert 'name="dim_attitude"' not in text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"overall": None}, "overall", "Choose how many stars"),
        ({"overall": ""}, "overall", "Choose how many stars"),
        ({"overall": "0"}, "overall", "Choose from 1 to 5 stars"),
        ({"overall": "6"}, "overall", "Choose from 1 to 5 stars"),
        ({"overall": "-1"}, "overall", "Choose from 1 to 5 stars"),
        ({"overall": "4.5"}, "overall", "Choose from 1 to 5 stars"),
        ({"overall": "five"}, "overall", "Choose from 1 to 5 stars"),
        ({"overall": "٣"}, "overall", "Choose from 1 to 5 stars"),
        ({"dim_skill": "9"}, "dim_skill", "Choose from 1 to 5 stars"),
        ({"comment": "x" * 1001}, "comment", "1,000 characters or fewer"),
        ({"surprise_text": "y" * 501}, "surprise_text", "500 characters or fewer"),
        ({"comment": "bad %FF bytes \ufffd here"}, "comment", "could not be read"),
        ({"website": "http://spam.example"}, "website", "could not accept"),
    ],
)
def test_bad_rating_input_is_refused_with_a_message(client, employee, fields, field, message):
    response = rate(client, employee, **fields)
    assert response.status_code == 422
    assert message in response.text
    assert all_ratings() == []


def test_refused_form_keeps_what_was_typed(client, employee):
    response = rate(client, employee, overall="9", comment="Kind <b>and</b> quick")
    assert response.status_code == 422
    assert "Kind &lt;b&gt;and&lt;/b&gt; quick" in response.text
    assert 'value="5" checked' in response.text  # the attitude stars typed


def test_repeated_field_is_refused(client, employee):
    data = {"overall": ["5", "1"]}
    response = client.post(card_path(employee), data=data)
    assert response.status_code == 422
    assert "sent more than once" in response.text
    assert all_ratings() == []


def test_nul_bytes_are_stripped_from_the_comment(client, employee):
    response = rate(client, employee, comment="fine\x00 service\x07")
    assert response.status_code == 302
    [rating] = all_ratings()
    assert rating.comment == "fine service"


def test_invalid_utf8_in_multipart_body_is_refused(client, employee):
    boundary = "XyZ"
    parts = [("overall", b"4"), ("comment", b"ok \xff\xfe")]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        card_path(employee), data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    assert "could not be read" in response.text
    assert all_ratings() == []


def test_raw_invalid_utf8_urlencoded_body_is_refused(client, employee):
    response = client.post(
        card_path(employee),
        data=b"overall=4&comment=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert all_ratings() == []


def test_oversized_body_gets_the_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=10_000)
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        response = app.test_client().post(
            card_path(employee), data={"overall": "5", "comment": "x" * 20_000}
        )
        assert response.status_code == 413
        assert "too large" in response.text
        assert all_ratings() == []


def test_comment_is_escaped_when_shown(client, employee):
    rate(client, employee, comment="<script>alert(1)</script>")
    page = client.get("/v").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_card_page_and_css_fit_in_14_kb_gzipped(client, employee):
    import gzip

    html = client.get(card_path(employee)).data
    with client.get("/static/css/site.css") as response:
        css = response.data
    assert len(gzip.compress(html)) + len(gzip.compress(css)) <= 14 * 1024
    assert b"<script" not in html


def test_card_photo_is_served_for_an_active_card(client, employee):
    from core.services.people.photos import store_photo

    employee.photo = store_photo(b"\xff\xd8fake-jpeg")
    db.session.commit()
    page = client.get(card_path(employee)).text
    assert f'src="/C/{employee.card_token}/photo"' in page
    with client.get(f"/C/{employee.card_token}/photo") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_card_photo_of_a_card_without_photo_is_404(client, employee):
    assert client.get(f"/C/{employee.card_token}/photo").status_code == 404
