"""An employee's own contacts in the admin form: hashed, shown masked, added and removed."""

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Employee, EmployeeIdentity
from core.services.ratings.identity import identity_hash
from tests.factories import add_staff_contact, make_employee, make_rating


def _new(client, branch, **fields):
    db.session.commit()
    data = {"branch_id": branch.id, "display_name": "Li Lei", **fields}
    return client.post("/admin/employees/new", data=data)


def test_new_employee_keeps_contacts_as_hashes_with_masked_hints(admin_client, branch_a):
    response = _new(
        admin_client, branch_a, emails="Li.Lei@Example.com\n", phones="138 1234 5678\n139 1234 5678"
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(EmployeeIdentity).order_by(EmployeeIdentity.hint)).all()
    assert {r.identity_hash for r in rows} == {
        identity_hash("email", "li.lei@example.com"),
        identity_hash("phone", "+8613812345678"),
        identity_hash("phone", "+8613912345678"),
    }
    assert sorted(r.hint for r in rows) == ["+86 •••• 5678", "+86 •••• 5678", "l•••@example.com"]


def test_contacts_are_shown_masked_never_in_full(admin_client, branch_a):
    _new(admin_client, branch_a, emails="li.lei@example.com", phones="13812345678")
    employee = db.session.scalar(select(Employee))
    for path in (f"/admin/employees/{employee.id}", f"/admin/employees/{employee.id}/edit"):
        page = admin_client.get(path).text
        assert "l•••@example.com" in page and "+86 •••• 5678" in page
        assert "li.lei@example.com" not in page and "13812345678" not in page
    audit = db.session.scalars(select(AuditEntry)).all()
    assert "li.lei@example.com" not in str([(a.before, a.after) for a in audit])
    assert "l•••@example.com" in str([a.after for a in audit])


def test_an_invalid_phone_is_explained_next_to_the_field_and_nothing_is_lost(
    admin_client, branch_a
):
    response = _new(admin_client, branch_a, emails="li.lei@example.com", phones="12345")
    assert response.status_code == 400
    page = response.text
    assert 'id="phones-error"' in page and "12345: Enter a valid mobile number." in page
    assert "li.lei@example.com</textarea>" in page and "12345</textarea>" in page
    assert "Li Lei" in page
    assert db.session.scalar(select(Employee)) is None


def test_a_contact_of_another_employee_is_refused(admin_client, branch_a):
    other = make_employee(branch=branch_a, display_name="Wang Fang")
    add_staff_contact(other, "phone", "13812345678")
    db.session.commit()
    response = _new(admin_client, branch_a, phones="+86 138 1234 5678")
    assert response.status_code == 400
    assert "+86 •••• 5678 already belongs to another employee." in response.text
    assert "Wang Fang" not in response.text
    assert db.session.scalar(select(Employee).where(Employee.display_name == "Li Lei")) is None


def test_edit_adds_and_removes_contacts(admin_client, branch_a):
    employee = make_employee(branch=branch_a, display_name="Li Lei")
    old = add_staff_contact(employee, "phone", "13812345678")
    kept = add_staff_contact(employee, "email", "li@example.com")
    db.session.commit()
    response = admin_client.post(
        f"/admin/employees/{employee.id}/edit",
        data={
            "branch_id": branch_a.id,
            "display_name": "Li Lei",
            "remove_contacts": [old],
            "phones": "13912345678",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    hashes = set(db.session.scalars(select(EmployeeIdentity.identity_hash)))
    assert hashes == {kept, identity_hash("phone", "+8613912345678")}
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.before["contacts"] == ["email:l•••@example.com", "phone:+86 •••• 5678"]
    assert entry.after["contacts"] == ["email:l•••@example.com", "phone:+86 •••• 5678"]


def test_ratings_given_before_the_contact_was_recorded_are_flagged(admin_client, branch_a):
    employee = make_employee(branch=branch_a)
    staff_phone = identity_hash("phone", "+8613812345678")
    earlier = make_rating(employee, customer_hash=staff_phone, comment="by a colleague")
    customer = make_rating(employee, customer_hash=identity_hash("phone", "+8613912345678"))
    db.session.commit()
    before = admin_client.get("/admin/feedback?staff_contact=y")
    assert f'/admin/feedback/{earlier.id}"' not in before.text
    colleague = make_employee(branch=branch_a)
    db.session.commit()
    saved = admin_client.post(
        f"/admin/employees/{colleague.id}/edit",
        data={"branch_id": branch_a.id, "display_name": colleague.display_name,
              "phones": "13812345678"},
    )  # fmt: skip
    assert saved.status_code == 302
    flagged = admin_client.get("/admin/feedback?staff_contact=y")
    assert f'/admin/feedback/{earlier.id}"' in flagged.text
    assert f'/admin/feedback/{customer.id}"' not in flagged.text
    assert "Rated with a staff contact" in flagged.text
    assert "Rated with a staff contact" in admin_client.get(f"/admin/feedback/{earlier.id}").text
    assert (
        "Rated with a staff contact" not in admin_client.get(f"/admin/feedback/{customer.id}").text
    )
