"""The phase timeline chart: a PNG, with each phase's duration written on it."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from bot.charts.registry import register_chart, render_chart
from bot.workshop import chart as phase_timeline
from bot.workshop.chart import duration_label, phase_timeline_png
from flows.digest import DigestChart, PhaseSpan
from storage.models import Phase
from tests.factories import utc


def test_durations_read_naturally():
    assert duration_label(timedelta(days=3, hours=4, minutes=5)) == "3 d 4 h"
    assert duration_label(timedelta(days=2)) == "2 d"
    assert duration_label(timedelta(hours=5, minutes=10)) == "5 h 10 min"
    assert duration_label(timedelta(minutes=12, seconds=5)) == "12 min"
    assert duration_label(timedelta(seconds=40)) == "40 s"
    assert duration_label(timedelta(milliseconds=300)) == "< 1 s"


def test_the_chart_is_a_png():
    spans = [
        PhaseSpan(Phase.setup, utc(2026, 11, 2, 9), utc(2026, 11, 2, 11)),
        PhaseSpan(Phase.stakeholders, utc(2026, 11, 2, 11), utc(2026, 11, 5)),
    ]
    png = phase_timeline_png(spans)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert render_chart(DigestChart("phase_timeline", spans, "alt")) == png  # via the registry


def test_unknown_and_failing_charts_are_left_out():
    assert render_chart(DigestChart("no_such_chart", None, "alt")) is None

    @register_chart("broken_chart")
    def broken(data):
        raise ValueError("bad data")

    assert render_chart(DigestChart("broken_chart", None, "alt")) is None


LONG = [
    PhaseSpan(phase, utc(2026, 11, 2 + 2 * n, 9), utc(2026, 11, 4 + 2 * n, 9))
    for n, phase in enumerate([Phase.setup, Phase.stakeholders, Phase.rating, Phase.fixes])
]
SHORT = [PhaseSpan(Phase.setup, utc(2026, 11, 2, 9), utc(2026, 11, 2, 9, 0, 40))]


def test_a_kept_figure_draws_what_a_new_one_draws(monkeypatch):
    monkeypatch.setattr(phase_timeline, "_spare_figures", [])
    long_first = phase_timeline_png(LONG)  # a new figure, kept afterwards
    assert len(phase_timeline._spare_figures) == 1
    short_after_long = phase_timeline_png(SHORT)  # the kept one, emptied and resized
    assert len(phase_timeline._spare_figures) == 1
    long_after_short = phase_timeline_png(LONG)

    monkeypatch.setattr(phase_timeline, "_spare_figures", [])
    short_new = phase_timeline_png(SHORT)

    assert short_after_long == short_new
    assert long_after_short == long_first
    assert short_new != long_first


def test_a_figure_whose_drawing_failed_is_not_kept(monkeypatch):
    monkeypatch.setattr(phase_timeline, "_spare_figures", [])
    expected = phase_timeline_png(LONG)
    kept = phase_timeline._spare_figures[0]

    def fail(duration):
        raise RuntimeError("half-way")

    monkeypatch.setattr(phase_timeline, "duration_label", fail)
    assert render_chart(DigestChart("phase_timeline", LONG, "alt")) is None  # the text fallback
    assert phase_timeline._spare_figures == []  # the half-drawn figure is gone

    monkeypatch.undo()
    monkeypatch.setattr(phase_timeline, "_spare_figures", [])
    assert phase_timeline_png(LONG) == expected
    assert phase_timeline._spare_figures[0] is not kept


def test_threads_drawing_at_once_each_get_their_own_chart(monkeypatch):
    monkeypatch.setattr(phase_timeline, "_spare_figures", [])
    expected = {"long": phase_timeline_png(LONG), "short": phase_timeline_png(SHORT)}
    jobs = ["long", "short"] * 12
    with ThreadPoolExecutor(6) as pool:
        drawn = list(
            pool.map(lambda job: phase_timeline_png(LONG if job == "long" else SHORT), jobs)
        )
    assert drawn == [expected[job] for job in jobs]
    assert 1 <= len(phase_timeline._spare_figures) <= phase_timeline.MAX_SPARE_FIGURES
