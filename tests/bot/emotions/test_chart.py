"""The frame both emotion charts draw their feelings in."""

from matplotlib.figure import Figure

from bot.emotions.chart import feeling_frame


def test_the_frame_has_a_column_per_touchpoint_and_the_feelings_up_the_side():
    axes = Figure().add_subplot()
    feeling_frame(axes, ["Search results page", "A touchpoint with a much longer name"])
    assert axes.get_xlim() == (-0.5, 1.5) and axes.get_ylim() == (-2.4, 2.4)
    assert [label.get_text() for label in axes.get_xticklabels()] == [
        "Search results page",
        "A touchpoint with a m…",
    ]
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "+2 very positive",
        "+1 positive",
        "0 neutral",
        "-1 negative",
        "-2 very negative",
    ]
    assert not axes.spines["top"].get_visible() and axes.spines["left"].get_visible()


def test_one_touchpoint_keeps_a_column_wide_frame_and_the_bottom_can_go_lower():
    axes = Figure().add_subplot()
    feeling_frame(axes, ["Delivery"], bottom=-2.5)
    assert axes.get_xlim() == (-0.5, 0.5) and axes.get_ylim() == (-2.5, 2.4)
