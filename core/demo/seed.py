"""Demo data, so a newcomer can try everything within a minute of the first start."""

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from core.database import begin_write
from core.demo.campaign import seed_demo_campaign
from core.demo.improvement import seed_demo_improvement
from core.demo.notices import seed_demo_objection
from core.demo.ratings import seed_demo_ratings, seed_demo_tiers
from core.demo.rewards import seed_demo_rewards
from core.extensions import db
from core.models import Branch, Employee, Role, User
from core.services.people.cards import readable_card_url
from core.services.people.employees import private_link_for_secret
from core.services.people.users import create_user, normalise_login_email
from core.services.ratings.receipt_codes import seed_demo_receipt_codes
from core.services.tokens import card_token, sha256_hex, url_secret

DEMO_ADMIN_EMAIL = "admin@example.com"
# branch name -> (staff number, display name, title)
DEMO_PEOPLE = {
    "Riverside": [
        ("D001", "王芳 Wang Fang", "Customer Service Advisor"),
        ("D002", "Li Lei", "Teller"),
        ("D003", "Chen Jing 陈静", "Branch Manager"),
    ],
    "Harbour Square": [
        ("D004", "Maria Santos", "Advisor"),
        ("D005", "张伟 Zhang Wei", "Teller"),
        ("D006", "Tom Becker", "Receptionist"),
    ],
}


@dataclass
class DemoSummary:
    """What the demo created, for the command to print."""

    admin_email: str = DEMO_ADMIN_EMAIL
    # None when the admin account existed already (its password is left alone).
    admin_password: str | None = None
    employees: list[Employee] = field(default_factory=list)
    card_url: str = ""
    private_link: str = ""
    # Lines other demo steps want printed.
    notes: list[str] = field(default_factory=list)


def demo_is_needed() -> bool:
    """True on a database without employees."""
    return db.session.scalar(select(Employee.id).limit(1)) is None


def _branch(name: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.name == name))
    if branch is None:
        branch = Branch(name=name)
        db.session.add(branch)
    return branch


def _employee(branch: Branch, staff_no: str, display_name: str, title: str) -> Employee:
    employee = db.session.scalar(
        select(Employee).where(Employee.branch_id == branch.id, Employee.staff_no == staff_no)
    )
    if employee is None:
        employee = Employee(
            branch=branch,
            staff_no=staff_no,
            display_name=display_name,
            title=title,
            card_token=card_token(),
        )
        db.session.add(employee)
        db.session.flush()
    return employee


def _admin(summary: DemoSummary) -> None:
    email = normalise_login_email(DEMO_ADMIN_EMAIL)
    if db.session.scalar(select(User.id).where(User.email == email)) is None:
        summary.admin_password = secrets.token_urlsafe(12)
        create_user(email, summary.admin_password, Role.ADMIN, name="Demo admin")


def _seed_people(summary: DemoSummary) -> None:
    for branch_name, people in DEMO_PEOPLE.items():
        branch = _branch(branch_name)
        db.session.flush()
        summary.employees += [_employee(branch, *person) for person in people]
    _admin(summary)
    first = summary.employees[0]
    secret = url_secret()
    first.page_token_hash = sha256_hex(secret)
    summary.card_url = readable_card_url(first)
    summary.private_link = private_link_for_secret(secret)


def seed_demo() -> DemoSummary:
    """Create demo branches, employees and an admin account (existing ones are kept)."""
    begin_write()
    summary = DemoSummary()
    _seed_people(summary)
    db.session.commit()
    # Other areas append their demo steps here: each takes the summary, may add
    # summary.notes, and commits its own rows.
    campaign = seed_demo_campaign(summary.notes)
    seed_demo_ratings(summary.notes)
    if campaign is not None:
        seed_demo_improvement(campaign, summary.notes)
    seed_demo_objection(summary.notes)
    seed_demo_tiers(summary.notes)
    seed_demo_rewards(summary.notes)
    seed_demo_receipt_codes(summary.notes)
    return summary
