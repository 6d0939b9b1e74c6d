import io

from matplotlib.image import imread

from bot.fixes.chart import MAX_BARS, votes_chart
from flows.voting import RankedFix
from tests.factories import fix_summary


def ranked(count):
    return [
        RankedFix(
            n,
            fix_summary(n, title=f"Fix number {n} " * 5),
            count - n,
            -1.0,
        )
        for n in range(1, count + 1)
    ]


def test_chart_is_a_png_that_grows_with_the_fixes():
    small, large = votes_chart(ranked(3), "Onboarding"), votes_chart(ranked(MAX_BARS + 10), "W")
    assert small.startswith(b"\x89PNG") and large.startswith(b"\x89PNG")
    small_height = imread(io.BytesIO(small)).shape[0]
    large_height = imread(io.BytesIO(large)).shape[0]
    assert large_height > small_height * 3


def test_no_fixes_no_chart():
    assert votes_chart([], "Onboarding") is None
    assert votes_chart(ranked(1), "Onboarding").startswith(b"\x89PNG")  # a single zero bar
