"""The card lane (portal/card_lane.py): a cookie-less scan answered again without Flask,
within CARD_PAGE_TRUST_SECONDS, exactly as Flask answered it; everything else goes on
to Flask."""

import json

import pytest

from core.extensions import db
from tests.factories import make_employee
from tests.portal.flow import card_path

TRUST = 5
# Headers that differ between any two answers: each request has its own id.
PER_REQUEST = {"x-request-id"}


@pytest.fixture
def lane(make_app, monkeypatch):
    """Two apps on one database: one with the lane (trusting a scan for TRUST seconds), one
    without (Flask answers every request); `flask_calls` counts requests Flask handled."""
    now = [1000.0]
    monkeypatch.setattr("portal.card_lane.time.monotonic", lambda: now[0])
    with_lane = make_app(CARD_PAGE_TRUST_SECONDS=TRUST)
    without = make_app(CARD_PAGE_TRUST_SECONDS=0)
    calls = []
    with_lane.before_request(lambda: calls.append(1))
    with with_lane.app_context():
        employee = make_employee(display_name="Alice Wang")
        db.session.commit()
        path = card_path(employee)

    class Lane:
        app, plain, flask_calls, clock = with_lane, without, calls, now

        @staticmethod
        def scan(url=path, app=with_lane, **headers):
            return app.test_client().get(url, headers=headers)

        @staticmethod
        def rename(name):
            with with_lane.app_context():
                db.session.get(type(employee), employee.id).display_name = name
                db.session.commit()

    Lane.path = path
    return Lane


def _headers(response) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in response.headers if k.lower() not in PER_REQUEST)


def test_a_repeated_scan_is_answered_without_flask(lane):
    first = lane.scan()
    assert len(lane.flask_calls) == 1
    again = lane.scan()
    assert len(lane.flask_calls) == 1  # the lane answered
    assert again.status_code == 200
    assert again.data == first.data
    assert _headers(again) == _headers(first)
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_the_lane_answers_what_flask_answers(lane):
    lane.scan()
    from_lane = lane.scan()
    from_flask = lane.scan(app=lane.plain)
    assert from_lane.data == from_flask.data
    assert _headers(from_lane) == _headers(from_flask)
    # The strict headers too: the envelope adds them to what the lane answers.
    assert "default-src 'self'" in from_lane.headers["Content-Security-Policy"]
    assert from_lane.headers["X-Frame-Options"] == "DENY"
    assert from_lane.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in from_lane.headers


def test_a_matching_etag_gets_the_same_304_as_from_flask(lane):
    etag = lane.scan().headers["ETag"]
    from_lane = lane.scan(**{"If-None-Match": etag})
    assert len(lane.flask_calls) == 1
    from_flask = lane.scan(app=lane.plain, **{"If-None-Match": etag})
    assert from_lane.status_code == from_flask.status_code == 304
    assert from_lane.data == b""
    assert _headers(from_lane) == _headers(from_flask)


def test_a_stale_etag_gets_the_page(lane):
    lane.scan()
    response = lane.scan(**{"If-None-Match": '"0123456789abcdef"'})
    assert response.status_code == 200
    assert "Alice Wang" in response.text


@pytest.mark.parametrize(
    "request_kind",
    ["cookie", "query", "head", "other language", "lower-case path"],
)
def test_anything_else_goes_on_to_flask(lane, request_kind):
    lane.scan(**{"Accept-Language": "en"})
    client = lane.app.test_client()
    if request_kind == "cookie":
        client.set_cookie("lang", "zh_CN")
        response = client.get(lane.path, headers={"Accept-Language": "en"})
    elif request_kind == "query":
        response = client.get(lane.path + "?from=poster", headers={"Accept-Language": "en"})
    elif request_kind == "head":
        response = client.head(lane.path, headers={"Accept-Language": "en"})
    elif request_kind == "other language":
        response = client.get(lane.path, headers={"Accept-Language": "zh-CN"})
        assert "服务" in response.text or "评价" in response.text
    else:
        response = client.get(lane.path.lower(), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert len(lane.flask_calls) == 2


def test_a_refused_card_is_never_kept(lane):
    unknown = "/C/ABCDEFGHJKLMNPQR"
    assert lane.scan(unknown).status_code == 404
    assert lane.scan(unknown).status_code == 404
    assert len(lane.flask_calls) == 2


def test_an_edit_shows_once_the_window_is_over(lane):
    lane.scan()
    lane.rename("Alice Chen")
    lane.clock[0] += TRUST - 1
    assert "Alice Wang" in lane.scan().text  # still trusted
    lane.clock[0] += 2
    assert "Alice Chen" in lane.scan().text
    assert len(lane.flask_calls) == 2


def test_each_answer_from_the_lane_is_logged_by_its_route(lane, capsys):
    etag = lane.scan().headers["ETag"]
    capsys.readouterr()
    lane.scan()
    lane.scan(**{"If-None-Match": etag})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line]
    requests = [line for line in lines if line.get("event") == "request"]
    assert [(line["route"], line["endpoint"], line["status"]) for line in requests] == [
        ("/C/<token>", "portal.card", 200),
        ("/C/<token>", "portal.card", 304),
    ]
    assert lane.path.split("/")[-1] not in json.dumps(requests)


def test_a_browser_that_keeps_revalidating_refills_the_lane(lane):
    etag = lane.scan().headers["ETag"]
    lane.clock[0] += TRUST + 1
    assert lane.scan(**{"If-None-Match": etag}).status_code == 304  # Flask asked again
    assert len(lane.flask_calls) == 2
    assert lane.scan(**{"If-None-Match": etag}).status_code == 304
    assert len(lane.flask_calls) == 2  # the lane answered


def test_behind_a_proxy_each_scheme_has_its_own_answer(make_app):
    app = make_app(CARD_PAGE_TRUST_SECONDS=TRUST, PROXY_FIX_HOPS=1)
    with app.app_context():
        path = card_path(make_employee())
        db.session.commit()
    secure = {"X-Forwarded-Proto": "https"}
    for _ in range(2):  # through Flask, then from the lane
        assert "Strict-Transport-Security" in app.test_client().get(path, headers=secure).headers
        assert "Strict-Transport-Security" not in app.test_client().get(path).headers
