"""Run one action in several threads released at the same moment, each with its own session."""

import threading
from concurrent.futures import ThreadPoolExecutor

from core.extensions import db


def run_together(app, count: int, action, refused: type[Exception] | tuple = ()) -> list:
    """action(index) in `count` threads at once; the results, None where `refused` was raised."""
    barrier = threading.Barrier(count)

    def worker(index: int):
        with app.app_context():
            barrier.wait()
            try:
                return action(index)
            except refused:
                db.session.rollback()
                return None
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))
