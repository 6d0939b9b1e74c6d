"""The team-against-customers chart: a PNG with two rows per touchpoint, and its alt text."""

from bot.customers.chart import DPI, ROW_HEIGHT_IN, chart_alt_text, render_customer_chart
from tests.bot.customers.report_fixtures import checkout, report
from tests.helpers import png_size


def test_two_rows_per_touchpoint():
    one, three = report(comparisons=[checkout()]), report()
    height_one = png_size(render_customer_chart(one))[1]
    height_three = png_size(render_customer_chart(three))[1]
    # Two more touchpoints are four more rows.
    assert abs((height_three - height_one) - 4 * ROW_HEIGHT_IN * DPI) <= 2


def test_the_alt_text_says_what_the_shapes_mean_and_names_the_blind_spots():
    text = chart_alt_text(report())
    assert "hollow circle" in text and "filled square" in text
    assert (
        "Checkout: expect customers 6.6, team 4.3; get customers 5.1, team 5.3; blind spot: the "
        "team underestimates what customers expect." in text
    )
    assert "Website: expect customers –, team –" in text
