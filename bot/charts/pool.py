"""Drawing digest charts in worker processes.

matplotlib holds the interpreter lock while it draws, so charts drawn in the scheduler's threads
take turns on one core and hold up everything else the process does meanwhile: claiming,
building and posting other digests, answering Slack. While a digest scheduler runs, its
`ChartPool` draws them in worker processes instead, one per core but one (`spawn`ed, never a
fork of this threaded process; about 120 MB each). They start at the first chart, drawn in the
calling thread meanwhile, as are the charts until a worker has imported the renderers (a second
or two), one at a time (the other callers wait, then hand theirs to the workers once ready), and
they stop after IDLE_STOP_S without a chart: they cost memory only around the times digests go
out.

A chart comes back from a worker exactly as it would be drawn here: the worker runs the same
renderer (bot/charts/registry.py) on a pickled copy of the data. Whatever cannot go to a worker
(data that does not pickle, a renderer it cannot import, workers that died or cannot start) is
drawn in the calling thread instead; a chart whose renderer fails is left out, and the digest
says everything in words.

Workers never outlive the process that started them, even one killed by SIGKILL (which runs no
clean-up): each watches its parent and exits within PARENT_POLL_S once the parent is gone. The
last worker's exit also closes multiprocessing's resource tracker, which lives while any process
holds its pipe."""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts import registry
from flows.digest import DigestChart

logger = logging.getLogger(__name__)

MAX_PROCESSES = 4
IDLE_STOP_S = 300.0
RETRY_START_S = 300.0  # after workers failed to start, charts are drawn here this long
CHART_TIMEOUT_S = 300.0  # a 300-touchpoint gap chart takes a few seconds
PARENT_POLL_S = 0.5  # how often a worker checks that the process that started it still runs


def default_processes() -> int:
    """A worker per core but one (left for this process), at most MAX_PROCESSES: none on one
    core, where there is nothing to gain."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, min((cores or 1) - 1, MAX_PROCESSES))


class NotDrawableHere(Exception):
    """Raised in a worker that cannot run the chart's renderer: the caller draws it itself."""


