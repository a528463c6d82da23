"""Campaign fixtures: a campaign over today's dates, candidates with ratings, rounds opened."""

from datetime import UTC, date, datetime, timedelta

import pytest

from core.extensions import db
from core.models import CampaignStage, Role
from core.services.campaign.registration import register_employee
from core.services.campaign.results import stage_gaps, stage_results
from core.services.campaign.setup import CampaignData, create_campaign
from core.services.campaign.stages import advance_stage
from core.services.campaign.waivers import waive_source
from tests.factories import make_branch, make_employee, make_rating, make_user

# Every stage weighs customers only: for tests about stages, not about their sources.
CUSTOMER_ONLY = {stage: {"customer": 100} for stage in ("preliminary", "second", "final")}


def rate(employee, overall: int = 5, times: int = 3):
    """Verified ratings of the employee, verified now (inside the campaign's dates)."""
    for _ in range(times):
        make_rating(employee, overall, verified_at=datetime.now(UTC), score=float(overall))
    db.session.commit()


def waive_gaps(campaign, actor=None) -> None:
    """Waive every source the open round's candidates lack, so the round can close."""
    actor = actor or make_user(Role.ADMIN)
    db.session.commit()
    for employee, sources in stage_gaps(stage_results(campaign, campaign.stage)):
        for source in sources:
            waive_source(campaign, employee, source, "Not given in this test.", actor)


def campaign_data(branches, **kw) -> CampaignData:
    today = date.today()
    return CampaignData(
        name=kw.pop("name", "Service Star 2026"),
        branch_ids=[b.id for b in branches],
        starts_on=kw.pop("starts_on", today - timedelta(days=30)),
        ends_on=kw.pop("ends_on", today + timedelta(days=30)),
        **kw,
    )


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, and the locale is chosen per request."""
    with app.test_request_context():
        yield


@pytest.fixture
def branch(app):
    return make_branch(name="Harbour")


@pytest.fixture
def make_campaign(app):
    """Create a campaign through the service (defaults: the plan's weights)."""

    def factory(branches, **kw):
        db.session.commit()  # services start a fresh write transaction
        return create_campaign(campaign_data(branches, **kw), actor=None)

    return factory


@pytest.fixture
def second_round(make_campaign, branch):
    """A campaign in its second round with three candidates of one branch and two voters."""
    candidates = [make_employee(branch=branch, display_name=n) for n in ("Ann", "Bo", "Cy")]
    voters = [make_employee(branch=branch, display_name=n) for n in ("Dee", "Eve")]
    for stars, candidate in zip((5, 4, 3), candidates, strict=True):
        rate(candidate, stars)
    db.session.commit()
    campaign = make_campaign([branch], preliminary_pass=3, second_pass=2, vote_threshold=2)
    for candidate in candidates:
        register_employee(campaign, candidate, "I helped.")
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    assert campaign.stage is CampaignStage.SECOND
    return campaign, candidates, voters


@pytest.fixture
def manager_of(app):
    """A manager of the given branches."""

    def factory(*branches):
        user = make_user(Role.MANAGER, branches=list(branches))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def texts(monkeypatch):
    """SMS sent by the phone-vote path: a list of (number, text)."""
    sent = []
    monkeypatch.setattr(
        "core.services.ratings.code_delivery.send_sms", lambda to, text: sent.append((to, text))
    )
    return sent
