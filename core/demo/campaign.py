"""A demo selection campaign, open for registration, that a newcomer can walk through."""

import secrets
from datetime import date, timedelta

from sqlalchemy import select

from core.demo.offline_votes import seed_demo_offline_votes
from core.demo.place_rewards import seed_demo_place_rewards
from core.extensions import db
from core.models import Branch, Campaign, CampaignStage, Employee, Role, User
from core.services.campaign.registration import register_employee
from core.services.campaign.setup import CampaignData, create_campaign, set_panel
from core.services.people.users import create_user, normalise_login_email

DEMO_CAMPAIGN_NAME = "Service Star selection (demo)"
DEMO_JUDGE_EMAIL = "judge@example.com"
DEMO_MANAGER_EMAIL = "manager@example.com"
DEMO_HIGHLIGHTS = [
    "Stayed after closing to help an elderly customer finish a transfer.",
    "Explained the new app to a queue of customers during the outage.",
    "Followed up by phone with every customer who rated us low this month.",
    "Trained two new colleagues on the complaint process.",
]


def _account(email: str, role: Role, name: str, branches, notes: list[str]) -> User:
    """The demo account, created with a printed password when it does not exist yet."""
    user = db.session.scalar(select(User).where(User.email == normalise_login_email(email)))
    if user is None:
        password = secrets.token_urlsafe(12)
        user = create_user(email, password, role, name=name, branches=branches)
        db.session.commit()
        notes.append(f"{name}: {email} / {password}")
    return user


def _active_staff(branch: Branch) -> list[Employee]:
    """The branch's active employees, oldest first."""
    return list(
        db.session.scalars(
            select(Employee)
            .where(Employee.branch_id == branch.id, Employee.active.is_(True))
            .order_by(Employee.id)
        )
    )


def seed_demo_campaign(notes: list[str]) -> Campaign | None:
    """Create the demo campaign (once) with four registrations and judge panels.

    It stays in its registration stage: the admin advances it stage by stage, staff vote
    and self-evaluate from their private pages, the manager and judge score candidates.
    The demo manager runs the first branch only; the second branch takes part without a
    manager, so its candidate shows the admin (on the dashboard and the campaign page)
    whose supervisor evaluation only an admin can give before the round can close.
    Lines worth printing (accounts, where to look) are appended to `notes`.
    """
    if db.session.scalar(select(Campaign.id).where(Campaign.name == DEMO_CAMPAIGN_NAME)):
        return None
    branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
    if not branches:
        return None
    first_branch = branches[0]
    manager = _account(DEMO_MANAGER_EMAIL, Role.MANAGER, "Demo manager", [first_branch], notes)
    judge = _account(DEMO_JUDGE_EMAIL, Role.JUDGE, "Demo judge", [], notes)
    today = date.today()
    data = CampaignData(
        name=DEMO_CAMPAIGN_NAME,
        branch_ids=[b.id for b in branches],
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=30),
        registration_closes_on=today + timedelta(days=7),
        second_round_on=today + timedelta(days=14),
        final_on=today + timedelta(days=21),
        preliminary_pass=4,
        second_pass=2,
        winners=1,
        ballot_size=2,
        vote_threshold=2,
        min_ratings=0,
    )
    campaign = create_campaign(data, actor=None)
    entrants = _active_staff(first_branch)[: len(DEMO_HIGHLIGHTS) - 1]
    unmanaged = branches[1:2]
    for branch in unmanaged:
        entrants += _active_staff(branch)[:1]
    for employee, highlights in zip(entrants, DEMO_HIGHLIGHTS, strict=False):
        register_employee(campaign, employee, highlights)
    for round_ in (CampaignStage.SECOND, CampaignStage.FINAL):
        set_panel(campaign, round_, [judge.id], None)
    if entrants:
        seed_demo_offline_votes(campaign, first_branch.id, manager, notes)
    seed_demo_place_rewards(db.session.get(Campaign, campaign.id), notes)
    notes.append(
        f"Demo campaign '{campaign.name}' at /admin/campaigns/{campaign.id}: "
        f"{manager.email} evaluates {first_branch.name}'s candidates, {judge.email} judges."
    )
    for branch in unmanaged:
        notes.append(
            f"{branch.name} has no manager: the admin's dashboard lists it, and the admin "
            "evaluates its candidate in the second round and the final."
        )
    return campaign
