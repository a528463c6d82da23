"""CLI: receipt code batches, expiring pending ratings, purging contacts."""

import csv
from datetime import timedelta

from core.extensions import db
from core.models import RatingStatus, ReceiptCode, utcnow
from core.services.ratings.receipt_codes import normalise_code
from tests.factories import make_branch, make_employee, make_rating


def test_generate_writes_csv_and_sheet(runner, tmp_path, app):
    branch = make_branch(name="North")
    db.session.commit()
    csv_path, sheet_path = tmp_path / "codes.csv", tmp_path / "codes.html"
    result = runner.invoke(
        args=["receipt-codes", "generate", "5", "--branch", str(branch.id),
              "--csv", str(csv_path), "--sheet", str(sheet_path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 5
    assert all(normalise_code(row["code"]) for row in rows)
    assert {row["branch_id"] for row in rows} == {str(branch.id)}
    sheet = sheet_path.read_text(encoding="utf-8")
    assert all(row["code"] in sheet for row in rows)
    assert "North" in sheet
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(ReceiptCode.id))) == 5


def test_generate_refuses_an_unknown_branch_and_bad_counts(runner, tmp_path):
    path = str(tmp_path / "x.csv")
    unknown = runner.invoke(
        args=["receipt-codes", "generate", "3", "--branch", "99", "--csv", path]
    )
    assert unknown.exit_code == 2
    assert "no branch with id 99" in unknown.output
    zero = runner.invoke(args=["receipt-codes", "generate", "0", "--csv", path])
    assert zero.exit_code == 2
    assert db.session.scalar(db.select(db.func.count(ReceiptCode.id))) == 0


def test_expire_pending_expires_only_old_pending_ratings(runner, app):
    employee = make_employee()
    old = make_rating(employee, status=RatingStatus.PENDING, contact="+8613812345678")
    old.created_at = utcnow() - timedelta(hours=25)
    fresh = make_rating(employee, status=RatingStatus.PENDING)
    verified = make_rating(employee)
    verified.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    result = runner.invoke(args=["expire-pending"])
    assert result.exit_code == 0, result.output
    assert "1 pending ratings expired" in result.output
    db.session.rollback()
    assert old.status is RatingStatus.EXPIRED
    assert old.contact is None
    assert fresh.status is RatingStatus.PENDING
    assert verified.status is RatingStatus.VERIFIED


def test_purge_contacts_forgets_contacts_past_retention(make_app):
    app = make_app(CONTACT_RETENTION_DAYS=30)
    with app.app_context():
        employee = make_employee()
        old = make_rating(employee, consent_contact=True, contact="old@example.com")
        old.created_at = utcnow() - timedelta(days=31)
        recent = make_rating(employee, consent_contact=True, contact="new@example.com")
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["purge-contacts"])
        assert result.exit_code == 0, result.output
        assert "1 customer contacts purged" in result.output
        db.session.rollback()
        assert old.contact is None
        assert recent.contact == "new@example.com"


def test_demo_seeds_receipt_codes_that_verify(app):
    from core.services.ratings.receipt_codes import seed_demo_receipt_codes

    notes = []
    seed_demo_receipt_codes(notes)
    [note] = notes
    codes = note.split(": ", 1)[1].split(", ")
    assert len(codes) == 5
    assert all(normalise_code(code) for code in codes)
    assert db.session.scalar(db.select(db.func.count(ReceiptCode.id))) == 5
