"""Public notice (公示) and objections: results are final only after the notice period with
no objection open; candidates object once; an admin's answer recomputes, reopens, dismisses."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import (
    AuditEntry,
    AwardStatus,
    BallotUse,
    CampaignStage,
    ObjectionRemedy,
    ObjectionStatus,
    Role,
    StageResult,
    VoteTally,
)
from core.services.awards.reproduce import reproduce_published
from core.services.awards.winners import published_periods
from core.services.campaign.registration import register_employee
from core.services.campaign.results import published_winners
from core.services.campaign.stages import advance_stage
from core.services.notices.announcements import (
    is_final,
    notice_ends,
    period_notice,
    settle_notices,
    stage_notice,
)
from core.services.notices.events import result_final, result_withdrawn
from core.services.notices.objections import ObjectionError, answer_objection, file_objection
from core.services.notices.remedies import RemedyRefused
from tests.campaign.conftest import CUSTOMER_ONLY, rate
from tests.concurrency import run_together
from tests.factories import make_employee, make_published_award, make_user

REASON = "My paper ballots were not counted."


def _candidates(branch):
    ann = make_employee(branch=branch, display_name="Ann")
    bo = make_employee(branch=branch, display_name="Bo")
    rate(ann, 5)
    rate(bo, 3)
    return ann, bo


def _campaign(make_campaign, branch, people, notice_days: int, stages: int):
    campaign = make_campaign(
        [branch], weights=CUSTOMER_ONLY, notice_days=notice_days, preliminary_pass=2, winners=1
    )
    for employee in people:
        register_employee(campaign, employee, "Helped")
    for _ in range(stages):
        advance_stage(campaign, None)
    return campaign


def _age(notice, days: int) -> None:
    """Move the announcement `days` into the past, as if that time had gone by."""
    notice.announced_at -= timedelta(days=days)
    notice.notice_ends_at -= timedelta(days=days)
    db.session.commit()


@pytest.fixture
def admin(app):
    user = make_user(Role.ADMIN)
    db.session.commit()
    return user


@pytest.fixture
def heard():
    """The notices the two events were sent for: {"final": [...], "withdrawn": [...]}."""
    seen = {"final": [], "withdrawn": []}

    def on_final(notice, **_kw):
        seen["final"].append(notice.id)

    def on_withdrawn(notice, **_kw):
        seen["withdrawn"].append(notice.id)

    result_final.connect(on_final)
    result_withdrawn.connect(on_withdrawn)
    yield seen
    result_final.disconnect(on_final)
    result_withdrawn.disconnect(on_withdrawn)


def test_no_notice_days_makes_results_final_at_once(make_campaign, branch, heard):
    people = _candidates(branch)
    campaign = _campaign(make_campaign, branch, people, notice_days=0, stages=4)

    notice = stage_notice(campaign.id, CampaignStage.FINAL)
    assert notice.final_at is not None and is_final(notice)
    assert [w.employee_name for w in published_winners()] == ["Ann"]
    assert notice.id in heard["final"]
    assert settle_notices() == 0


def test_results_become_final_after_the_notice_period_with_none_open(make_campaign, branch, heard):
    people = _candidates(branch)
    campaign = _campaign(make_campaign, branch, people, notice_days=3, stages=4)
    notice = stage_notice(campaign.id, CampaignStage.FINAL)

    assert not is_final(notice)
    assert published_winners() == []
    assert settle_notices() == 0

    _age(notice, 4)
    assert is_final(notice)
    assert [w.employee_name for w in published_winners()] == ["Ann"]
    settled = settle_notices()
    assert settled == 1  # the final's notice; the earlier stages' run on
    assert settle_notices() == 0
    assert heard["final"].count(notice.id) == 1


def test_results_are_not_final_while_an_objection_is_open(make_campaign, branch, admin, heard):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=4)
    notice = stage_notice(campaign.id, CampaignStage.FINAL)
    objection = file_objection(notice.id, bo, REASON)
    _age(notice, 4)

    assert not is_final(notice)
    assert published_winners() == []
    settle_notices()
    assert notice.final_at is None

    answer_objection(objection.id, "dismiss", "Checked: all ballots were entered.", admin)
    assert objection.status is ObjectionStatus.DISMISSED and objection.answered_at
    assert is_final(notice) and notice.final_at is not None
    assert heard["final"].count(notice.id) == 1
    assert [w.employee_name for w in published_winners()] == ["Ann"]


def test_an_upheld_objection_reopens_the_stage(make_campaign, branch, admin):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    assert campaign.stage is CampaignStage.SECOND
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    objection = file_objection(notice.id, bo, REASON)

    answer_objection(objection.id, "reopen", "Right: the stage is open again.", admin)

    db.session.refresh(campaign)
    assert campaign.stage is CampaignStage.PRELIMINARY
    assert objection.status is ObjectionStatus.UPHELD
    assert objection.remedy is ObjectionRemedy.REOPEN
    assert notice.withdrawn_at is not None
    assert stage_notice(campaign.id, CampaignStage.PRELIMINARY) is None
    assert db.session.scalars(select(StageResult).filter_by(campaign_id=campaign.id)).all() == []
    assert db.session.scalars(select(VoteTally).filter_by(campaign_id=campaign.id)).all() == []
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"objection.file", "objection.answer", "campaign.reopen", "result.withdraw"} <= actions

    # Closed again, the stage is announced anew and may be objected to again.
    advance_stage(campaign, None)
    again = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    assert again.id != notice.id
    assert file_objection(again.id, bo, REASON).notice_id == again.id


def test_a_stage_is_not_reopened_once_the_next_round_has_begun(make_campaign, branch, admin):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    objection = file_objection(notice.id, bo, REASON)
    db.session.add(
        BallotUse(
            campaign_id=campaign.id, round=CampaignStage.SECOND, employee_id=ann.id,
            branch_id=branch.id,
        )
    )  # fmt: skip
    db.session.commit()

    with pytest.raises(RemedyRefused, match="begun"):
        answer_objection(objection.id, "reopen", "Right.", admin)
    db.session.refresh(objection)
    assert objection.status is ObjectionStatus.OPEN
    assert campaign.stage is CampaignStage.SECOND


def test_an_upheld_objection_recomputes_and_announces_anew(make_campaign, branch, admin):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    objection = file_objection(notice.id, bo, REASON)

    answer_objection(objection.id, "recompute", "Recomputed with the corrections.", admin)

    fresh = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    assert fresh.id != notice.id and notice.withdrawn_at is not None
    assert fresh.notice_ends_at > fresh.announced_at  # a new notice period
    rows = db.session.scalars(
        select(StageResult).filter_by(campaign_id=campaign.id, stage=CampaignStage.PRELIMINARY)
    ).all()
    assert sorted(r.employee_name for r in rows) == ["Ann", "Bo"]
    assert objection.remedy is ObjectionRemedy.RECOMPUTE


def test_one_objection_per_result(make_campaign, branch):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    file_objection(notice.id, bo, REASON)

    with pytest.raises(ObjectionError, match="already"):
        file_objection(notice.id, bo, "And another thing, also wrong.")


def test_one_objection_per_result_under_two_requests_at_once(app, make_campaign, branch):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    notice_id, bo_id = stage_notice(campaign.id, CampaignStage.PRELIMINARY).id, bo.id
    db.session.commit()

    def object_once(_index):
        with app.test_request_context():
            employee = db.session.get(type(bo), bo_id)
            return file_objection(notice_id, employee, REASON).id

    results = run_together(app, 2, object_once, refused=ObjectionError)
    assert sum(r is not None for r in results) == 1


def test_a_non_candidate_may_not_object(make_campaign, branch):
    people = _candidates(branch)
    outsider = make_employee(branch=branch, display_name="Cy")
    campaign = _campaign(make_campaign, branch, people, notice_days=3, stages=2)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)

    with pytest.raises(ObjectionError, match="Only a candidate"):
        file_objection(notice.id, outsider, REASON)


def test_objections_after_the_notice_period_are_refused(make_campaign, branch):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=2, stages=2)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    _age(notice, 3)

    with pytest.raises(ObjectionError, match="over"):
        file_objection(notice.id, bo, REASON)


def test_a_dismissal_needs_a_reason(make_campaign, branch, admin):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    objection = file_objection(stage_notice(campaign.id, CampaignStage.PRELIMINARY).id, bo, REASON)

    with pytest.raises(ObjectionError) as refused:
        answer_objection(objection.id, "dismiss", " ", admin)
    assert refused.value.field == "answer"


def test_an_award_period_under_notice_is_off_the_wall_until_final(app, admin, heard):
    winner = make_published_award(notice_days=3)
    period = winner.category.period
    notice = period_notice(period.id)
    assert published_periods() == []

    objection = file_objection(notice.id, winner.employee, REASON)
    answer_objection(objection.id, "withdraw", "The citation named the wrong branch.", admin)

    db.session.refresh(period)
    assert period.status is AwardStatus.DRAFT
    assert period.snapshots[-1].withdrawn_at is not None
    assert notice.withdrawn_at is not None and heard["withdrawn"] == []  # never final
    assert published_periods() == []


def test_an_award_period_is_on_the_wall_once_its_notice_is_over(app):
    winner = make_published_award(notice_days=1)
    _age(period_notice(winner.category.period_id), 2)

    assert [p.id for p in published_periods()] == [winner.category.period_id]


def test_notice_days_are_whole_site_local_days(app):
    app.config["TIME_ZONE"] = "Asia/Shanghai"
    # 17:00 UTC on 2 March is already 3 March, 01:00, in Shanghai.
    announced = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)

    assert notice_ends(announced, 1) == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    assert notice_ends(announced, 0) == announced


def test_the_settle_command_marks_final_results_once(app, runner):
    winner = make_published_award(notice_days=1)
    notice = period_notice(winner.category.period_id)
    _age(notice, 2)

    first = runner.invoke(args=["notices", "settle"])
    second = runner.invoke(args=["notices", "settle"])

    assert first.exit_code == 0 and "1 results became final" in first.output
    assert "0 results became final" in second.output
    db.session.refresh(notice)
    assert notice.final_at is not None


def test_a_recomputed_stage_still_reproduces_from_the_stored_data(make_campaign, branch, admin):
    ann, bo = _candidates(branch)
    campaign = _campaign(make_campaign, branch, (ann, bo), notice_days=3, stages=2)
    objection = file_objection(stage_notice(campaign.id, CampaignStage.PRELIMINARY).id, bo, REASON)
    rate(bo, 5)  # after the stage closed: the recomputation leaves it out, as verify does

    answer_objection(objection.id, "recompute", "Recomputed with the corrections.", admin)

    assert reproduce_published().differences == []
