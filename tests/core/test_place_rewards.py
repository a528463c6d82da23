"""Winners' rewards: granted once when an award period is published (also when two calls
race), reversed on withdrawal without the ledger going negative, with readable ledger
lines. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.database import begin_write
from core.extensions import db
from core.models import (
    AuditEntry,
    AwardPeriod,
    AwardStatus,
    Commitment,
    CommitmentKind,
    EntryKind,
    PlaceRewardGrant,
    PlaceRewardKind,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Role,
    utcnow,
)
from core.services.awards.publishing import publish_period
from core.services.awards.winners import add_winner, set_quota, withdraw_period
from core.services.people.employees import issue_private_link
from core.services.periods import local_day
from core.services.points.commitments import CommitmentError, deliver_commitment
from core.services.points.ledger import balance_of, spend_points
from core.services.points.ledger_lines import ledger_lines
from core.services.points.place_reward_setup import (
    PlaceRewardData,
    PlaceRewardError,
    add_place_reward,
)
from core.services.points.place_rewards import grant_place_rewards
from core.services.points.redemptions import fulfil_redemption
from tests.concurrency import run_together
from tests.factories import make_award_period, make_employee, make_reward, make_user


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their notes, in the language of a request."""
    with app.test_request_context():
        yield


def _period_with_rewards():
    """A draft period whose first category has two places: the first gets 50 points, a
    catalogue item and a promise; the second 20 points. Ann is first, Bo second."""
    admin = make_user(Role.ADMIN)
    ann, bo = make_employee(display_name="Ann"), make_employee(display_name="Bo")
    period = make_award_period(name="November")
    category = period.categories[0]
    gift = make_reward(name="Cinema ticket")
    db.session.commit()
    set_quota(category.id, 2, admin)
    for data in (
        PlaceRewardData(1, PlaceRewardKind.POINTS, points=50),
        PlaceRewardData(1, PlaceRewardKind.ITEM, reward_id=gift.id),
        PlaceRewardData(
            1,
            PlaceRewardKind.COMMITMENT,
            commitment_kind=CommitmentKind.TRAINING,
            description="Leadership course",
            owner_id=admin.id,
            due_days=14,
        ),  # fmt: skip
        PlaceRewardData(2, PlaceRewardKind.POINTS, points=20),
    ):
        add_place_reward(category, data, admin)
    for employee in (ann, bo):
        add_winner(category, employee, "Kind.", admin, "Picked in a test")
    return period.id, admin, ann, bo


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_publishing_grants_each_winner_the_rewards_of_their_place(app):
    period_id, admin, ann, bo = _period_with_rewards()

    publish_period(period_id, admin, "Early, for the test")

    assert (balance_of(ann.id), balance_of(bo.id)) == (50, 20)
    (item,) = db.session.scalars(select(Redemption).filter_by(employee_id=ann.id)).all()
    assert (item.cost, item.status) == (0, RedemptionStatus.APPROVED)
    (promise,) = db.session.scalars(select(Commitment)).all()
    assert promise.employee_id == ann.id and promise.owner_id == admin.id
    assert promise.due_on == local_day(utcnow()) + timedelta(days=14)
    assert _count(PlaceRewardGrant) == 4


def test_rewards_wait_for_the_end_of_the_public_notice(app):
    from core.services.notices.announcements import period_notice, settle_notices

    period_id, admin, ann, bo = _period_with_rewards()
    db.session.get(AwardPeriod, period_id).notice_days = 7
    db.session.commit()
    publish_period(period_id, admin, "Early, for the test")
    assert (balance_of(ann.id), _count(PlaceRewardGrant)) == (0, 0)  # under notice
    notice = period_notice(period_id)
    notice.announced_at -= timedelta(days=30)
    notice.notice_ends_at -= timedelta(days=30)
    db.session.commit()
    assert settle_notices() == 1
    assert (balance_of(ann.id), balance_of(bo.id)) == (50, 20)
    assert settle_notices() == 0 and _count(PlaceRewardGrant) == 4


def test_granting_again_gives_nothing_more(app):
    period_id, admin, ann, _bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")

    begin_write()
    again = grant_place_rewards(db.session.get(AwardPeriod, period_id), admin)
    db.session.commit()

    assert again == [] and balance_of(ann.id) == 50
    assert _count(PointsEntry, PointsEntry.kind == EntryKind.PLACE) == 2
    assert _count(Redemption) == 1 and _count(Commitment) == 1


def test_two_calls_at_once_grant_once(app):
    period_id, admin, ann, _bo = _period_with_rewards()
    period = db.session.get(AwardPeriod, period_id)
    period.status = AwardStatus.PUBLISHED  # published without granting, to race the grant
    db.session.commit()

    def grant(_index: int) -> int:
        begin_write()
        made = grant_place_rewards(db.session.get(AwardPeriod, period_id), None)
        db.session.commit()
        return len(made)

    results = run_together(app, 2, grant)

    db.session.rollback()
    assert sorted(results) == [0, 4]
    assert balance_of(ann.id) == 50
    assert _count(PointsEntry, PointsEntry.kind == EntryKind.PLACE) == 2
    assert _count(Commitment) == 1 and _count(Redemption) == 1