def _exit_with_parent(parent_pid: int) -> None:
    """A worker's initializer: a daemon thread ends the worker once its parent is gone.

    A dead parent's children are re-parented (to init or a subreaper), so getppid() changes.
    Polling rather than Linux's PR_SET_PDEATHSIG, which fires when the *thread* that spawned
    the worker ends: a scheduler job thread may spawn one and finish long before the process."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(0)  # nothing to flush: the worker only ever answers the parent

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm_up(modules: list[str]) -> None:
    """In a new worker: import the renderers (a second or two), so charts are quick after."""
    for module in modules:
        with contextlib.suppress(Exception):  # then each chart of it is drawn by the caller
            importlib.import_module(module)


def _draw(payload: bytes) -> bytes | None:
    """In a worker: the chart's PNG, by the renderer named by its module and name (one defined
    inside a function, or only in the parent, is not found: the caller draws it)."""
    try:
        module, name, data = pickle.loads(payload)
        renderer = getattr(importlib.import_module(module), name)
    except Exception as error:
        raise NotDrawableHere(repr(error)) from None
    return renderer(data)


class ChartPool:
    """Draws charts in up to `processes` worker processes (0: in the calling thread)."""

    def __init__(self, processes: int | None = None, idle_stop_s: float = IDLE_STOP_S) -> None:
        self.processes = default_processes() if processes is None else processes
        self.idle_stop_s = idle_stop_s
        self._lock = threading.Lock()
        self._here = threading.Lock()  # held while a chart is drawn in a calling thread
        self._executor: ProcessPoolExecutor | None = None
        self._ready = False  # a worker has started and imported the renderers
        self._busy = 0  # charts being drawn by the workers
        self._last_used = time.monotonic()
        self._idle_timer: threading.Timer | None = None
        self._retry_start_at = 0.0  # after workers failed to start, draw here until then
        self._stopped = False
        self.starts = 0  # how many times workers were started

    # drawing ---------------------------------------------------------------------------------

    def render(self, chart: DigestChart) -> bytes | None:
        """The chart's PNG, or None when it has no renderer or its renderer fails (logged)."""
        renderer = registry.renderer_for(chart.key)
        if renderer is None or self.processes <= 0:
            return registry.render_chart(chart)
        executor = self._enter()
        if executor is None:  # starting, stopped, or could not start
            # One chart at a time is drawn here: drawing holds the interpreter lock, so many
            # threads drawing at once (a minute's digests, while the workers start) only take
            # turns on one core and hold up everything else; the others wait without the lock
            # and, once the workers are ready, hand their charts to them.
            with self._here:
                executor = self._enter()
                if executor is None:
                    return registry.render_chart(chart)
        try:
            return self._render_in(executor, chart, renderer)
        finally:
            self._leave()

    def _render_in(
        self, executor: ProcessPoolExecutor, chart: DigestChart, renderer: registry.ChartRenderer
    ) -> bytes | None:
        try:
            payload = pickle.dumps((renderer.__module__, renderer.__qualname__, chart.data))
        except Exception as error:  # e.g. a lambda in the data: it cannot leave this process
            logger.debug("chart %r drawn here, its data does not pickle: %r", chart.key, error)
            return registry.render_chart(chart)
        try:
            future = executor.submit(_draw, payload)
        except RuntimeError as error:  # the pool was stopped or broke meanwhile
            return self._draw_here(executor, chart, error)
        try:
            return future.result(timeout=CHART_TIMEOUT_S)
        except NotDrawableHere as error:
            logger.debug("chart %r drawn here: %s", chart.key, error)
            return registry.render_chart(chart)
        except (BrokenProcessPool, CancelledError) as error:  # a worker died, or stop()
            return self._draw_here(executor, chart, error)
        except TimeoutError:
            logger.error("chart %r took over %s s; left out", chart.key, CHART_TIMEOUT_S)
            return None
        except Exception:  # the renderer failed in the worker (its traceback is the cause)
            logger.exception("chart %r could not be drawn", chart.key)
            return None

    def _draw_here(
        self, executor: ProcessPoolExecutor, chart: DigestChart, error: BaseException
    ) -> bytes | None:
        logger.warning("chart workers unavailable (%r); drawing %r here", error, chart.key)
        self._discard(executor)
        return registry.render_chart(chart)

    # the worker processes --------------------------------------------------------------------

    def _enter(self) -> ProcessPoolExecutor | None:
        """The running workers, counted as busy; None (draw here) while they start."""
        with self._lock:
            if self._stopped or time.monotonic() < self._retry_start_at:
                return None
            if self._executor is None:
                self._start()
                return None
            if not self._ready:
                return None
            self._busy += 1
            return self._executor

    def _leave(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last_used = time.monotonic()

    def _start(self) -> None:
        """Start the workers (under the lock); each imports the renderers' modules first."""
        executor = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        self._executor, self._ready = executor, False
        self._last_used = time.monotonic()
        self.starts += 1
        logger.info("starting %d chart worker process(es)", self.processes)
        modules = sorted(registry.renderer_modules())
        for _ in range(self.processes):
            executor.submit(_warm_up, modules).add_done_callback(
                lambda future: self._warmed_up(executor, future)
            )
        self._arm_idle_timer(self.idle_stop_s)

    def _warmed_up(self, executor: ProcessPoolExecutor, future: Future) -> None:
        if future.cancelled():
            return
        error = future.exception()
        with self._lock:
            if self._executor is not executor:
                return
            if error is None:
                if not self._ready:
                    logger.info("chart workers ready")
                self._ready, self._last_used = True, time.monotonic()
                return
            self._executor, self._ready = None, False
            self._retry_start_at = time.monotonic() + RETRY_START_S
        logger.warning(
            "chart workers could not start (%r); drawing charts in this process for %s s",
            error,
            RETRY_START_S,
        )
        executor.shutdown(wait=False, cancel_futures=True)

    def _arm_idle_timer(self, delay_s: float) -> None:
        if self.idle_stop_s <= 0:
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        timer = threading.Timer(delay_s, self._stop_if_idle)
        timer.daemon = True
        self._idle_timer = timer
        timer.start()

    def _stop_if_idle(self) -> None:
        """The idle timer: stop the workers if no chart was drawn for idle_stop_s, else look
        again when that would be the case."""
        with self._lock:
            if self._executor is None or self._stopped:
                return
            idle_s = time.monotonic() - self._last_used
            if self._busy or not self._ready or idle_s < self.idle_stop_s:  # busy or starting
                self._arm_idle_timer(max(self.idle_stop_s - idle_s, 0.1))
                return
            executor, self._executor, self._ready = self._executor, None, False
            self._idle_timer = None
        executor.shutdown(wait=False)
        logger.info("chart workers stopped after %s s without a chart", self.idle_stop_s)

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor, self._ready = None, False
        executor.shutdown(wait=False, cancel_futures=True)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._executor is not None

    @property
    def ready(self) -> bool:
        with self._lock:
            return self._ready

    def stop(self) -> None:
        """Stop the workers (waiting for the charts they are drawing); charts asked for
        afterwards are drawn in the calling thread."""
        with self._lock:
            self._stopped = True
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
            executor, self._executor, self._ready = self._executor, None, False
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


# The pools of this process's running digest schedulers, newest last: digests posted while one
# runs (scheduled, or Send now in the same process) draw their charts through it.
_active: list[ChartPool] = []


def activate(pool: ChartPool) -> None:
    _active.append(pool)


def deactivate(pool: ChartPool) -> None:
    if pool in _active:
        _active.remove(pool)


def draw_chart(chart: DigestChart) -> bytes | None:
    """The chart's PNG (or None, see registry.render_chart): through the active pool, if any."""
    pool = _active[-1] if _active else None
    return pool.render(chart) if pool is not None else registry.render_chart(chart)
