"""CSV exports: formula injection neutralised in every column, BOM, Chinese, branch scope."""

import csv
import io
from datetime import UTC, datetime

import pytest

from core.extensions import db
from core.models import Role
from core.services.awards.winners import latest_snapshot
from core.services.exports import ledger_csv, ratings_csv, results_csv, write_safe_csv
from tests.factories import (
    give_points,
    make_branch,
    make_counted_rating,
    make_employee,
    make_published_award,
    make_user,
)

PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("x")']
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _assert_all_cells_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS) or _is_number(cell), repr(cell)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_write_safe_csv_neutralises_a_formula(app, payload):
    rows = _rows(write_safe_csv([[payload, 5, -3]], ["a", "b", "c"]))

    assert rows[1] == ["'" + payload, "5", "-3"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ratings_export_neutralises_every_text_column(app, payload):
    branch = make_branch(name=payload + " branch")
    employee = make_employee(branch=branch, display_name=payload, staff_no=payload)
    make_counted_rating(
        employee, 4, {"attitude": 5}, comment=payload, surprise_text=payload, reply=payload
    )

    rows = _rows(ratings_csv(None))

    assert len(rows) == 2
    _assert_all_cells_safe(rows)
    assert rows[1].count("'" + payload) == 5


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ledger_export_neutralises_every_text_column(app, payload):
    employee = make_employee(
        branch=make_branch(name=payload), display_name=payload, staff_no=payload
    )
    give_points(employee, 7)
    from core.services.points.ledger import adjust_points

    adjust_points(
        employee, -2, make_user(Role.ADMIN, email=f"x{len(payload)}@example.com"), payload
    )

    rows = _rows(ledger_csv(None))

    _assert_all_cells_safe(rows)
    assert [row[6] for row in rows[1:]] == ["7", "-2"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_results_export_neutralises_every_text_column(app, payload):
    employee = make_employee(branch=make_branch(name=payload), display_name=payload)
    make_counted_rating(employee, 5)
    winner = make_published_award(employee, citation=payload, name=payload)

    rows = _rows(results_csv(latest_snapshot(winner.category.period)))

    _assert_all_cells_safe(rows)
    assert "'" + payload in rows[1]


def test_chinese_text_survives_with_bom(app):
    employee = make_employee(branch=make_branch(name="北京分行"), display_name="王芳")
    make_counted_rating(employee, 5, comment="服务很好，谢谢！")

    data = ratings_csv(None)

    assert data.startswith("\ufeff".encode())
    assert "王芳" in data.decode("utf-8") and "服务很好，谢谢！" in data.decode("utf-8")


def test_manager_export_has_only_own_branches(manager_client, branch_a, branch_b):
    make_counted_rating(make_employee(branch=branch_a, display_name="Inside"), 5)
    make_counted_rating(make_employee(branch=branch_b, display_name="Outside"), 5)
    db.session.commit()

    response = manager_client.get("/admin/exports/ratings.csv")

    text = response.get_data().decode("utf-8-sig")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "Inside" in text and "Outside" not in text


def test_results_export_is_admin_only(manager_client, app):
    winner = make_published_award()
    db.session.commit()

    response = manager_client.get(f"/admin/exports/results/{winner.category.period_id}.csv")

    assert response.status_code == 403


def test_export_page_lists_the_downloads(admin_client):
    make_published_award(name="November")
    db.session.commit()

    response = admin_client.get("/admin/exports")

    assert response.status_code == 200
    assert "November" in response.get_data(as_text=True)


@pytest.fixture
def berlin(make_app):
    """An app whose site zone has daylight saving time (UTC+1 in winter, UTC+2 in summer)."""
    app = make_app(TIME_ZONE="Europe/Berlin")
    with app.app_context():
        yield app


def test_csv_times_are_in_the_site_zone_with_the_offset_of_their_day(berlin):
    employee = make_employee()
    moments = [
        datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
        datetime(2026, 7, 15, 12, 0, tzinfo=UTC),
        # The hour clocks repeat when summer time ends: 02:30 twice, told apart by the offset.
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ]
    for moment in moments:
        make_counted_rating(employee, 5, created_at=moment)

    rows = _rows(ratings_csv(None))

    assert rows[0][1:3] == ["created_at", "verified_at"]
    assert [row[1] for row in rows[1:]] == [
        "2026-01-15T13:00:00+01:00",
        "2026-07-15T14:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00",
    ]
    assert [row[2] for row in rows[1:]] == [row[1] for row in rows[1:]]
    assert [datetime.fromisoformat(row[1]) for row in rows[1:]] == moments


def test_ledger_csv_times_are_in_the_site_zone(berlin):
    give_points(make_employee(), 3)
    entry_time = datetime(2026, 7, 1, 22, 15, tzinfo=UTC)
    from core.models import PointsEntry

    db.session.execute(db.update(PointsEntry).values(created_at=entry_time))

    rows = _rows(ledger_csv(None))

    assert rows[1][1] == "2026-07-02T00:15:00+02:00"


def test_csv_score_is_rounded_as_the_feedback_page_shows_it(admin_client):
    # 4.725 is stored as 4.72499999...: "%.2f" would print 4.72, the pages' rule 4.73.
    rating = make_counted_rating(make_employee(), 5, {"attitude": 5})
    rating.score = 4.725
    db.session.commit()

    page = admin_client.get("/admin/feedback").get_data(as_text=True)
    rows = _rows(ratings_csv(None))

    assert "score 4.73" in page
    assert rows[0][9] == "score" and rows[1][9] == "4.73"


def test_results_csv_score_is_rounded_as_the_award_page_shows_it(app):
    from types import SimpleNamespace

    candidate = {"employee_id": 1, "rank": 1, "name": "A", "branch": "B", "score": 4.725}
    candidate |= {"count": 9, "surprises": 0, "eligible": True}
    category = {"name": "Star", "winners": [], "candidates": [candidate]}
    snapshot = SimpleNamespace(results={"period": {"name": "May"}, "categories": [category]})

    rows = _rows(results_csv(snapshot))

    assert rows[0][5] == "score" and rows[1][5] == "4.73"