def test_withdrawal_reverses_the_points_and_cancels_what_was_not_delivered(app):
    period_id, admin, ann, bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")

    withdraw_period(period_id, admin, "Ratings found to be fake")

    assert (balance_of(ann.id), balance_of(bo.id)) == (0, 0)
    reversal = db.session.scalars(
        select(PointsEntry).filter_by(employee_id=ann.id, kind=EntryKind.REVERSAL)
    ).one()
    assert reversal.amount == -50 and reversal.reason == "Ratings found to be fake"
    assert _count(PointsEntry, PointsEntry.kind == EntryKind.PLACE) == 2  # never deleted
    assert db.session.scalars(select(Redemption)).one().status is RedemptionStatus.CANCELLED
    assert db.session.scalars(select(Commitment)).one().cancelled_at is not None
    assert all(g.reversed_at for g in db.session.scalars(select(PlaceRewardGrant)))


def test_spent_points_are_reversed_down_to_zero_and_the_rest_recorded(app):
    period_id, admin, ann, _bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")
    spend_points(ann.id, 30, "redemption:test", None)
    db.session.commit()

    withdraw_period(period_id, admin, "Ratings found to be fake")

    assert balance_of(ann.id) == 0
    reversal = db.session.scalars(
        select(PointsEntry).filter_by(employee_id=ann.id, kind=EntryKind.REVERSAL)
    ).one()
    assert reversal.amount == -20 and "shortfall 30" in reversal.reason
    points_grant = db.session.scalars(
        select(PlaceRewardGrant).filter_by(employee_id=ann.id).order_by(PlaceRewardGrant.id)
    ).first()
    assert points_grant.reversal_note == "30 points already spent, not taken back"


def test_delivered_rewards_stay_when_the_result_is_withdrawn(app):
    period_id, admin, _ann, _bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")
    deliver_commitment(db.session.scalars(select(Commitment)).one().id, admin)
    fulfil_redemption(db.session.scalars(select(Redemption)).one().id, admin)

    withdraw_period(period_id, admin, "Ratings found to be fake")

    promise = db.session.scalars(select(Commitment)).one()
    assert promise.delivered_at is not None and promise.cancelled_at is None
    assert db.session.scalars(select(Redemption)).one().status is RedemptionStatus.FULFILLED
    notes = {g.reversal_note for g in db.session.scalars(select(PlaceRewardGrant))}
    assert {"already delivered", "item already handed over"} <= notes


def test_delivering_is_audited_and_happens_once(app):
    period_id, admin, _ann, _bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")
    promise_id = db.session.scalars(select(Commitment.id)).one()

    deliver_commitment(promise_id, admin)

    entry = db.session.scalars(select(AuditEntry).filter_by(action="commitment.deliver")).one()
    assert entry.user_id == admin.id and entry.target_id == str(promise_id)
    assert entry.before["delivered_at"] is None and entry.after["delivered_by_id"] == admin.id
    with pytest.raises(CommitmentError):
        deliver_commitment(promise_id, admin)


def test_the_ledger_says_what_a_place_reward_and_its_reversal_are_for(app, client):
    period_id, admin, ann, _bo = _period_with_rewards()
    publish_period(period_id, admin, "Early, for the test")
    withdraw_period(period_id, admin, "Ratings found to be fake")

    lines = [line for line in ledger_lines(ann.id) if line.source == "place"]

    assert sorted(line.entry.kind.value for line in lines) == ["place", "reversal"]
    assert all(line.grant and line.won_in == "November · Service Star" for line in lines)
    db.session.commit()
    page = client.get(urlsplit(issue_private_link(ann)).path).get_data(as_text=True)
    assert "reward for place 1 in <bdi>November · Service Star</bdi>" in page
    assert "Ratings found to be fake" in page


def test_rewards_are_refused_outside_the_places_and_once_published(app):
    period_id, admin, _ann, _bo = _period_with_rewards()
    category = db.session.get(AwardPeriod, period_id).categories[0]

    with pytest.raises(PlaceRewardError) as beyond:
        add_place_reward(category, PlaceRewardData(3, PlaceRewardKind.POINTS, points=5), admin)
    assert beyond.value.field == "place"
    with pytest.raises(PlaceRewardError) as unowned:
        add_place_reward(
            category,
            PlaceRewardData(1, PlaceRewardKind.COMMITMENT, commitment_kind=CommitmentKind.PROMOTION,
                            description="First in line", due_days=30),
            admin,
        )  # fmt: skip
    assert unowned.value.field == "owner_id"
    publish_period(period_id, admin, "Early, for the test")
    category = db.session.get(AwardPeriod, period_id).categories[0]
    with pytest.raises(PlaceRewardError):
        add_place_reward(category, PlaceRewardData(1, PlaceRewardKind.POINTS, points=5), admin)
