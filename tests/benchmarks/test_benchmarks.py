"""The benchmarks run end to end at a tiny size and produce a complete table: every figure has a
number, every compared figure a ratio to its floor, every correctness check passes, and the
table is written as Markdown and JSON. No time is asserted: the machine is shared and times
vary; the figures themselves come from full runs (README, "Benchmarks")."""

import io
import json
import math
import os
from urllib.parse import parse_qs, urlencode

import pytest
from rich.console import Console

import bot.app
from benchmarks import floor_app
from benchmarks.__main__ import BENCHMARKS, main, run_benchmarks
from benchmarks.report import RESULTS_JSON, RESULTS_MD
from benchmarks.stats import median, percentile, ratio
from benchmarks.vote_latency import TINY, without_view_hash


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("benchmark-results")
    console = Console(file=io.StringIO(), width=160)
    results = run_benchmarks(
        "tiny", BENCHMARKS, os.environ.get("TEST_DATABASE_URL"), out, console=console
    )
    return {result.key: result for result in results}, out, console.file.getvalue()


def test_every_benchmark_reports(tiny):
    results, _, printed = tiny
    assert set(results) == set(BENCHMARKS)
    for result in results.values():
        assert result.title in printed


def test_every_figure_has_a_number_and_compared_ones_a_ratio(tiny):
    results, _, _ = tiny
    for result in results.values():
        assert result.figures, result.key
        for figure in result.figures:
            assert figure.value is not None and math.isfinite(figure.value), figure
            if figure.floor is not None:
                assert figure.floor > 0 or figure.unit == "", figure
                if figure.floor > 0:
                    assert figure.ratio == pytest.approx(figure.value / figure.floor)


def test_every_correctness_check_passes(tiny):
    results, _, _ = tiny
    failed = {(r.key, name) for r in results.values() for name, ok in r.checks.items() if not ok}
    assert not failed


def test_vote_latency_against_the_bare_bolt_app(tiny):
    votes = tiny[0]["votes"]
    for load in ("3 people, a click every 0.05–0.15 s each", "closed loop, no pause"):
        median_ms = votes.figure(f"median time to HTTP response, {load}")
        p99 = votes.figure(f"p99 time to HTTP response, {load}")
        assert median_ms.floor_name == p99.floor_name == "bare Bolt app"
        assert p99.value >= median_ms.value and p99.floor >= median_ms.floor
        assert p99.met in (True, False)  # judged, whatever the verdict on this machine
        assert votes.figure(f"throughput, {load}").value > 0
    # The pauses cap the paced load whatever the machine's speed: each of the TINY run's 3 people
    # waits at least 0.05 s after every answer, so at most 3 / 0.05 = 60 clicks a second. (Paced
    # against unpaced throughput depends on the machine's load, so it is not compared.)
    paced = votes.details["bot_paced"]["throughput_per_s"]
    assert 0 < paced <= TINY.users / TINY.think_s[0]
    for server in ("bot", "floor", "raw_http", "bot_paced", "floor_paced"):
        details = votes.details[server]
        assert set(details["statuses"]) == {200} and details["failures"] == 0
        assert details["answered_in_window"] > 0
    assert votes.details["bot"]["server_cpu_ms_per_request"] > 0


def test_summary_on_each_backend(tiny):
    summary = tiny[0]["summary"]
    backends = ["SQLite"] + (["PostgreSQL"] if os.environ.get("TEST_DATABASE_URL") else [])
    names = [figure.name for figure in summary.figures]
    assert names == [
        f"{what}, {backend}"
        for backend in backends
        for what in ("gap results", "digest (build + Block Kit)")
    ]
    for backend in backends:
        assert summary.checks[f"gap results agree with the raw aggregate ({backend})"]


def test_fanout_delivers_every_digest_exactly_once(tiny):
    fanout = tiny[0]["fanout"]
    assert fanout.checks[
        "every digest posted exactly once (one chat.postMessage success per workshop)"
    ]
    assert fanout.checks["one claim row per schedule, every one sent"]
    assert fanout.details["claims"] == {"sent": 6}
    assert fanout.checks["every digest's 2 thread replies posted once each"]
    # 6 workshops over 3 channels: 2 digests per channel, each a top message and 2 replies
    # (progress, participation): 6 posts per channel, the last 5 s after the first.
    assert fanout.details["posts_per_digest"] == 3
    assert fanout.details["minimum_s"] == 5.0
    assert fanout.figure("all 6 digests posted, each with its 2 thread replies").floor == 5.0


def test_memory_of_the_serve_process(tiny):
    memory = tiny[0]["memory"]
    idle = memory.figure("resident memory, idle")
    assert idle.value > 0 and idle.floor > 0
    assert memory.figure("peak resident memory").value >= idle.value


def test_the_table_is_written(tiny):
    results, out, _ = tiny
    table = (out / RESULTS_MD).read_text(encoding="utf-8")
    assert "| Benchmark | Figure | Measured | Floor | Ratio | Goal |" in table
    for result in results.values():
        assert result.title in table
    written = json.loads((out / RESULTS_JSON).read_text(encoding="utf-8"))
    assert written["machine"]["cores"] == os.cpu_count()
    assert [r["key"] for r in written["results"]] == list(BENCHMARKS)
    for figure in (f for r in written["results"] for f in r["figures"]):
        assert "ratio" in figure and "value" in figure


def test_an_unknown_benchmark_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "nonsense"])
    assert "invalid choice" in capsys.readouterr().err


def test_nearest_rank_percentiles_by_hand():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0.5) == 3.0  # the 3rd of 5
    assert percentile(values, 0.99) == 5.0  # ceil(4.95) = 5th
    assert percentile(values, 0.2) == 1.0  # ceil(1.0) = 1st
    assert percentile([], 0.99) is None
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
    assert ratio(3.0, 2.0) == 1.5 and ratio(1.0, 0.0) is None


def test_replayed_clicks_drop_only_the_view_hash():
    payload = {"type": "block_actions", "view": {"id": "V1", "hash": "h1"}, "actions": [{}]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    replayed = json.loads(parse_qs(without_view_hash(body).decode())["payload"][0])
    assert replayed == {"type": "block_actions", "view": {"id": "V1"}, "actions": [{}]}


def test_the_floor_app_runs_bolt_as_the_bot_does():
    assert floor_app.LISTENER_THREADS == bot.app.LISTENER_THREADS
    assert floor_app.WEB_API_TIMEOUT_S == bot.app.WEB_API_TIMEOUT_S
