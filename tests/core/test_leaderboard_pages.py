"""A leaderboard page: the whole ranking's rows, cut to one page, dimensions of that page only."""

import gc

from core.services.ratings.leaderboard import employee_standing, leaderboard, leaderboard_page
from scoring.rankings import ranking_order
from tests.factories import make_branch, make_counted_rating, make_employee


def rate(employee, *overalls, period="2026-11", **kw):
    for overall in overalls:
        make_counted_rating(employee, overall=overall, period_key=period, **kw)


def staff(app):
    """Five ranked (one with a dimension), one unranked (too few), one ranked last period."""
    app.config["SCORE_MIN_COUNT"] = 3
    branch = make_branch(name="Main")
    people = [make_employee(display_name=f"E{n}", branch=branch) for n in range(6)]
    for n, employee in enumerate(people[:5]):
        rate(employee, *([5] * (n + 1) + [3] * 3), stars={"attitude": 4})
    rate(people[5], 5)
    rate(people[0], 5, 5, 5, period="2026-10")
    return people


def test_pages_cut_the_whole_board(app):
    staff(app)
    board = leaderboard("2026-11")
    pages = [leaderboard_page("2026-11", page=n, per_page=4) for n in (1, 2)]
    assert [p.rows for p in pages] == [board[:4], board[4:]]
    assert [(p.page, p.pages, p.total) for p in pages] == [(1, 2, 6), (2, 2, 6)]


def test_a_page_out_of_range_is_the_nearest_page(app):
    staff(app)
    assert leaderboard_page("2026-11", page=9, per_page=4).page == 2
    assert leaderboard_page("2026-11", page=-3, per_page=4).page == 1


def test_a_page_keeps_ranks_changes_and_dimensions_of_its_rows(app):
    people = staff(app)
    [last_ranked, unranked] = leaderboard_page("2026-11", page=3, per_page=2).rows[:2]
    assert (last_ranked.rank, last_ranked.employee_id, last_ranked.change) == (5, people[0].id, -4)
    assert last_ranked.dimensions == {"attitude": 4.0}
    assert (unranked.rank, unranked.employee_id, unranked.dimensions) == (None, people[5].id, {})


def test_a_branch_page_ranks_within_the_branch(app):
    other = make_branch(name="Other")
    people = staff(app)
    rate(make_employee(display_name="Far", branch=other), 5, 5, 5, 5)
    rows = leaderboard_page("2026-11", other.id).rows
    assert [(r.rank, r.name) for r in rows] == [(1, "Far")]
    assert leaderboard_page("2026-11").total == len(people) + 1


def test_an_empty_period_has_one_empty_page(app):
    assert leaderboard_page("2026-11") == leaderboard_page("2026-11", page=2)
    assert (leaderboard_page("2026-11").pages, leaderboard_page("2026-11").rows) == (1, [])


def test_standing_rows_are_the_boards_rows(app):
    people = staff(app)
    standing = employee_standing(people[5].id, "2026-11")
    assert standing.overall == leaderboard("2026-11")[5]
    assert standing.in_branch == leaderboard("2026-11", people[5].branch_id)[5]
    assert (standing.ranked_overall, standing.ranked_in_branch) == (5, 5)


def test_cycle_collection_is_paused_while_ranking_and_restored_after(app, monkeypatch):
    staff(app)
    seen = []
    monkeypatch.setattr(
        "core.services.ratings.leaderboard.ranking_order",
        lambda scores, _real=ranking_order: seen.append(gc.isenabled()) or _real(scores),
    )
    leaderboard_page("2026-11")
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        leaderboard_page("2026-11")
        assert not gc.isenabled()
    finally:
        gc.enable()
