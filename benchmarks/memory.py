"""Benchmark 4: resident memory of `workshop-bot serve --http`, idle and after the vote load.

Read from /proc/<pid>/status of the processes the vote benchmark runs (benchmarks.vote_latency):
VmRSS right after start-up (before any request), VmRSS once the vote load and the bot's
after-ack work are over, and VmHWM, the peak over the process's life. The floor is the bare Bolt
app's process under the same load: what Python, Bolt and slack_sdk take by themselves.
"""

from __future__ import annotations

from benchmarks.report import BenchmarkResult, Figure
from benchmarks.vote_latency import VoteRuns


def result(runs: VoteRuns) -> BenchmarkResult:
    bot, floor = runs.bot, runs.floor
    floor_name = "bare Bolt app"
    figures = [
        Figure("resident memory, idle", bot.rss_idle_mib, "MiB", floor.rss_idle_mib, floor_name),
        Figure(
            "resident memory, after the vote load",
            bot.rss_after_mib,
            "MiB",
            floor.rss_after_mib,
            floor_name,
        ),
        Figure("peak resident memory", bot.peak_rss_mib, "MiB", floor.peak_rss_mib, floor_name),
    ]
    grew = (
        None
        if bot.rss_after_mib is None or runs.bot_rss_after_setup_mib is None
        else bot.rss_after_mib - runs.bot_rss_after_setup_mib
    )
    notes = []
    if runs.bot_rss_after_setup_mib is not None and grew is not None:
        notes.append(
            f"After the workshop was set up through Slack (its phase changes draw charts) and "
            f"before the load: {runs.bot_rss_after_setup_mib:.0f} MiB; the load itself added "
            f"{grew:.0f} MiB."
        )
    return BenchmarkResult(
        "memory",
        "Memory",
        f"VmRSS of the `workshop-bot serve --http` process of the vote benchmark (scheduler "
        f"in-process, {runs.database}), and of the bare Bolt app under the same load.",
        figures,
        checks={"every reading taken": all(f.value is not None for f in figures)},
        notes=notes,
        details={
            "bot": {
                "idle_mib": bot.rss_idle_mib,
                "after_setup_mib": runs.bot_rss_after_setup_mib,
                "after_load_mib": bot.rss_after_mib,
                "peak_mib": bot.peak_rss_mib,
            },
            "floor": {
                "idle_mib": floor.rss_idle_mib,
                "after_load_mib": floor.rss_after_mib,
                "peak_mib": floor.peak_rss_mib,
            },
        },
    )
