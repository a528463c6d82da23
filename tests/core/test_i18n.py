import pytest

from core.i18n import safe_local_target


def test_accept_language_chinese_gives_chinese_page(client):
    response = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "服务之星" in response.text


def test_default_locale_is_english(client):
    response = client.get("/")
    assert '<html lang="en">' in response.text


def test_language_switch_is_remembered_in_a_cookie(client):
    response = client.get("/lang/zh_CN?next=/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "服务之星" in client.get("/", headers={"Accept-Language": "en"}).text


def test_unknown_language_is_ignored(client):
    client.get("/lang/xx?next=/")
    assert '<html lang="en">' in client.get("/").text


def test_page_offers_a_visible_switch(client):
    html = client.get("/").text
    assert "简体中文" in html and "/lang/zh_CN" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_language_switch_never_redirects_off_site(target):
    assert safe_local_target(target, "/fallback") == "/fallback"


def test_local_target_is_kept():
    assert safe_local_target("/C/ABC?x=1", "/") == "/C/ABC?x=1"


def test_untranslated_404_page_is_in_customer_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert "找不到页面" in response.text
