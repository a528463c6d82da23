"""No silent zeros: a missing source blocks closing the round until given or waived."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, CampaignStage, Role
from core.models.campaign import SourceWaiver
from core.services.campaign.results import stage_gaps, stage_results
from core.services.campaign.rounds import CampaignError
from core.services.campaign.stages import StageHasGaps, advance_stage
from core.services.campaign.waivers import waivable_sources, waive_source
from tests.campaign.conftest import CUSTOMER_ONLY
from tests.campaign.test_stages import _registered
from tests.factories import make_user

SECOND_SOURCES = ["customer", "supervisor", "colleagues", "judges"]


@pytest.fixture
def admin(app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    return user


def _gaps(campaign) -> dict[str, list[str]]:
    results = stage_results(campaign, campaign.stage)
    return {e.display_name: sources for e, sources in stage_gaps(results)}


def test_the_gaps_name_each_candidate_and_what_they_lack(second_round):
    campaign, _candidates, _voters = second_round
    # Customers count; nobody evaluated, judged or voted (two voters are needed).
    lacking = ["supervisor", "colleagues", "judges"]
    assert _gaps(campaign) == {"Ann": lacking, "Bo": lacking, "Cy": lacking}


def test_colleague_votes_below_the_threshold_are_missing_and_can_be_waived(second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    assert "colleagues" in waivable_sources(campaign, ann)
    waive_source(campaign, ann, "colleagues", "Too few colleagues in this branch.", admin)
    assert "colleagues" not in _gaps(campaign)["Ann"]


def test_a_waiver_scales_the_other_weights_up_to_100(second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    for source in ("supervisor", "colleagues", "judges"):
        waive_source(campaign, ann, source, "Not available.", admin)
    (row,) = [r for r in stage_results(campaign, CampaignStage.SECOND) if r.employee.id == ann.id]
    lines = {line.source: line for line in row.result.lines}
    assert lines["customer"].weight == 100.0
    assert row.result.total == round(lines["customer"].raw, 2)
    assert [s for s, line in lines.items() if line.waived] == ["supervisor", "colleagues", "judges"]


def test_the_round_closes_once_every_gap_is_waived(second_round, admin):
    campaign, candidates, _voters = second_round
    with pytest.raises(StageHasGaps, match="Ann, Bo, Cy lack a source"):
        advance_stage(campaign, admin)
    for candidate in candidates:
        for source in ("supervisor", "colleagues", "judges"):
            waive_source(campaign, candidate, source, "Not available.", admin)
    assert advance_stage(campaign, admin) is CampaignStage.FINAL


def test_each_waiver_is_in_the_audit_log_with_its_reason(second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    waiver = waive_source(campaign, ann, "judges", "  The judge fell ill.  ", admin)
    entry = db.session.scalars(select(AuditEntry).filter_by(action="campaign.waive_source")).one()
    assert (entry.user_id, entry.target_id) == (admin.id, str(waiver.id))
    assert entry.after == {
        "campaign": campaign.id,
        "round": "second",
        "candidate": ann.id,
        "source": "judges",
        "reason": "The judge fell ill.",
    }
    assert (waiver.reason, waiver.created_by_id) == ("The judge fell ill.", admin.id)


@pytest.mark.parametrize(
    ("source", "reason", "field"),
    [
        ("judges", "   ", "reason"),
        ("judges", "x" * 501, "reason"),
        ("customer", "Ann has ratings.", "source"),  # present: nothing to waive
        ("self", "Not weighed in the second round.", "source"),
        ("boss", "No such source.", "source"),
    ],
)
def test_waivers_that_break_the_rules_are_refused(second_round, admin, source, reason, field):
    campaign, (ann, _bo, _cy), _voters = second_round
    with pytest.raises(CampaignError) as refused:
        waive_source(campaign, ann, source, reason, admin)
    assert refused.value.field == field
    assert db.session.scalars(select(SourceWaiver)).all() == []


def test_a_source_is_waived_once(second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    waive_source(campaign, ann, "judges", "Ill.", admin)
    with pytest.raises(CampaignError):
        waive_source(campaign, ann, "judges", "Ill again.", admin)
    assert len(db.session.scalars(select(SourceWaiver)).all()) == 1


def test_the_last_source_cannot_be_waived(make_campaign, branch, admin):
    weights = {**CUSTOMER_ONLY, "second": {"judges": 100}}
    campaign = make_campaign([branch], weights=weights)
    (ann,) = _registered(campaign, branch, ("Ann", 5, {}))
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    with pytest.raises(CampaignError, match="nothing would be left"):
        waive_source(campaign, ann, "judges", "No judges.", admin)


def test_no_waivers_outside_the_evaluated_rounds(make_campaign, branch, admin):
    campaign = make_campaign([branch])
    (ann,) = _registered(campaign, branch, ("Ann", 5, {}))
    advance_stage(campaign, None)
    with pytest.raises(CampaignError, match="second round and the final"):
        waive_source(campaign, ann, "customer", "No.", admin)


def test_the_campaign_page_lists_the_gaps_and_the_waivers(client, login_as, second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    waive_source(campaign, ann, "judges", "The judge fell ill.", admin)
    login_as(admin)
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Before this stage can close" in page
    assert f"/admin/campaigns/{campaign.id}/waive/{ann.id}" in page
    assert "The judge fell ill." in page and "waived" in page


def test_the_waive_page_offers_only_what_the_candidate_lacks(client, login_as, second_round, admin):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(admin)
    url = f"/admin/campaigns/{campaign.id}/waive/{ann.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="judges"' in page and 'value="customer"' not in page
    refused = client.post(url, data={"source": "judges", "reason": ""})
    assert refused.status_code == 400
    assert db.session.scalars(select(SourceWaiver)).all() == []


def test_managers_may_not_waive(client, login_as, second_round, manager_of, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(manager_of(branch))
    url = f"/admin/campaigns/{campaign.id}/waive/{ann.id}"
    assert client.post(url, data={"source": "judges", "reason": "x"}).status_code == 403
