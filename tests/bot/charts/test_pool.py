"""Digest charts drawn in worker processes: the same PNG as drawn in the thread, and every way the
workers can fail ends with the chart drawn in the thread (or, if its renderer fails, left out).

These start real (spawned) worker processes. No test asserts a duration: waits for the workers
have an upper bound for a busy machine only.
"""

import json
import logging
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

import pytest

from bot.charts import pool as chart_pool
from bot.charts import registry
from bot.charts.pool import ChartPool, draw_chart
from flows.digest import DigestChart, PhaseSpan, build_digest
from flows.fixes import FixDraft, propose_fix
from flows.voting import change_vote
from storage.models import Phase
from tests.factories import touchpoint_ids
from tests.report_fixtures import full_workshop, set_phase

WAIT = 60  # an upper bound for a busy machine, never an expected duration
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SPANS = [
    PhaseSpan(Phase.setup, NOW - timedelta(days=3), NOW - timedelta(days=1)),
    PhaseSpan(Phase.stakeholders, NOW - timedelta(days=1), NOW),
]
TIMELINE = DigestChart("phase_timeline", SPANS, "alt")


pytestmark = pytest.mark.usefixtures("reports")


def wait_until(predicate, what):
    deadline = time.monotonic() + WAIT
    while not predicate():
        assert time.monotonic() < deadline, f"still not {what} after {WAIT} s"
        time.sleep(0.05)


@pytest.fixture
def pools():
    started = []

    def make(processes=1, **kwargs):
        pool = ChartPool(processes, **kwargs)
        started.append(pool)
        return pool

    yield make
    for pool in started:
        pool.stop()


@pytest.fixture
def drawn_here(monkeypatch):
    """The charts drawn in this process (not by a worker), by key."""
    keys = []
    render_here = registry.render_chart

    def counting(chart):
        keys.append(chart.key)
        return render_here(chart)

    monkeypatch.setattr(registry, "render_chart", counting)
    return keys


def ready_pool(make, **kwargs):
    """A pool whose worker has started: the first chart starts it (and is drawn here)."""
    pool = make(**kwargs)
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    wait_until(lambda: pool.ready, "ready")
    return pool


def test_every_digest_chart_comes_back_from_a_worker_as_drawn_here(session, pools, drawn_here):
    workshop = full_workshop(session)
    touchpoints = list(touchpoint_ids(session, workshop).values())
    fix = propose_fix(session, workshop.team_id, workshop.id, "U1", FixDraft("Fix", touchpoints[0]))
    set_phase(session, workshop, Phase.voting)
    change_vote(session, workshop.team_id, workshop.id, "U1", fix.id, 0, 1)
    set_phase(session, workshop, Phase.closed)  # the tallies are visible
    charts = [s.chart for s in build_digest(session, workshop, None).sections if s.chart]
    charts.append(TIMELINE)  # (a closed workshop's digest has none)
    assert {c.key for c in charts} == {
        "phase_timeline",
        "journey_gaps",
        "kpi_trends",
        "fix_votes",
        "stakeholder_grid",
    }
    pool = ready_pool(pools)
    drawn_here.clear()

    from_worker = [pool.render(chart) for chart in charts]

    assert drawn_here == []  # all of them were drawn by the worker
    assert from_worker == [registry.render_chart(chart) for chart in charts]
    assert all(png.startswith(b"\x89PNG") for png in from_worker)


def test_a_renderer_that_fails_in_the_worker_leaves_the_chart_out(pools, drawn_here, caplog):
    pool = ready_pool(pools)
    drawn_here.clear()
    broken = DigestChart("phase_timeline", ["not a span"], "alt")
    with caplog.at_level(logging.ERROR, logger="bot.charts.pool"):
        assert pool.render(broken) is None
    assert drawn_here == []  # not tried again here: it would fail the same way
    assert "chart 'phase_timeline' could not be drawn" in caplog.text
    assert "AttributeError" in caplog.text  # the worker's traceback
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)  # the worker carries on


