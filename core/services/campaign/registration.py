"""Registering for a campaign: every employee once, with their service highlights."""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import Campaign, CampaignStage, Employee, Registration, User
from core.services.audit import record_audit
from core.services.campaign.rounds import CampaignError

HIGHLIGHTS_MAX = 2000


class AlreadyRegistered(CampaignError):
    """The employee is registered in this campaign already (once per campaign)."""


def register_employee(
    campaign: Campaign, employee: Employee, highlights: str, actor: User | None = None
) -> Registration:
    """Register an employee once, by themselves or by an admin (actor) on their behalf."""
    highlights = (highlights or "").strip()
    if campaign.stage is not CampaignStage.REGISTRATION:
        raise CampaignError(_("Registration for this campaign is closed."))
    if not employee.active or employee.branch_id not in campaign.branch_ids:
        raise CampaignError(_("This employee's branch does not take part in the campaign."))
    if not highlights:
        raise CampaignError(_("Describe your service highlights."), field="highlights")
    if len(highlights) > HIGHLIGHTS_MAX:
        raise CampaignError(_("At most %(n)d characters.", n=HIGHLIGHTS_MAX), field="highlights")
    begin_write()
    registration = Registration(
        campaign_id=campaign.id,
        employee_id=employee.id,
        highlights=highlights,
        registered_by_id=actor.id if actor else None,
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRegistered(_("Already registered for this campaign.")) from None
    if actor is not None:
        record_audit("campaign.register", "registration", registration.id, user=actor)
    db.session.commit()
    return registration
