"""The card page as a customer meets it: the fold, names in every script, polish."""

import re
from pathlib import Path

import pytest

from core.extensions import db
from tests.factories import make_employee

ARABIC = "محمد 123 علي"
LONG = "W" * 80
CATALOGUE = Path(__file__).resolve().parents[2] / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _details(page: str) -> str:
    return re.search(r"<details[^>]*>", page).group(0)


def test_a_fresh_card_page_folds_the_optional_parts(client, employee):
    page = client.get(f"/C/{employee.card_token}").get_data(as_text=True)

    assert _details(page) == '<details class="more">'
    folded = page.split("<details", 1)[1].split("</details>", 1)[0]
    for name in ('name="comment"', 'name="surprise"', 'name="surprise_text"', 'name="consent"'):
        assert name in folded
    assert 'name="overall"' not in folded
    assert page.index("</details>") < page.index('type="submit"')


@pytest.mark.parametrize(
    "sent",
    [
        {"overall": "5", "comment": "x" * 1001},  # an error in the fold
        {"overall": "", "comment": "Kind."},  # data in the fold, error outside it
        {"overall": "", "surprise": "y"},
    ],
)
def test_the_fold_opens_when_a_field_in_it_has_data_or_an_error(client, employee, sent):
    answer = client.post(f"/C/{employee.card_token}", data=sent)

    assert answer.status_code == 422
    assert _details(answer.get_data(as_text=True)) == '<details class="more" open>'


def test_a_surprise_description_sent_back_is_shown_without_the_tick(client, employee):
    sent = {"overall": "", "surprise_text": "Carried my bags."}
    page = client.post(f"/C/{employee.card_token}", data=sent).get_data(as_text=True)

    assert 'class="reveal shown"' in page


@pytest.mark.parametrize("name", [ARABIC, LONG, "<b>Eve</b>"])
def test_the_name_is_isolated_and_escaped_in_the_page_and_its_title(app, client, name):
    employee = make_employee(display_name=name, title="مدير 2")
    db.session.commit()

    page = client.get(f"/C/{employee.card_token}").get_data(as_text=True)

    escaped = name.replace("<", "&lt;").replace(">", "&gt;")
    assert f"<h1><bdi>{escaped}</bdi></h1>" in page
    assert f"<title>Rate \u2068{escaped}\u2069</title>" in page
    assert "<bdi>مدير 2</bdi> · <bdi>" in page


def test_the_page_links_a_favicon_that_is_served(client, employee):
    page = client.get(f"/C/{employee.card_token}").get_data(as_text=True)

    hrefs = [*re.findall(r'<link rel="icon" href="([^"]+)"', page), "/favicon.ico"]
    for href in hrefs:
        with client.get(href) as icon:
            assert (icon.status_code, icon.mimetype.startswith("image/")) == (200, True), href


def test_customer_pages_have_a_meta_description(client, employee):
    for url in ("/", f"/C/{employee.card_token}"):
        page = client.get(url).get_data(as_text=True)
        assert re.search(r'<meta name="description" content="[^"]{20,}">', page), url


def test_without_organisation_settings_nothing_extra_shows(client, employee):
    page = client.get(f"/C/{employee.card_token}").get_data(as_text=True)

    assert 'class="org"' not in page
    assert client.get("/brand/logo").status_code == 404


def test_the_organisation_name_and_logo_show_on_the_card_page(make_app, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    app = make_app(ORGANISATION_NAME="Harbour Bank", ORGANISATION_LOGO=str(logo))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        page = client.get(f"/C/{employee.card_token}").get_data(as_text=True)
        src = re.search(r'<p class="org"><img src="([^"]+)"', page).group(1)
        with client.get(src) as image:
            served = (image.status_code, image.mimetype, image.data)

    assert "<bdi>Harbour Bank</bdi>" in page
    assert src.startswith("/brand/logo?v=")
    assert served == (200, "image/png", PNG)
    assert image.cache_control.max_age >= 365 * 24 * 3600


def test_a_logo_setting_to_a_missing_file_shows_no_broken_image(make_app, tmp_path):
    app = make_app(ORGANISATION_LOGO=str(tmp_path / "missing.png"))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        page = app.test_client().get(f"/C/{employee.card_token}").get_data(as_text=True)

    assert "/brand/logo" not in page


def test_the_chinese_catalogue_addresses_the_customer_as_nin():
    msgstrs = [
        line
        for line in CATALOGUE.read_text(encoding="utf-8").splitlines()
        if line.startswith("msgstr")
    ]
    assert msgstrs
    assert [line for line in msgstrs if "你" in line] == []


def test_a_surprise_claim_needs_the_customers_description(client, employee):
    sent = {"overall": "5", "surprise": "y", "surprise_text": "  ", "comment": "Lovely."}
    answer = client.post(f"/C/{employee.card_token}", data=sent)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Tell us what they did beyond the usual service." in page
    assert 'class="reveal shown"' in page, "the description box stays open"
    assert "Lovely." in page
    assert re.search(r'<input[^>]*id="overall-5"[^>]*checked', page), "the stars stay chosen"
