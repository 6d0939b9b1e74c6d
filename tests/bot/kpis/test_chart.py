import struct
from datetime import date, datetime

import pytest

from bot.kpis.chart import DPI, MAX_PANELS, PANEL_HEIGHT_IN, PANEL_WIDTH_IN, render_kpi_chart
from flows.kpi_catalogue import BUILT_IN_KPIS
from flows.kpis import KpiTable, _row
from storage.models import KpiValue
from tests.helpers import PNG_SIGNATURE


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def row(kpi, series, target=None, benchmark=None, stage=None):
    values = [
        KpiValue(
            team_id="T1",
            workshop_id=1,
            kpi_key=kpi.key,
            period_end=date(2024 + (2 + i) // 12, (2 + i) % 12 + 1, 28),
            value=value,
            target=target if i else None,
            benchmark=benchmark,
            recorded_by="U1",
            recorded_at=datetime(2025, 1, 1),
        )
        for i, value in enumerate(series)
    ]
    return _row(kpi, stage, values)


def table(rows):
    return KpiTable(1, "T1", "C1", None, "Onboarding", 6, rows)


def test_a_chart_of_every_built_in_kpi_is_a_png_of_three_columns():
    series = {
        "nps": [-12, -3, 8, 14, 22, 31],
        "csat": [78, 80, 83, 84.5, 86, 85],
        "ces": [3.9, 3.6, 3.5, 3.2, 3.3, 3.1],
        "retention": [86, 87, 88.3, 89, 90, 91],
        "churn": [14, 13, 11.7, 11, 10, 9],
        "clv": [1100, 1150, 1200, 1260, 1300, 1320],
        "referral": [4, 4.5, 5, 5.5, 5.5, 5.5],
        "first_response": [95, 80, 62, 48, 40, 35],
    }
    rows = [
        row(kpi, series[kpi.key], target=series[kpi.key][2], benchmark=series[kpi.key][0])
        for kpi in BUILT_IN_KPIS
    ]
    png = render_kpi_chart(table(rows))
    assert png.startswith(PNG_SIGNATURE)
    width, height = size(png)
    assert width > height  # 3 columns × 3 lines of panels, wider than tall
    assert height == pytest.approx((PANEL_HEIGHT_IN * 3 + 0.7) * DPI, abs=2)


def test_a_single_kpi_with_a_single_period_still_draws():
    png = render_kpi_chart(table([row(BUILT_IN_KPIS[0], [0.0])]))
    assert png.startswith(PNG_SIGNATURE)
    width, height = size(png)
    assert width == pytest.approx(PANEL_WIDTH_IN * DPI, abs=2)  # one column
    assert height == pytest.approx((PANEL_HEIGHT_IN + 0.7) * DPI, abs=2)


def test_a_flat_series_at_the_edge_of_its_range_draws():
    png = render_kpi_chart(table([row(BUILT_IN_KPIS[1], [100.0, 100.0, 100.0], target=100)]))
    assert png.startswith(PNG_SIGNATURE)


def test_more_kpis_than_panels_are_capped():
    rows = [row(BUILT_IN_KPIS[0], [10, 20], stage=f"Stage {n}") for n in range(MAX_PANELS + 5)]
    _, height = size(render_kpi_chart(table(rows)))
    assert height == pytest.approx((PANEL_HEIGHT_IN * MAX_PANELS / 3 + 0.7) * DPI, abs=2)


def test_no_rows_no_chart():
    with pytest.raises(ValueError, match="no KPI values to chart"):
        render_kpi_chart(table([]))
