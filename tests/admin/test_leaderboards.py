"""Leaderboards per period and per branch, with rank change; managers see their branches."""

from core.extensions import db
from core.services.people.employees import issue_private_link
from core.services.periods import current_period_key
from scoring.periods import previous_period_key
from tests.factories import make_counted_rating, make_employee


def _periods() -> tuple[str, str]:
    """(this period, the one before)."""
    now = current_period_key()
    return now, previous_period_key(now)


def _rate(employee, period: str, stars: list[int]) -> None:
    for star in stars:
        make_counted_rating(employee, star, period_key=period)


def _rows(text: str) -> list[str]:
    body = text.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in body.split("<tr>")[1:]]


def test_ranking_of_a_past_period_with_rank_change(admin_client, branch_a, branch_b):
    now_key, before_key = _periods()
    climber = make_employee(display_name="Climber", branch=branch_a)
    faller = make_employee(display_name="Faller", branch=branch_b)
    _rate(climber, before_key, [3, 3, 3, 3])
    _rate(faller, before_key, [5, 5, 5, 5])
    _rate(climber, now_key, [5, 5, 5, 5])
    _rate(faller, now_key, [2, 2, 2, 2])
    db.session.commit()

    now = admin_client.get("/admin/leaderboard").get_data(as_text=True)
    before = admin_client.get(f"/admin/leaderboard?period={before_key}").get_data(as_text=True)

    first, second = _rows(now)
    assert "Climber" in first and "up 1" in first
    assert "Faller" in second and "down 1" in second
    assert "Faller" in _rows(before)[0] and "new" in _rows(before)[0]


def test_one_branchs_ranking(admin_client, branch_a, branch_b):
    make_employee(display_name="Ada", branch=branch_a)
    bo = make_employee(display_name="Bo", branch=branch_b)
    _rate(bo, _periods()[0], [4, 4, 4])
    db.session.commit()

    text = admin_client.get(f"/admin/leaderboard?branch={branch_b.id}").get_data(as_text=True)

    assert [("Bo" in row) for row in _rows(text)] == [True]


def test_a_manager_sees_only_their_branch(manager_client, branch_a, branch_b):
    mine = make_employee(display_name="Mine", branch=branch_a)
    theirs = make_employee(display_name="Theirs", branch=branch_b)
    _rate(mine, _periods()[0], [4, 4, 4])
    _rate(theirs, _periods()[0], [5, 5, 5])
    db.session.commit()

    default = manager_client.get("/admin/leaderboard").get_data(as_text=True)
    other = manager_client.get(f"/admin/leaderboard?branch={branch_b.id}")

    assert "Mine" in default and "Theirs" not in default
    assert other.status_code == 404


def test_an_unknown_period_is_not_found(admin_client):
    assert admin_client.get("/admin/leaderboard?period=1999-01").status_code == 404


def test_an_employee_sees_their_own_rank_change(app, client, branch_a):
    now_key, before_key = _periods()
    employee = make_employee(display_name="Climber", branch=branch_a)
    rival = make_employee(display_name="Rival", branch=branch_a)
    _rate(employee, before_key, [3, 3, 3])
    _rate(rival, before_key, [5, 5, 5])
    _rate(employee, now_key, [5, 5, 5])
    _rate(rival, now_key, [3, 3, 3])
    db.session.commit()
    path = issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])

    text = client.get(path).get_data(as_text=True)

    assert "Since last period</dt><dd>up 1</dd>" in text
