"""Work that follows an ack runs on a pool of its own, coalesced by what it refreshes.

Listeners save and ack on Bolt's listener pool. What they redraw afterwards (a voter's modal, a
board) is handed to this pool and the listener thread is free for the next click at once, so a
burst of redraws never keeps a click waiting for its ack.

Each piece of work names what it refreshes (a key). While work for a key runs, newer work for it
does not queue up behind: it replaces any work still waiting for that key, and the newest runs
once when the current one ends. A voter who clicks five times in a second sees their modal drawn
two or three times, the last time showing all five; nothing is drawn from a stale state last.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ThreadPoolExecutor

from flows.errors import FlowError

logger = logging.getLogger(__name__)

AFTER_ACK_THREADS = 8
Work = Callable[[], None]
OnError = Callable[[Exception], None]


class AfterAck:
    def __init__(self, executor: Executor | None = None) -> None:
        self.executor = executor or ThreadPoolExecutor(
            max_workers=AFTER_ACK_THREADS, thread_name_prefix="after-ack"
        )
        self._lock = threading.Lock()
        self._waiting: dict[Hashable, tuple[Work, OnError | None]] = {}
        self._running: set[Hashable] = set()

    def run(self, key: Hashable, work: Work, on_error: OnError | None = None) -> None:
        """Run `work` on the pool, after any work for `key` that is already running; if other
        work for `key` is still waiting, this replaces it. `on_error` hears of a failure (after
        it is logged): typically, tell the user."""
        with self._lock:
            self._waiting[key] = (work, on_error)
            if key in self._running:
                return
            self._running.add(key)
        self.executor.submit(self._drain, key)

    def _drain(self, key: Hashable) -> None:
        while True:
            with self._lock:
                if key not in self._waiting:
                    self._running.discard(key)
                    return
                work, on_error = self._waiting.pop(key)
            _run_reporting_errors(key, work, on_error)


def _run_reporting_errors(key: Hashable, work: Work, on_error: OnError | None) -> None:
    try:
        work()
    except Exception as error:
        if isinstance(error, FlowError):  # a refusal, worded for the user
            logger.info("after-ack work for %r refused: %s", key, error)
        else:
            logger.error("after-ack work for %r failed", key, exc_info=error)
        if on_error is None:
            return
        try:
            on_error(error)
        except Exception:
            logger.exception("could not report the failure of after-ack work for %r", key)
