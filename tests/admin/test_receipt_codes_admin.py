"""Printing a batch of receipt codes from the admin area: scoped, shown once, audited."""

from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, RatingStatus, ReceiptCode, Role
from core.services.ratings.receipt_codes import verify_with_receipt
from core.services.ratings.till_codes import receipt_url, till_url
from tests.factories import make_employee, make_rating, make_user
from tests.portal.qr_images import decoded_svg, svgs_in

CODE_CELL = "<code>"


def _codes(page: str) -> list[str]:
    return [cell.split("</code>")[0] for cell in page.split(CODE_CELL)[1:]]


def _codes_stored() -> int:
    return db.session.scalar(select(func.count(ReceiptCode.id)))


def test_manager_prints_codes_for_an_employee_and_each_qr_opens_their_card(
    manager_client, branch_a, manager
):
    alice = make_employee(branch=branch_a, display_name="Alice Wang", staff_no="A017")
    db.session.commit()

    response = manager_client.post(
        "/admin/receipt-codes",
        data={"branch_id": branch_a.id, "employee_id": alice.id, "count": 3},
    )

    page = response.get_data(as_text=True)
    codes = _codes(page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert len(codes) == len(svgs_in(page)) == _codes_stored() == 3
    for code, svg in zip(codes, svgs_in(page), strict=True):
        assert decoded_svg(svg) == till_url(alice, code)
    rows = db.session.scalars(select(ReceiptCode)).all()
    assert {(r.branch_id, r.employee_id) for r in rows} == {(branch_a.id, alice.id)}


def test_a_printed_code_verifies_a_rating(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    page = manager_client.post(
        "/admin/receipt-codes", data={"branch_id": branch_a.id, "employee_id": 0, "count": 2}
    ).get_data(as_text=True)
    code = _codes(page)[0]
    assert decoded_svg(svgs_in(page)[0]) == receipt_url(code)
    rating = make_rating(employee, status=RatingStatus.PENDING)
    db.session.commit()

    verified = verify_with_receipt(rating.id, code)

    assert verified.status is RatingStatus.VERIFIED


def test_the_batch_is_audited_without_the_codes(manager_client, branch_a, manager):
    alice = make_employee(branch=branch_a, staff_no="A017")
    db.session.commit()

    page = manager_client.post(
        "/admin/receipt-codes",
        data={"branch_id": branch_a.id, "employee_id": 0, "staff_no": "A017", "count": 4},
    ).get_data(as_text=True)

    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "receipt_codes.mint")
    ).one()
    assert entry.user_id == manager.id and entry.target_type == "branch"
    assert entry.target_id == str(branch_a.id)
    assert entry.after["count"] == 4 and entry.after["employee_id"] == alice.id
    logged = str(entry.before) + str(entry.after)
    for code in _codes(page):
        assert code not in logged and code.replace("-", "") not in logged


def test_another_branchs_manager_is_refused(manager_client, branch_b):
    make_employee(branch=branch_b)
    db.session.commit()

    response = manager_client.post(
        "/admin/receipt-codes", data={"branch_id": branch_b.id, "employee_id": 0, "count": 2}
    )

    assert response.status_code == 404
    assert _codes_stored() == 0


def test_an_employee_of_another_branch_is_refused_and_the_typing_kept(
    manager_client, branch_a, branch_b, manager
):
    manager.branches.append(branch_b)
    bo = make_employee(branch=branch_b, display_name="Bo Chen")
    db.session.commit()

    response = manager_client.post(
        "/admin/receipt-codes",
        data={"branch_id": branch_a.id, "employee_id": bo.id, "count": 17, "days": 9},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose an active employee of this branch." in page
    assert 'value="17"' in page and 'value="9"' in page
    assert f'<option selected value="{bo.id}">' in page
    assert _codes_stored() == 0


def test_an_unknown_staff_number_is_refused(manager_client, branch_a):
    db.session.commit()
    response = manager_client.post(
        "/admin/receipt-codes",
        data={"branch_id": branch_a.id, "employee_id": 0, "staff_no": "NOPE", "count": 2},
    )
    assert response.status_code == 400
    assert "NOPE" in response.get_data(as_text=True)
    assert _codes_stored() == 0


def test_the_count_is_bounded(admin_client, branch_a):
    db.session.commit()
    for count in (0, 10_001):
        response = admin_client.post(
            "/admin/receipt-codes",
            data={"branch_id": branch_a.id, "employee_id": 0, "count": count},
        )
        assert response.status_code == 400
    assert _codes_stored() == 0


def test_judges_may_not_print_codes(client, login_as, branch_a):
    login_as(make_user(Role.JUDGE))
    assert client.get("/admin/receipt-codes").status_code == 403


def test_the_form_offers_only_the_managers_branches_and_active_staff(
    manager_client, branch_a, branch_b
):
    make_employee(branch=branch_a, display_name="Here")
    make_employee(branch=branch_a, display_name="Gone", active=False)
    make_employee(branch=branch_b, display_name="Elsewhere")
    db.session.commit()

    page = manager_client.get("/admin/receipt-codes").get_data(as_text=True)

    assert "Here" in page and "Gone" not in page and "Elsewhere" not in page
    assert "Branch B" not in page
