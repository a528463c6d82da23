"""retry_on_conflict: a service aborted by a PostgreSQL conflict runs again from the top."""

import threading

import psycopg.errors
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from core.database import begin_write, is_conflict, retry_on_conflict
from core.extensions import db
from core.models import Branch
from tests.conftest import ON_POSTGRES
from tests.factories import make_branch


def conflict(sqlstate_error) -> OperationalError:
    return OperationalError("UPDATE branch", {}, sqlstate_error)


def flaky_service(failures: list[Exception]):
    calls = []

    @retry_on_conflict(base_delay=0)
    def service():
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return service, calls


@pytest.mark.parametrize(
    "error", [psycopg.errors.SerializationFailure(), psycopg.errors.DeadlockDetected()]
)
def test_conflict_is_retried_until_it_succeeds(app, error):
    service, calls = flaky_service([conflict(error)])
    assert service() == "done"
    assert len(calls) == 2


def test_conflict_gives_up_after_the_last_attempt(app):
    errors = [conflict(psycopg.errors.SerializationFailure()) for _ in range(3)]
    service, calls = flaky_service(errors)
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 3


def test_other_database_errors_are_not_retried(app):
    service, calls = flaky_service([IntegrityError("INSERT", {}, Exception("duplicate"))])
    with pytest.raises(IntegrityError):
        service()
    assert len(calls) == 1


def test_failed_attempt_is_rolled_back_before_the_retry(app):
    attempts = []

    @retry_on_conflict(base_delay=0)
    def add_branch():
        begin_write()
        db.session.add(Branch(name=f"Attempt {len(attempts)}"))
        db.session.flush()
        attempts.append(1)
        if len(attempts) == 1:
            raise conflict(psycopg.errors.SerializationFailure())
        db.session.commit()

    add_branch()
    names = db.session.scalars(select(Branch.name)).all()
    assert names == ["Attempt 1"]


def test_is_conflict_reads_the_sqlstate():
    assert is_conflict(conflict(psycopg.errors.DeadlockDetected()))
    assert not is_conflict(conflict(ConnectionRefusedError()))
    assert not is_conflict(ValueError())


@pytest.mark.skipif(not ON_POSTGRES, reason="deadlocks need PostgreSQL (TEST_DATABASE_URL)")
def test_real_deadlock_is_retried_and_both_updates_land(app):
    first, second = make_branch(name="First"), make_branch(name="Second")
    db.session.commit()
    ids = (first.id, second.id)
    barrier = threading.Barrier(2, timeout=10)
    attempts = {ids: [], ids[::-1]: []}
    errors = []

    @retry_on_conflict(base_delay=0.01)
    def touch_both(order):
        attempts[order].append(1)
        begin_write()
        db.session.execute(update(Branch).where(Branch.id == order[0]).values(address="x"))
        if len(attempts[order]) == 1:
            barrier.wait()  # each holds one row and now asks for the other's: a deadlock
        db.session.execute(update(Branch).where(Branch.id == order[1]).values(address="y"))
        db.session.commit()

    def worker(order):
        with app.app_context():
            try:
                touch_both(order)
            except Exception as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(order,)) for order in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(len(tries) for tries in attempts.values()) == [1, 2]
