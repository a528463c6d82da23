"""Races across processes: gunicorn with 4 sync workers, on SQLite and on PostgreSQL.

Each test drives the real server over HTTP from many threads released at once, then
reads the shared database back in-process.
"""

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import (
    EmployeeBalance,
    EntryKind,
    PointsEntry,
    Rating,
    RatingStatus,
    Redemption,
    VerificationCode,
)
from core.services.points.ledger import adjust_points
from core.services.points.redemptions import request_redemption
from tests.e2e.customer import Customer
from tests.e2e.servers import one_time_code
from tests.e2e.web import csrf_token, signed_in_admin
from tests.factories import give_points, make_branch, make_employee, make_reward, make_user

pytestmark = pytest.mark.slow

WORKERS = 4
HIGH_LIMIT = "10000 per minute"


def fire(count: int, action) -> list:
    """Run action(i) for i in range(count) in as many threads, released together."""
    barrier = threading.Barrier(count)

    def run(index: int):
        barrier.wait(timeout=60)
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def assert_clean_log(server) -> None:
    log = server.log_text()
    assert "database is locked" not in log
    assert "Traceback" not in log, server.log_tail()


def fresh(statement):
    """Run a query on a new transaction, so rows the server committed are seen."""
    db.session.rollback()
    return db.session.execute(statement)


def earned_entries(rating_id: int) -> int:
    return fresh(
        select(func.count())
        .select_from(PointsEntry)
        .where(
            PointsEntry.kind == EntryKind.EARNED, PointsEntry.source_key == f"rating:{rating_id}"
        )
    ).scalar_one()


def test_concurrent_submissions_of_one_verified_customer_store_one_rating(
    site_app, gunicorn, smtp_server
):
    branch = make_branch()
    first, second = make_employee(branch=branch), make_employee(branch=branch)
    server = gunicorn(workers=WORKERS, RATING_POST_LIMIT=HIGH_LIMIT)
    customer = Customer(server.url)
    customer.rate_and_verify(first.card_token, "ana@example.com", smtp_server.catcher)
    assert customer.open_card(second.card_token).status == 200
    # Fifty different drafts (the same draft fifty times is one double tap, one thanks).
    forms = [customer.rating_form(comment=f"Visit {i}") for i in range(50)]

    replies = fire(50, lambda i: customer.same_phone().send_rating(second.card_token, forms[i]))

    assert [reply.status for reply in replies] == [302] * 50
    endings = sorted(reply.location.rsplit("/", 1)[-1] for reply in replies)
    assert endings == ["already"] * 49 + ["thanks"]
    stored = fresh(select(Rating).where(Rating.employee_id == second.id)).scalars().all()
    assert [rating.status for rating in stored] == [RatingStatus.VERIFIED]
    assert earned_entries(stored[0].id) == 1
    assert_clean_log(server)


def test_concurrent_approvals_spend_a_balance_that_covers_one_only_once(site_app, gunicorn):
    employee = make_employee()
    reward = make_reward(cost=30)
    give_points(employee, 600)
    admin = make_user(email="boss@example.com")
    db.session.commit()
    redemption_ids = [request_redemption(employee, reward).id for _ in range(20)]
    # Requests hold their points, so twenty could only be made with 600; a correction
    # afterwards leaves 30, which covers one approval.
    adjust_points(employee, -570, None, "Correction after the requests")
    db.session.commit()
    server = gunicorn(workers=WORKERS)
    web = signed_in_admin(server.url, admin.email, "correct horse battery")
    token = csrf_token(web.get("/admin/redemptions").text)

    replies = fire(
        20,
        lambda i: web.sharing_cookies().post(
            f"/admin/redemptions/{redemption_ids[i]}/approve", {"csrf_token": token}
        ),
    )

    assert [reply.status for reply in replies] == [302] * 20
    statuses = fresh(select(Redemption.status)).scalars().all()
    assert sorted(s.value for s in statuses) == ["approved"] + ["requested"] * 19
    assert fresh(select(EmployeeBalance.balance)).scalar_one() == 0
    spent = fresh(select(PointsEntry.amount).where(PointsEntry.kind == EntryKind.REDEEMED))
    assert spent.scalars().all() == [-30]
    assert_clean_log(server)


