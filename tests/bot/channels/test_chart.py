from bot.channels.chart import heatmap_alt_text, render_channel_heatmap
from tests.bot.channels.test_blocks import example
from tests.helpers import png_size


def test_heat_map_is_a_png_with_alt_text_in_words():
    results = example()
    width, height = png_size(render_channel_heatmap(results))
    assert width > 300 and height > 200
    assert heatmap_alt_text(results) == (
        "Heat map of the mean gap by channel and stage, round 1. "
        "Find: Web −2.0, App +1.0. Buy: Store −1.5."
    )
