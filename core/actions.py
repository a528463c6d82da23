"""Run one service action for a view: show its refusal, or flash its success."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from core.forms import show_error
from core.services import DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """Whether the service agreed (the outcome is true then), and what it returned."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


def attempt(
    action: Callable[[], T],
    success: str | Callable[[T], str] | None,
    *,
    form: FlaskForm | None = None,
    field: str | None = None,
) -> Outcome[T]:
    """Run `action`; on success flash `success` (a text, or made from the action's result).

    A refusal (a DomainError) goes next to the form field it names (CampaignError.field),
    else next to `field`, else into an "error" flash. Any other exception passes through.
    """
    try:
        value = action()
    except DomainError as error:
        if form is None or not show_error(form, error):
            if field is None:
                flash(str(error), "error")
            else:
                form[field].errors = [*form[field].errors, str(error)]
        return Outcome(False)
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(True, value)