def _customer_with_code(server, token: str, address: str, mail) -> tuple[Customer, str]:
    """A customer whose rating waits for the code just emailed; returns them and the code."""
    customer = Customer(server.url)
    assert customer.rate(token).location.endswith("/v")
    assert customer.ask_email_code(address).location.endswith("/v/code")
    return customer, one_time_code(mail.wait_for(address))


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_codes_across_workers_spend_at_most_five_tries(site_app, gunicorn, smtp_server):
    employee = make_employee()
    server = gunicorn(workers=WORKERS, CODE_CHECK_LIMIT=HIGH_LIMIT)
    customer, code = _customer_with_code(
        server, employee.card_token, "bo@example.com", smtp_server.catcher
    )

    replies = fire(20, lambda _i: customer.same_phone().enter_code(_wrong(code)))

    assert [reply.status for reply in replies] == [422] * 20
    attempts = fresh(select(VerificationCode.attempts)).scalars().all()
    assert attempts == [5]
    # The right code after five wrong tries is refused too.
    assert customer.enter_code(code).status == 422
    assert fresh(select(Rating.status)).scalars().all() == [RatingStatus.PENDING]
    assert_clean_log(server)


def test_code_check_rate_limit_is_shared_by_all_workers(site_app, gunicorn, smtp_server):
    employee = make_employee()
    # Redis keeps one count for every worker: 15 checks per 10 minutes, not 15 per process.
    server = gunicorn(workers=WORKERS, CODE_CHECK_LIMIT="15 per 10 minutes")
    customer, code = _customer_with_code(
        server, employee.card_token, "cy@example.com", smtp_server.catcher
    )

    replies = fire(40, lambda _i: customer.same_phone().enter_code(_wrong(code)))

    statuses = [reply.status for reply in replies]
    assert statuses.count(429) == 25
    assert statuses.count(422) == 15
    assert fresh(select(VerificationCode.attempts)).scalar_one() == 5
    assert_clean_log(server)


def _verify_catching_resets(customer: Customer, code: str):
    """The answer to a code, or None when the worker died with the connection open."""
    try:
        return customer.enter_code(code)
    except OSError:  # ConnectionResetError, RemoteDisconnected, URLError
        return None


def test_killed_workers_leave_every_verified_rating_with_exactly_one_credit(
    site_app, gunicorn, smtp_server
):
    branch = make_branch()
    employees = [make_employee(branch=branch) for _ in range(5)]
    server = gunicorn(
        workers=WORKERS,
        RATING_POST_LIMIT=HIGH_LIMIT,
        CODE_SEND_LIMIT=HIGH_LIMIT,
        CODE_CHECK_LIMIT=HIGH_LIMIT,
    )
    tokens = [employee.card_token for employee in employees]
    with ThreadPoolExecutor(8) as pool:
        waiting = list(
            pool.map(
                lambda i: _customer_with_code(
                    server, tokens[i % 5], f"customer{i}@example.com", smtp_server.catcher
                ),
                range(50),
            )
        )
    with ThreadPoolExecutor(50) as pool:
        futures = [pool.submit(_verify_catching_resets, *pair) for pair in waiting]
        wait(futures, return_when=FIRST_COMPLETED)
        killed = server.kill_workers()
        replies = [future.result() for future in futures]
    assert not set(killed) & set(server.wait_for_workers())

    answered = [reply for reply in replies if reply is not None]
    # With 49 requests still queued, every sync worker was busy when it was killed.
    assert len(answered) < len(replies), "no request was in flight in the killed workers"
    assert all(reply.status == 302 for reply in answered), [r.status for r in answered]
    ratings = fresh(select(Rating)).scalars().all()
    verified = [rating for rating in ratings if rating.status is RatingStatus.VERIFIED]
    assert len(verified) >= len(answered)
    assert {rating.status for rating in ratings} <= {RatingStatus.VERIFIED, RatingStatus.PENDING}
    assert all(earned_entries(rating.id) == 1 for rating in verified)
    all_earned = fresh(
        select(func.count()).select_from(PointsEntry).where(PointsEntry.kind == EntryKind.EARNED)
    ).scalar_one()
    assert all_earned == len(verified)
    check = server.flask("scores", "verify")
    assert check.returncode == 0, check.stdout + check.stderr
