"""Every kind of writer, twenty at the same moment: each answers, none fails as "not saved".

A service that reads before it takes the write lock fails on SQLite when another writer
commits in between ("database is locked", a 503 to the user). Each test runs one kind of
service in twenty threads released together (each with its own session, as requests
are) on the fixtures' SQLite file, and on PostgreSQL with TEST_DATABASE_URL; the only
acceptable refusals are the service's own DomainErrors, which users see as messages.
"""

from datetime import date

from sqlalchemy import func, select

from core.extensions import db
from core.models import (
    AwardPeriod,
    AwardWinner,
    Employee,
    PointsRuleSet,
    Redemption,
    Reward,
    RewardKind,
)
from core.services import DomainError
from core.services.awards.winners import add_winner, create_period, remove_winner
from core.services.people.employee_profile import update_employee
from core.services.people.employees import add_employee
from core.services.points.ledger import adjust_points
from core.services.points.redemptions import request_redemption
from core.services.points.rewards import RewardFields, create_reward, update_reward
from core.services.points.rules import current_points_rules, save_points_rules
from tests.concurrency import run_together
from tests.factories import make_branch, make_employee, make_reward, make_user

THREADS = 20


def _count(model) -> int:
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    return db.session.scalar(select(func.count()).select_from(model))


def _together(app, action) -> list:
    """Run action(index) in THREADS threads at once; DomainErrors count as answers (None)."""
    return run_together(app, THREADS, action, refused=DomainError)


def test_simultaneous_reward_requests_all_answer(app):
    employee = make_employee()
    adjust_points(employee, 1000, None, "Start")
    reward = make_reward(cost=10)
    db.session.commit()
    employee_id, reward_id = employee.id, reward.id

    def ask(_index: int) -> int:
        return request_redemption(
            db.session.get(Employee, employee_id), db.session.get(Reward, reward_id)
        ).id

    results = _together(app, ask)

    assert None not in results
    assert _count(Redemption) == THREADS


def test_simultaneous_new_rewards_all_saved(app):
    admin = make_user()
    db.session.commit()
    admin_id = admin.id

    def add(index: int) -> int:
        fields = RewardFields(f"Gift {index}", "", RewardKind.GIFT_CARD, 5 + index, None)
        return create_reward(fields, db.session.get(type(admin), admin_id)).id

    results = _together(app, add)

    assert None not in results
    assert _count(Reward) == THREADS


def test_simultaneous_reward_edits_all_answer(app):
    admin = make_user()
    reward = make_reward(cost=10)
    db.session.commit()
    admin_id, reward_id = admin.id, reward.id

    def edit(index: int) -> int:
        fields = RewardFields("Gift", "", RewardKind.GIFT_CARD, 10 + index, None)
        return update_reward(
            db.session.get(Reward, reward_id), fields, db.session.get(type(admin), admin_id)
        ).cost

    results = _together(app, edit)

    assert None not in results


def test_simultaneous_points_rules_saves_all_kept(app):
    admin = make_user()
    db.session.commit()
    admin_id = admin.id
    rules = current_points_rules().to_dict()

    def save(index: int) -> int:
        changed = {**rules, "surprise_bonus": index + 1}
        return save_points_rules(changed, db.session.get(type(admin), admin_id)).id

    results = _together(app, save)

    assert None not in results
    assert _count(PointsRuleSet) == THREADS


def test_simultaneous_award_periods_all_created(app):
    admin = make_user()
    db.session.commit()
    admin_id = admin.id

    def create(index: int) -> int:
        actor = db.session.get(type(admin), admin_id)
        return create_period(f"Period {index}", date(2026, 1, 1), date(2026, 1, 31), actor).id

    results = _together(app, create)

    assert None not in results
    assert _count(AwardPeriod) == THREADS


def test_simultaneous_winner_removals_answer_once_and_refuse_the_rest(app):
    admin = make_user()
    db.session.commit()
    period = create_period("Period", date(2026, 1, 1), date(2026, 1, 31), admin)
    employee = make_employee()
    db.session.commit()
    reason = "Chosen by the branch for the test, whatever the ratings say."
    winner = add_winner(period.categories[0], employee, "Kind.", admin, reason)
    admin_id, winner_id = admin.id, winner.id

    def remove(_index: int) -> bool:
        winner = db.session.get(AwardWinner, winner_id)
        if winner is None:
            return False  # gone before this request looked: the page answers 404
        remove_winner(winner, db.session.get(type(admin), admin_id))
        return True

    results = _together(app, remove)

    assert results.count(True) == 1, "one removal; the others are told it is gone"
    assert _count(AwardWinner) == 0


def test_simultaneous_new_employees_all_added(app):
    admin = make_user()
    branch = make_branch()
    db.session.commit()
    admin_id, branch_id = admin.id, branch.id

    def add(index: int) -> int:
        actor = db.session.get(type(admin), admin_id)
        return add_employee(branch_id, f"Person {index}", staff_no=f"S{index}", actor=actor).id

    results = _together(app, add)

    assert None not in results
    assert _count(Employee) == THREADS


def test_simultaneous_employee_edits_all_answer(app):
    admin = make_user()
    employee = make_employee()
    db.session.commit()
    admin_id, employee_id, branch_id = admin.id, employee.id, employee.branch_id

    def edit(index: int) -> str:
        actor = db.session.get(type(admin), admin_id)
        edited = db.session.get(Employee, employee_id)
        return update_employee(edited, branch_id, f"Name {index}", "Advisor", "", actor).title

    results = _together(app, edit)

    assert None not in results
