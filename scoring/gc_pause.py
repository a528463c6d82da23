"""Cyclic garbage collection paused while a function builds many small objects.

A leaderboard allocates tens of thousands of tuples. Each 700 new objects start a young
collection and every hundredth of those a full one over every object of the process (a
web app holds hundreds of thousands): measured, a third of a 10,000-employee board and
more than the ranking's own work. The tuples hold no reference cycles, so pausing the
collector leaves nothing uncollected; its previous state is restored afterwards.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cyclic collection inside the block; enabled again after only if it was before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_cycle_collection(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: `function` runs inside cycle_collection_paused()."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with cycle_collection_paused():
            return function(*args, **kwargs)

    return run
