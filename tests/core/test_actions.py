"""core.actions.attempt: run a service action, show its refusal or flash its success."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from core.actions import attempt
from core.services import DomainError
from core.services.campaign.rounds import CampaignError


class NameForm(FlaskForm):
    name = StringField()
    note = StringField()


def refuse(error: Exception):
    def action():
        raise error

    return action


@pytest.fixture
def request_context(app):
    with app.test_request_context("/admin/example", method="POST"):
        yield


@pytest.mark.usefixtures("request_context")
def test_a_refusal_without_form_is_flashed_as_an_error():
    outcome = attempt(refuse(DomainError("Not now.")), "Done.")

    assert not outcome
    assert outcome.value is None
    assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]


@pytest.mark.usefixtures("request_context")
def test_a_refusal_goes_next_to_the_given_field_and_is_not_flashed():
    form = NameForm()
    form.validate()

    outcome = attempt(refuse(DomainError("Name taken.")), "Done.", form=form, field="name")

    assert not outcome
    assert form.name.errors == ["Name taken."]
    assert form.note.errors == []
    assert get_flashed_messages() == []


@pytest.mark.usefixtures("request_context")
def test_a_refusal_that_names_a_field_goes_next_to_that_field():
    form = NameForm()
    form.validate()

    attempt(refuse(CampaignError("Too long.", field="note")), "Done.", form=form, field="name")

    assert (form.name.errors, form.note.errors) == ([], ["Too long."])
    assert get_flashed_messages() == []


@pytest.mark.usefixtures("request_context")
def test_a_form_refusal_naming_no_field_is_flashed():
    form = NameForm()
    form.validate()

    attempt(refuse(CampaignError("This round is closed.")), "Done.", form=form)

    assert form.errors == {}
    assert get_flashed_messages(with_categories=True) == [("error", "This round is closed.")]


@pytest.mark.usefixtures("request_context")
def test_a_success_is_flashed_and_returns_the_result():
    outcome = attempt(lambda: 42, "Saved.")

    assert outcome
    assert outcome.value == 42
    assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]


@pytest.mark.usefixtures("request_context")
def test_a_success_message_can_be_made_from_the_result():
    attempt(lambda: "Ada", lambda name: f"{name} added.")

    assert get_flashed_messages(with_categories=True) == [("success", "Ada added.")]


@pytest.mark.usefixtures("request_context")
def test_no_success_message_flashes_nothing():
    assert attempt(lambda: None, None)
    assert get_flashed_messages() == []


@pytest.mark.usefixtures("request_context")
def test_other_exceptions_pass_through():
    with pytest.raises(ValueError, match="bug"):
        attempt(refuse(ValueError("bug")), "Done.")
    assert get_flashed_messages() == []
