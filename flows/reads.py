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

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        shared = session.info.get(_SHARED) if isinstance(session, Session) else None
        if shared is None:
            return function(*args, **kwargs)
        key = _call_key(function, args[1:], kwargs)
        if key not in shared:
            shared[key] = function(*args, **kwargs)
        return shared[key]

    return wrapper


def known(session: Session, function: Callable[..., R], *args: object, result: R) -> None:
    """Inside `shared_reads(session)`: `function(session, *args)`, a `@read_once` function,
    returns `result` without reading (the caller has it already, e.g. the digest's workshop)."""
    shared = session.info.get(_SHARED)
    if shared is not None:
        shared[_call_key(getattr(function, "__wrapped__", function), args, {})] = result


def _call_key(function: Callable[..., object], args: tuple, kwargs: dict) -> Hashable:
    name = f"{function.__module__}.{function.__qualname__}"
    return (name, *map(_key, args), *sorted((k, _key(v)) for k, v in kwargs.items()))


def _key(value: object) -> Hashable:
    if isinstance(value, SQLModel):  # a row: its table and primary key, not the object
        return (type(value).__name__, getattr(value, "id", None))
    return value
