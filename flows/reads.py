"""Reads shared while one summary is built.

A digest is assembled from sections that each feature contributes on its own, and several of
them need the same figures: the participants, the votes cast, the KPI table, the workshop
itself. Inside `shared_reads(session)` a function marked `@read_once` reads the database once
per arguments and later calls get that same result; outside it, every call reads as usual.

Only for reads that nothing inside the block changes: building a digest only reads. The results
are shared, so callers must not mutate them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlmodel import Session, SQLModel

_SHARED = "flows.reads.shared"

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def shared_reads(session: Session) -> Iterator[None]:
    """Within: each `@read_once` function reads once per arguments (nested blocks share the
    outermost one's results)."""
    if _SHARED in session.info:
        yield
        return
    session.info[_SHARED] = {}
    try:
        yield
    finally:
        session.info.pop(_SHARED, None)


def read_once(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator for `function(session, *args)`: inside `shared_reads(session)`, the first
    call's result is kept for the calls with the same arguments (a row by its table and id)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        shared = session.info.get(_SHARED) if isinstance(session, Session) else None
        if shared is None:
            return function(*args, **kwargs)
        key = (name, *map(_key, args[1:]), *sorted((k, _key(v)) for k, v in kwargs.items()))
        if key not in shared:
            shared[key] = function(*args, **kwargs)
        return shared[key]

    return wrapper


def _key(value: object) -> Hashable:
    if isinstance(value, SQLModel):  # a row: its table and primary key, not the object
        return (type(value).__name__, getattr(value, "id", None))
    return value  # type: ignore[return-value]
