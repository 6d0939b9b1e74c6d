"""Acknowledging a click once what it changes is saved, but never later than Slack allows.

Slack shows the user an error when a request is not acknowledged within 3 seconds. A click that
changes something (a vote, a Join, a phase, a status) is saved in one short transaction and then
acknowledged, so an acknowledged change is a saved one even if the process dies a moment later.
When the database keeps the save waiting (locks under a burst of clicks, a busy machine), the
click is acknowledged anyway ACK_WITHIN_S after it arrived, and the save carries on: the user
then sees the change confirmed where it shows (their voting view, the board, the DM) once saved.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from slack_bolt import Ack, BoltContext

from flows.errors import FlowError

T = TypeVar("T")
logger = logging.getLogger(__name__)

ACK_WITHIN_S = 2.0  # after the request arrived (bot.middleware.stamp_arrival); Slack allows 3
RECEIVED_AT = "received_at"


def save_then_ack(ack: Ack, context: BoltContext, save: Callable[[], T]) -> T:
    """Run `save` and acknowledge once it returns (or raises a refusal, a FlowError), or once
    ACK_WITHIN_S have passed since the request arrived, whichever comes first; exactly once.

    Any other failure is not acknowledged (unless the deadline already was): Slack shows the user
    an error, and the app's error handler tells them what happened."""
    lock, acked = threading.Lock(), [False]

    def ack_once() -> None:
        with lock:
            if not acked[0]:
                acked[0] = True
                ack()

    arrived = context.get(RECEIVED_AT) or time.monotonic()
    deadline = _deadlines.add(arrived + ACK_WITHIN_S, ack_once)
    try:
        result = save()
    except FlowError:
        _deadlines.cancel(deadline)
        ack_once()
        raise
    finally:
        _deadlines.cancel(deadline)
    ack_once()
    return result


class _Deadlines:
    """One thread keeps every pending ack deadline (a threading.Timer each would start a thread
    per click). Cancelled deadlines are dropped when they reach the front."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[list] = []  # heap of [when, sequence, action or None once cancelled]
        self._sequence = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, when: float, action: Callable[[], None]) -> list:
        entry = [when, next(self._sequence), action]
        with self._wake:
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ack-deadlines", daemon=True)
                self._thread.start()
            if self._due[0] is entry:
                self._wake.notify()
        return entry

    def cancel(self, entry: list) -> None:
        with self._wake:
            entry[2] = None

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2] is None:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                delay = self._due[0][0] - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                action = heapq.heappop(self._due)[2]
            try:
                action()
            except Exception:  # an ack that failed must not stop the other deadlines
                logger.exception("acknowledging at the deadline failed")


_deadlines = _Deadlines()
