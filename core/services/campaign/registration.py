"""Registering for a campaign: every employee once, with their service highlights.

Registration is open while the campaign is in its registration stage and, when the
campaign has a closing date, until the end of that site-local day (TIME_ZONE): the
closing date is the last day still open. After it, only an admin may register someone,
with a written reason that the registration and the audit log keep.
"""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.database import write_locked
from core.extensions import db
from core.models import Campaign, CampaignStage, Employee, Registration, User
from core.services.audit import record_audit
from core.services.campaign.rounds import CampaignError, checked_text
from core.services.periods import local_day

HIGHLIGHTS_MAX = 2000
LATE_REASON_MAX = 500


class AlreadyRegistered(CampaignError):
    """The employee is registered in this campaign already (once per campaign)."""


def past_closing_date(campaign: Campaign, moment: datetime | None = None) -> bool:
    """Whether the site-local day of `moment` (now) is after the registration closing date."""
    closes_on = campaign.registration_closes_on
    return closes_on is not None and local_day(moment or datetime.now(UTC)) > closes_on


def register_employee(
    campaign: Campaign,
    employee: Employee,
    highlights: str,
    actor: User | None = None,
    late_reason: str = "",
) -> Registration:
    """Register an employee once, by themselves or by an admin (actor) on their behalf.

    After the closing date only an admin registers, and only with a `late_reason`.
    """
    if campaign.stage is not CampaignStage.REGISTRATION:
        raise CampaignError(_("Registration for this campaign is closed."))
    late = past_closing_date(campaign)
    if late and actor is None:
        raise CampaignError(
            _("Registration closed on %(day)s.", day=campaign.registration_closes_on.isoformat())
        )
    missing_reason = _("Registration has closed: say why this employee is registered late.")
    late_reason = checked_text(
        late_reason, "late_reason", LATE_REASON_MAX, missing_reason if late else None
    )
    if not employee.active or employee.branch_id not in campaign.branch_ids:
        raise CampaignError(_("This employee's branch does not take part in the campaign."))
    highlights = checked_text(
        highlights, "highlights", HIGHLIGHTS_MAX, _("Describe your service highlights.")
    )
    write_locked(Campaign, campaign.id)  # the close of registration and this one take turns
    if campaign.stage is not CampaignStage.REGISTRATION:
        db.session.rollback()
        raise CampaignError(_("Registration for this campaign is closed."))
    registration = Registration(
        campaign_id=campaign.id,
        employee_id=employee.id,
        highlights=highlights,
        registered_by_id=actor.id if actor else None,
        late_reason=late_reason if late else "",
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRegistered(_("Already registered for this campaign.")) from None
    if actor is not None:
        after = {"late_reason": late_reason} if late else None
        record_audit("campaign.register", "registration", registration.id, None, after, user=actor)
    db.session.commit()
    return registration
