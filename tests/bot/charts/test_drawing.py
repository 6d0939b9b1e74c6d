"""The chart helpers every chart shares."""

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.charts.drawing import hide_spines, new_figure, png_bytes, short, title_and_note
from tests.helpers import PNG_SIGNATURE, png_size


def test_a_new_figure_has_its_size_its_resolution_and_a_canvas_to_draw_on():
    figure = new_figure(4, 3, 50)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    assert tuple(figure.get_size_inches()) == (4, 3) and figure.dpi == 50
    assert figure.get_layout_engine() is None
    assert new_figure(4, 3, 50, layout="constrained").get_layout_engine() is not None
    assert png_size(png_bytes(figure)) == (200, 150)


def test_a_label_is_cut_to_its_limit_with_an_ellipsis():
    assert short("Checkout", 8) == "Checkout"  # 8 characters: kept
    assert short("Checkouts", 8) == "Checkou…"  # 9: 7 kept and the ellipsis makes 8


def test_the_open_sides_lose_their_frame_line_and_any_named_sides_can():
    figure = Figure(figsize=(4, 3))
    open_top, bare = figure.add_subplot(2, 1, 1), figure.add_subplot(2, 1, 2)
    hide_spines(open_top)
    hide_spines(bare, bare.spines.keys())
    shown = {side: spine.get_visible() for side, spine in open_top.spines.items()}
    assert shown == {"left": True, "right": False, "bottom": True, "top": False}
    assert not any(spine.get_visible() for spine in bare.spines.values())


def test_the_title_and_the_note_sit_at_the_left():
    figure = Figure(figsize=(4, 3))
    title_and_note(figure, "Emotion curve", "Mean feeling per touchpoint")
    title = figure.get_suptitle()
    [note] = figure.texts[-1:]
    assert title == "Emotion curve" and note.get_text() == "Mean feeling per touchpoint"
    assert note.get_position() == (0.02, 0.02) and note.get_fontsize() == 7.5


def test_the_png_is_the_same_bytes_each_time_and_has_the_figures_size():
    figure = Figure(figsize=(4, 3), dpi=50)
    FigureCanvasAgg(figure)
    figure.add_subplot().plot([1, 2, 3])
    first, second = png_bytes(figure), png_bytes(figure)
    assert first.startswith(PNG_SIGNATURE) and first == second
    assert b"Software" not in first
    assert png_size(first) == (200, 150)  # 4 × 50 by 3 × 50 pixels
    assert png_size(png_bytes(figure, dpi=100)) == (400, 300)