def test_what_cannot_go_to_a_worker_is_drawn_here(pools, drawn_here, monkeypatch):
    pool = ready_pool(pools)

    def local_chart(data):
        return b"\x89PNG local " + data.encode()

    # registered in this process only: no worker has it
    monkeypatch.setitem(registry._renderers, "test_local_chart", local_chart)

    drawn_here.clear()
    assert pool.render(DigestChart("test_local_chart", "x", "alt")) == b"\x89PNG local x"
    unpicklable = DigestChart("phase_timeline", [*SPANS, lambda: None], "alt")
    assert pool.render(unpicklable) is None  # drawn here: its renderer fails on the lambda
    assert drawn_here == ["test_local_chart", "phase_timeline"]
    assert pool.starts == 1


def test_a_killed_worker_is_replaced_and_the_chart_drawn_here(pools, drawn_here):
    pool = ready_pool(pools)
    for process in list(pool._executor._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
    drawn_here.clear()
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    assert drawn_here[0] == "phase_timeline"  # drawn here, not lost
    wait_until(lambda: pool.render(TIMELINE) and pool.ready, "ready again")
    assert pool.starts == 2


def test_workers_that_cannot_start_are_not_retried_at_once(pools, drawn_here, caplog):
    pool = pools()
    assert pool.render(TIMELINE)  # starts the workers, drawn here meanwhile
    executor = pool._executor
    failed: Future = Future()
    failed.set_exception(RuntimeError("spawn failed"))
    with caplog.at_level(logging.WARNING, logger="bot.charts.pool"):
        pool._warmed_up(executor, failed)
    assert "chart workers could not start" in caplog.text
    drawn_here.clear()
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    assert drawn_here[0] == "phase_timeline"
    assert not pool.running and pool.starts == 1  # not started again for RETRY_START_S


def test_idle_workers_stop_and_start_again_for_the_next_chart(pools):
    pool = ready_pool(pools, idle_stop_s=0.5)
    wait_until(lambda: not pool.running, "stopped")
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    assert pool.running and pool.starts == 2


def test_a_stopped_pool_draws_in_the_calling_thread(pools, drawn_here):
    pool = ready_pool(pools)
    pool.stop()
    drawn_here.clear()
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    assert drawn_here[0] == "phase_timeline"
    assert not pool.running and pool.starts == 1


def test_no_processes_means_drawing_in_the_calling_thread(pools, drawn_here):
    pool = pools(processes=0)
    assert pool.render(TIMELINE) == registry.render_chart(TIMELINE)
    assert drawn_here[0] == "phase_timeline"
    assert not pool.running


def test_digests_draw_through_the_active_pool(monkeypatch, drawn_here):
    used = []

    class Recording(ChartPool):
        def render(self, chart):
            used.append(chart.key)
            return b"\x89PNG from the pool"

    pool = Recording(0)
    chart_pool.activate(pool)
    try:
        assert draw_chart(TIMELINE) == b"\x89PNG from the pool"
    finally:
        chart_pool.deactivate(pool)
    assert draw_chart(TIMELINE) == registry.render_chart(TIMELINE)  # no pool: drawn here
    assert used == ["phase_timeline"]


def test_the_default_leaves_a_core_to_the_bot(monkeypatch):
    for cores, processes in ((1, 0), (2, 1), (4, 3), (16, chart_pool.MAX_PROCESSES)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert chart_pool.default_processes() == processes


# A parent that starts a pool, has a worker draw a chart, prints the pids of its workers and of
# multiprocessing's resource tracker, then waits to be killed.
PARENT_SCRIPT = """
import json, multiprocessing.resource_tracker as tracker, sys, time
from bot.charts.pool import ChartPool
from tests.bot.charts.test_pool import TIMELINE, wait_until
pool = ChartPool(2, idle_stop_s=0)
pool.render(TIMELINE)
wait_until(lambda: pool.ready, "ready")
assert pool.render(TIMELINE)
workers = list(pool._executor._processes)
print(json.dumps({"workers": workers, "tracker": tracker._resource_tracker._pid}), flush=True)
time.sleep(600)
"""


def running(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for a reaper has stopped running)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_and_the_resource_tracker_exit_when_the_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    try:
        started = json.loads(parent.stdout.readline())
        pids = [*started["workers"], started["tracker"]]
        assert len(pids) == 3 and all(running(pid) for pid in pids)
    finally:
        parent.kill()  # SIGKILL: no atexit, no executor shutdown
        parent.wait()
    try:
        wait_until(lambda: not any(running(pid) for pid in pids), "gone")
    finally:  # a failure here must not leave them behind either
        for pid in filter(running, pids):
            os.kill(pid, signal.SIGKILL)
