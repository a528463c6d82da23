"""record_change and record_created: the audit log reads the changes from the row itself."""

from core.extensions import db
from core.models import Role
from core.services.audit import changes, record_change, record_created
from tests.factories import make_branch, make_user


def test_only_changed_columns_are_logged_before_and_after(app):
    branch = make_branch(name="Old", address="1 Road")
    db.session.commit()
    branch.name, branch.address = "New", "1 Road"

    entry = record_change("branch.update", branch)

    assert (entry.target_type, entry.target_id) == ("branch", str(branch.id))
    assert (entry.before, entry.after) == ({"name": "Old"}, {"name": "New"})


def test_a_value_set_while_expired_is_read_back_from_the_database(app):
    branch = make_branch(name="Old")
    db.session.commit()  # expires the row: the session no longer holds "Old"
    branch.name = "New"

    assert changes(branch) == ({"name": "Old"}, {"name": "New"})


def test_a_changed_hash_is_logged_as_changed_never_as_its_value(app):
    user = make_user(Role.MANAGER)
    db.session.commit()
    old_hash = user.password_hash
    user.password_hash = "new-hash"

    before, after = changes(user)

    assert (before, after) == ({}, {"password_hash_changed": True})
    assert old_hash not in str(before)


def test_a_many_to_many_list_is_logged_as_sorted_ids(app):
    first, second = make_branch(), make_branch()
    user = make_user(Role.MANAGER, branches=[first])
    db.session.commit()
    user.branches = [second, first]

    assert changes(user) == (
        {"branch_ids": [first.id]},
        {"branch_ids": sorted([first.id, second.id])},
    )


def test_a_new_row_logs_all_its_values_but_no_secret(app):
    branch = make_branch()
    user = make_user(Role.MANAGER, name="Mia", branches=[branch])

    entry = record_created("user.create", user)

    assert entry.before is None
    assert entry.after["name"] == "Mia" and entry.after["role"] == "manager"
    assert entry.after["branch_ids"] == [branch.id]
    assert "password_hash" not in entry.after and user.password_hash not in str(entry.after)
