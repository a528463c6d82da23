"""A campaign edit keeps every changed setting, before and after, in the audit log."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry
from core.services.campaign.setup import update_campaign
from tests.campaign.conftest import campaign_data
from tests.factories import make_branch


def _last_update() -> AuditEntry:
    query = select(AuditEntry).filter_by(action="campaign.update").order_by(AuditEntry.id.desc())
    return db.session.scalars(query).first()


def test_an_edit_logs_each_changed_setting_before_and_after(make_campaign, branch):
    other = make_branch(name="Station")
    data = campaign_data([branch])
    campaign = make_campaign([branch])
    closes = data.starts_on + timedelta(days=3)

    update_campaign(
        campaign,
        replace(
            data,
            registration_closes_on=closes,
            preliminary_pass=4,
            branch_ids=[branch.id, other.id],
        ),
        actor=None,
    )

    entry = _last_update()
    assert entry.before == {
        "registration_closes_on": None,
        "preliminary_pass": 10,
        "branch_ids": [branch.id],
    }
    assert entry.after == {
        "registration_closes_on": closes.isoformat(),
        "preliminary_pass": 4,
        "branch_ids": sorted([branch.id, other.id]),
    }


def test_an_edit_that_changes_nothing_logs_no_field(make_campaign, branch):
    campaign = make_campaign([branch])

    update_campaign(campaign, campaign_data([branch]), actor=None)

    entry = _last_update()
    assert (entry.before, entry.after) == ({}, {})
