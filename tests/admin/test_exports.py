"""CSV exports: formula injection neutralised in every column, BOM, Chinese, branch scope."""

import csv
import io

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
