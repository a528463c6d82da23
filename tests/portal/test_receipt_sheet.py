"""The printable receipt-code batch: a one-time QR per code, and where it leads."""

import csv
from urllib.parse import urlsplit

from core.extensions import db
from core.models import RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import mint_receipt_codes
from core.services.ratings.till_codes import receipt_url, till_url
from tests.factories import make_branch, make_employee
from tests.portal.flow import all_ratings, rate
from tests.portal.qr_images import decoded_svg, svgs_in

VERIFIED_NOTICE = "Verified for this visit by your receipt"


def _generate(runner, tmp_path, *options):
    csv_path, sheet_path = tmp_path / "codes.csv", tmp_path / "codes.html"
    result = runner.invoke(
        args=["receipt-codes", "generate", "3", *options,
              "--csv", str(csv_path), "--sheet", str(sheet_path)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8").splitlines()))
    return rows, sheet_path.read_text(encoding="utf-8")


def test_sheet_for_a_serving_employee_has_a_qr_of_their_card_per_code(runner, tmp_path, app):
    alice = make_employee(display_name="Alice Wang", staff_no="A017")
    db.session.commit()
    binding = ("--branch", str(alice.branch_id), "--staff-no", "A017")
    rows, sheet = _generate(runner, tmp_path, *binding)
    images = svgs_in(sheet)
    assert len(images) == len(rows) == 3
    for row, image in zip(rows, images, strict=True):
        assert row["url"] == till_url(alice, row["code"])
        assert decoded_svg(image) == row["url"]
        assert row["code"] in sheet
    db.session.rollback()
    assert {r.employee_id for r in db.session.scalars(db.select(ReceiptCode))} == {alice.id}


def test_sheet_of_a_branch_leads_to_who_served_then_thanks(runner, tmp_path, app):
    alice = make_employee(display_name="Alice Wang")
    make_employee(branch=alice.branch, display_name="Bo Chen")
    make_employee(display_name="Carl Elsewhere")
    db.session.commit()
    rows, sheet = _generate(runner, tmp_path, "--branch", str(alice.branch_id))
    first = rows[0]
    assert decoded_svg(svgs_in(sheet)[0]) == first["url"] == receipt_url(first["code"])
    client = app.test_client()
    scan = client.get(urlsplit(first["url"]).path)
    assert scan.status_code == 303
    assert urlsplit(scan.location).path == "/R"
    people = client.get(scan.location)
    assert people.status_code == 200
    assert "Alice Wang" in people.text and "Bo Chen" in people.text
    assert "Carl Elsewhere" not in people.text
    assert VERIFIED_NOTICE in client.get(f"/C/{alice.card_token}").text
    assert rate(client, alice, overall="5").location.endswith("/v/thanks")
    assert all_ratings()[0].status is RatingStatus.VERIFIED


def test_receipt_qr_of_an_employee_opens_their_card(client, employee):
    [code], _expires = mint_receipt_codes(1, employee=employee)
    scan = client.get(urlsplit(receipt_url(code)).path)
    assert scan.status_code == 303
    assert urlsplit(scan.location).path == f"/C/{employee.card_token}"
    assert VERIFIED_NOTICE in client.get(scan.location).text


def test_used_receipt_qr_is_refused_on_the_home_page(client, employee, app):
    [code], _expires = mint_receipt_codes(1)
    path = urlsplit(receipt_url(code)).path
    client.get(path)
    rate(client, employee)
    again = app.test_client()
    scan = again.get(path)
    assert urlsplit(scan.location).path == "/"
    page = again.get("/")
    assert "This receipt code has already been used." in page.text
    assert again.get("/R").status_code == 303  # nothing kept


def test_generate_refuses_an_unknown_staff_number(runner, tmp_path, app):
    branch = make_branch()
    db.session.commit()
    result = runner.invoke(
        args=["receipt-codes", "generate", "2", "--branch", str(branch.id), "--staff-no", "X",
              "--csv", str(tmp_path / "x.csv")]
    )  # fmt: skip
    assert result.exit_code == 2
    assert "No active employee has this staff number" in result.output
    assert db.session.scalar(db.select(db.func.count(ReceiptCode.id))) == 0
