"""admin.pages: the status of a form page, and the values of a paged list."""

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import InputRequired

from admin.pages import form_page, paged
from core.models import Branch
from tests.factories import make_branch

TEMPLATE = "admin/branches/form.html"


class NameForm(FlaskForm):
    name = StringField(validators=[InputRequired()])
    address = StringField()


@pytest.mark.parametrize(
    ("name", "failed", "status"), [("Mall", False, 200), ("", False, 400), ("Mall", True, 400)]
)
def test_form_page_is_400_when_the_form_has_errors_or_failed(app, name, failed, status):
    with app.test_request_context("/admin/branches/new", method="POST", data={"name": name}):
        form = NameForm()
        form.validate()
        _page, answered = form_page(TEMPLATE, form, failed=failed, branch=None)
    assert answered == status


def test_paged_keeps_the_other_query_values_for_the_page_links(app):
    for n in range(3):
        make_branch(name=f"Branch {n}")
    with app.test_request_context("/admin/branches?page=2&q=x"):
        values = paged(select(Branch).order_by(Branch.id), per_page=2)
    assert values["args"] == {"q": "x"}
    assert (values["page"].page, len(values["page"].items)) == (2, 1)
