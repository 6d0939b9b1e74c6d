"""Work that follows an ack runs on a pool of its own, coalesced by what it refreshes.

Listeners save and ack on Bolt's listener pool. What they do afterwards (redraw a voter's modal
or a board, announce a phase change, confirm a saved form) is handed to this pool with
`AfterAck.run`, and the listener thread is free for the next click at once, so a burst of redraws
never keeps a click waiting for its ack. This is the one path for that work: listeners get the
pool as their `after_ack` argument (bot/slack/middleware.provide).

Coalescing lives in `Coalescer`, here. Each piece of work names what it refreshes (a key). While
work for a key runs, newer work for it does not queue up behind: it replaces any work still
waiting for that key, and the newest runs once when the current one ends. A voter who clicks five
times in a second sees their modal drawn two or three times, the last time showing all five;
nothing is drawn from a stale state last. Work that must not be folded into other work (an
announcement) has no key. The board (bot/workshop/board.refresh_board) coalesces with a
`Coalescer` of its own, drained on the caller's thread and spaced in time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ThreadPoolExecutor

from flows.errors import FlowError

logger = logging.getLogger(__name__)

AFTER_ACK_THREADS = 8
Work = Callable[[], None]
OnError = Callable[[Exception], None]


class Coalescer:
    """Runs work by key: never two pieces for one key at once, and never more than one waiting.

    `offer` files the work; if nothing runs for its key, the caller must then `drain` the key
    (on whatever thread it likes), which runs the waiting work until none is left. `spacing`
    (seconds, asked each time) keeps the starts of consecutive runs for one key that far apart;
    `monotonic` and `sleep` are the clock it does that with."""

    def __init__(
        self,
        spacing: Callable[[], float] = lambda: 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._spacing, self._monotonic, self._sleep = spacing, monotonic, sleep
        self._lock = threading.Lock()
        self._waiting: dict[Hashable, tuple[Work, OnError | None]] = {}
        self._running: set[Hashable] = set()

    def offer(self, key: Hashable, work: Work, on_error: OnError | None = None) -> bool:
        """File `work` for `key`, replacing any still waiting; True if the caller must drain."""
        with self._lock:
            self._waiting[key] = (work, on_error)
            if key in self._running:
                return False
            self._running.add(key)
            return True

    def waiting(self, key: Hashable) -> bool:
        """Whether newer work for `key` waits (the running work may leave the rest to it)."""
        with self._lock:
            return key in self._waiting

    def drain(self, key: Hashable, raise_errors: bool = False) -> None:
        """Run the work waiting for `key` until none is left. A failure is logged and reported
        to the work's `on_error`; with `raise_errors` it ends the drain instead (dropping what
        waits: the caller hears of it) and is raised."""
        started: float | None = None
        while True:
            with self._lock:
                if key not in self._waiting:
                    self._running.discard(key)
                    return
            if started is not None:
                self._sleep(max(0.0, started + self._spacing() - self._monotonic()))
            # Taken after the spacing, not before: work offered while this drain slept replaces
            # it, and the one run that follows serves both (taken before, the newer work would
            # wait out a second spacing only to redraw the same state).
            with self._lock:
                work, on_error = self._waiting.pop(key)  # only the drainer takes work out
            started = self._monotonic()
            if not raise_errors:
                _run_reporting_errors(key, work, on_error)
                continue
            try:
                work()
            except BaseException:
                with self._lock:
                    self._waiting.pop(key, None)
                    self._running.discard(key)
                raise


class AfterAck:
    def __init__(self, executor: Executor | None = None) -> None:
        self.executor = executor or ThreadPoolExecutor(
            max_workers=AFTER_ACK_THREADS, thread_name_prefix="after-ack"
        )
        self._coalescer = Coalescer()

    def run(self, key: Hashable | None, work: Work, on_error: OnError | None = None) -> None:
        """Run `work` on the pool, after any work for `key` that is already running; if other
        work for `key` is still waiting, this replaces it. With no key the work is never
        folded into other work. `on_error` hears of a failure (after it is logged): typically,
        tell the user."""
        if key is None:
            key = object()  # equal to no other key
        if self._coalescer.offer(key, work, on_error):
            self.executor.submit(self._coalescer.drain, key)


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
