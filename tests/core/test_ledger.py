"""The points ledger: crediting verified ratings, reversals, bonuses, adjustments, spends."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import (
    AuditEntry,
    Employee,
    EntryKind,
    PointsEntry,
    RatingStatus,
    Role,
    SurpriseStatus,
)
from core.services.points.ledger import (
    AlreadyRecorded,
    InsufficientPoints,
    InvalidAdjustment,
    RatingNotCountable,
    SurpriseNotClaimed,
    adjust_points,
    award_surprise_bonus,
    balance_of,
    count_verified_rating,
    ledger_for,
    reject_surprise,
    reverse_rating,
    spend_points,
)
from core.services.points.rules import save_points_rules
from scoring.points import PointsRules
from tests.factories import make_counted_rating, make_employee, make_rating, make_user


def ledger_sum(employee_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
            PointsEntry.employee_id == employee_id
        )
    )


@pytest.mark.parametrize(("overall", "points"), [(1, 0), (2, 0), (3, 1), (4, 3), (5, 5)])
def test_verified_rating_earns_default_points_per_star(app, overall, points):
    rating = make_counted_rating(overall=overall)
    entry = db.session.scalars(select(PointsEntry)).one()
    assert (entry.kind, entry.source_key, entry.amount) == (
        EntryKind.EARNED,
        f"rating:{rating.id}",
        points,
    )
    assert balance_of(rating.employee_id) == points


def test_rating_score_is_weighted_mean_of_dimensions(app):
    app.config["RATING_WEIGHTS"] = "overall=2,attitude=1,skill=1"
    rating = make_counted_rating(overall=5, stars={"attitude": 3, "skill": 4})
    assert rating.score == pytest.approx((2 * 5 + 3 + 4) / 4)


def test_rating_score_is_overall_alone_without_dimensions(app):
    assert make_counted_rating(overall=4).score == 4.0


def test_points_follow_the_rules_in_force(app):
    save_points_rules(PointsRules(per_star=(1, 2, 3, 4, 10), surprise_bonus=7), actor=None)
    rating = make_counted_rating(overall=5)
    assert balance_of(rating.employee_id) == 10


def test_counting_a_rating_twice_is_refused_by_the_unique_key(app):
    rating = make_counted_rating(overall=5)
    with pytest.raises(AlreadyRecorded):
        count_verified_rating(rating)
    assert balance_of(rating.employee_id) == 5
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 1


@pytest.mark.parametrize(
    "status", [RatingStatus.PENDING, RatingStatus.EXPIRED, RatingStatus.HIDDEN]
)
def test_only_verified_ratings_count(app, status):
    rating = make_rating(status=status)
    with pytest.raises(RatingNotCountable):
        count_verified_rating(rating)
    assert balance_of(rating.employee_id) == 0


def test_reversal_restores_the_balance(app):
    employee = make_employee()
    make_counted_rating(employee, overall=3)
    rating = make_counted_rating(employee, overall=5)
    reverse_rating(rating, actor=None, reason="Fraudulent")
    assert balance_of(employee.id) == 1
    reversal = db.session.scalars(
        select(PointsEntry).where(PointsEntry.kind == EntryKind.REVERSAL)
    ).one()
    assert (reversal.amount, reversal.source_key) == (-5, f"rating:{rating.id}")


def test_reversal_hides_the_rating_with_actor_and_reason(app):
    manager = make_user(Role.MANAGER)
    rating = make_counted_rating(overall=4)
    reverse_rating(rating, manager, "  Staff member rated themselves  ")
    assert rating.status is RatingStatus.HIDDEN
    assert rating.hidden_by_id == manager.id
    assert rating.hidden_reason == "Staff member rated themselves"
    assert rating.hidden_at is not None
    assert db.session.scalar(select(AuditEntry.action)) == "rating.hide"


def test_reversal_takes_at_most_the_current_balance(app):
    rating = make_counted_rating(overall=5)
    spend_points(rating.employee_id, 4, "redemption:1", actor=None, reason="Gift card")
    reverse_rating(rating, actor=None, reason="Fraudulent")
    reversal = db.session.scalars(
        select(PointsEntry).where(PointsEntry.kind == EntryKind.REVERSAL)
    ).one()
    assert reversal.amount == -1
    assert "shortfall 4" in reversal.reason
    assert balance_of(rating.employee_id) == 0 == ledger_sum(rating.employee_id)


def test_reversal_also_reverses_a_confirmed_surprise_bonus(app):
    rating = make_counted_rating(overall=5, surprise_status=SurpriseStatus.CLAIMED)
    award_surprise_bonus(rating, actor=None)
    assert balance_of(rating.employee_id) == 10
    reverse_rating(rating, actor=None, reason="Fraudulent")
    keys = db.session.scalars(
        select(PointsEntry.source_key).where(PointsEntry.kind == EntryKind.REVERSAL)
    ).all()
    assert sorted(keys) == [f"rating:{rating.id}", f"surprise:{rating.id}"]
    assert balance_of(rating.employee_id) == 0


def test_hiding_a_rating_twice_is_refused(app):
    rating = make_counted_rating(overall=5)
    reverse_rating(rating, actor=None, reason="Fraudulent")
    with pytest.raises(RatingNotCountable):
        reverse_rating(rating, actor=None, reason="Again")
    assert balance_of(rating.employee_id) == 0


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_hiding_needs_a_reason(app, reason):
    rating = make_counted_rating(overall=5)
    with pytest.raises(InvalidAdjustment):
        reverse_rating(rating, actor=None, reason=reason)
    assert rating.status is RatingStatus.VERIFIED


def test_hiding_a_pending_rating_reverses_nothing(app):
    rating = make_rating(status=RatingStatus.PENDING)
    assert reverse_rating(rating, actor=None, reason="Spam") == []
    assert rating.status is RatingStatus.HIDDEN
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 0


def test_confirmed_surprise_credits_the_bonus_once(app):
    manager = make_user(Role.MANAGER)
    rating = make_counted_rating(overall=4, surprise_status=SurpriseStatus.CLAIMED)
    entry = award_surprise_bonus(rating, manager)
    assert (entry.kind, entry.amount, entry.source_key, entry.actor_id) == (
        EntryKind.BONUS,
        5,
        f"surprise:{rating.id}",
        manager.id,
    )
    assert rating.surprise_status is SurpriseStatus.CONFIRMED
    with pytest.raises(SurpriseNotClaimed):
        award_surprise_bonus(rating, manager)
    assert balance_of(rating.employee_id) == 8


@pytest.mark.parametrize(
    ("status", "surprise"),
    [
        (RatingStatus.VERIFIED, SurpriseStatus.NONE),
        (RatingStatus.VERIFIED, SurpriseStatus.REJECTED),
        (RatingStatus.PENDING, SurpriseStatus.CLAIMED),
        (RatingStatus.HIDDEN, SurpriseStatus.CLAIMED),
    ],
)
def test_surprise_bonus_needs_an_open_claim_on_a_verified_rating(app, status, surprise):
    rating = make_rating(status=status, surprise_status=surprise)
    with pytest.raises(SurpriseNotClaimed):
        award_surprise_bonus(rating, actor=None)
    assert balance_of(rating.employee_id) == 0


def test_rejected_surprise_credits_nothing(app):
    rating = make_counted_rating(overall=5, surprise_status=SurpriseStatus.CLAIMED)
    reject_surprise(rating, actor=None)
    assert rating.surprise_status is SurpriseStatus.REJECTED
    assert balance_of(rating.employee_id) == 5


def test_adjustment_is_an_entry_with_actor_and_reason(app):
    admin = make_user(Role.ADMIN)
    employee = make_employee()
    entry = adjust_points(employee, 12, admin, "Welcome points")
    assert (entry.kind, entry.amount, entry.actor_id, entry.reason) == (
        EntryKind.ADJUSTMENT,
        12,
        admin.id,
        "Welcome points",
    )
    assert entry.source_key.startswith("adjustment:")
    assert balance_of(employee.id) == 12
    assert db.session.scalar(select(AuditEntry.action)) == "points.adjust"


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(0, "Zero"), (5, ""), (5, "  "), (2.5, "Half"), (True, "Bool"), (10**7, "Typo")],
)
def test_adjustment_needs_a_whole_non_zero_amount_and_a_reason(app, amount, reason):
    employee = make_employee()
    with pytest.raises(InvalidAdjustment):
        adjust_points(employee, amount, None, reason)
    assert ledger_sum(employee.id) == 0


def test_negative_adjustment_may_not_overdraw(app):
    employee = make_employee()
    adjust_points(employee, 3, None, "Correction")
    with pytest.raises(InsufficientPoints):
        adjust_points(employee, -4, None, "Too much")
    assert balance_of(employee.id) == 3 == ledger_sum(employee.id)


def test_spend_takes_points_with_a_redeemed_entry(app):
    employee = make_employee()
    adjust_points(employee, 10, None, "Start")
    entry = spend_points(employee.id, 7, "redemption:9", actor=None, reason="Cinema tickets")
    assert (entry.kind, entry.amount, entry.source_key) == (EntryKind.REDEEMED, -7, "redemption:9")
    assert balance_of(employee.id) == 3


def test_spend_beyond_the_balance_is_refused_and_changes_nothing(app):
    employee = make_employee()
    adjust_points(employee, 5, None, "Start")
    with pytest.raises(InsufficientPoints):
        spend_points(employee.id, 6, "redemption:1", actor=None)
    assert balance_of(employee.id) == 5
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 1


def test_spend_without_any_balance_is_refused(app):
    employee = make_employee()
    with pytest.raises(InsufficientPoints):
        spend_points(employee.id, 1, "redemption:1", actor=None)


def test_same_redemption_is_spent_at_most_once(app):
    employee = make_employee()
    adjust_points(employee, 10, None, "Start")
    spend_points(employee.id, 3, "redemption:1", actor=None)
    with pytest.raises(AlreadyRecorded):
        spend_points(employee.id, 3, "redemption:1", actor=None)
    assert balance_of(employee.id) == 7


@pytest.mark.parametrize("amount", [0, -3, 1.5, 10**7])
def test_spend_needs_a_positive_whole_amount(app, amount):
    employee = make_employee()
    adjust_points(employee, 10, None, "Start")
    with pytest.raises(InvalidAdjustment):
        spend_points(employee.id, amount, "redemption:1", actor=None)
    assert balance_of(employee.id) == 10


def test_balance_equals_sum_of_entries_after_every_kind_of_change(app):
    employee = make_employee()
    ratings = [
        make_counted_rating(employee, overall=o, surprise_status=SurpriseStatus.CLAIMED)
        for o in (5, 4, 3)
    ]
    award_surprise_bonus(ratings[0], None)
    adjust_points(employee, 4, None, "Correction")
    spend_points(employee.id, 14, "redemption:1", None)
    reverse_rating(ratings[1], None, "Duplicate")
    adjust_points(employee, -1, None, "Correction")
    db.session.commit()
    assert balance_of(employee.id) == ledger_sum(employee.id) == 0


def test_ledger_lists_newest_first_in_pages(app):
    employee = make_employee()
    for amount in (1, 2, 3):
        adjust_points(employee, amount, None, f"Entry {amount}")
    assert [e.amount for e in ledger_for(employee.id)] == [3, 2, 1]
    assert [e.amount for e in ledger_for(employee.id, limit=1, offset=1)] == [2]


def test_a_callers_failing_row_is_not_mistaken_for_a_repeat(app):
    rating = make_rating()
    other = make_employee()
    db.session.add(
        Employee(branch_id=other.branch_id, display_name="Twin", card_token=other.card_token)
    )
    with pytest.raises(IntegrityError):
        count_verified_rating(rating)


def test_points_for_a_missing_employee_are_a_database_error_not_a_repeat(app):
    ghost = Employee(id=999_999)
    with pytest.raises(IntegrityError):
        adjust_points(ghost, 5, None, "Ghost")
