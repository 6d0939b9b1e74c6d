"""The phase timeline chart: a PNG, with each phase's duration written on it."""

from datetime import timedelta

from bot.charts.phase_timeline import duration_label, phase_timeline_png
from bot.charts.registry import register_chart, render_chart
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
