"""Demo data: a training action on the first demo candidate's weakest criterion."""

from datetime import date, timedelta

from sqlalchemy import select

from core.demo.campaign import DEMO_MANAGER_EMAIL
from core.extensions import db
from core.models import Campaign, Registration, User
from core.services.campaign.improvement import assign_action, improvement_plan


def seed_demo_improvement(campaign: Campaign, notes: list[str]) -> None:
    """After the demo ratings: the manager's action for the first candidate (none unscored)."""
    first = db.session.scalars(
        select(Registration).filter_by(campaign_id=campaign.id).order_by(Registration.id)
    ).first()
    manager = db.session.scalar(select(User).filter_by(email=DEMO_MANAGER_EMAIL))
    if first is None or manager is None:
        return
    plan = improvement_plan(campaign, first.employee)
    if not plan.weakest:
        return
    criterion, _score = plan.weakest[0]
    assign_action(
        campaign,
        first.employee,
        criterion,
        "Two shifts shadowing the branch's best-rated colleague, then a talk with the manager.",
        date.today() + timedelta(days=30),
        manager,
    )
    notes.append(
        f"Improvement plans at /admin/campaigns/{campaign.id}/improvement (an action for "
        f"{first.employee.display_name}); the campaign's review at "
        f"/admin/campaigns/{campaign.id}/retrospective."
    )
