"""Shared set-up of the offline-vote tests: a campaign with candidates, ballots, SMS captured."""

import re

from core.extensions import db
from core.models import Role
from core.services.campaign.ballots import print_batch
from core.services.campaign.registration import register_employee
from tests.factories import make_employee, make_user

PHONE = "13812345678"


def campaign_with_candidates(make_campaign, branch, names=("Ann", "Bo")):
    """A campaign in registration over `branch` with registered candidates; (campaign, them)."""
    candidates = [make_employee(branch=branch, display_name=n) for n in names]
    db.session.commit()
    campaign = make_campaign([branch], min_ratings=1)
    for candidate in candidates:
        register_employee(campaign, candidate, "I helped.")
    return campaign, candidates


def printed(campaign, branch, count: int = 2, actor=None):
    """A printed batch: (batch, codes, the admin who printed it)."""
    actor = actor or make_user(Role.ADMIN, name="Clerk Admin")
    db.session.commit()
    batch, codes = print_batch(campaign, branch.id, count, actor)
    return batch, codes, actor


def code_in(text: str) -> str:
    """The six digits of a texted code."""
    return re.search(r"[A-Z]-(\d{6})", text).group(1)
