"""The emotion curve's builders and chart, each on its own."""

from bot.emotions.blocks import (
    build_emotion_results,
    emotion_input,
    emotion_results_text,
    emotions_switched_text,
    feeling_from_option,
    feeling_label,
)
from bot.emotions.chart import curve_alt_text, render_emotion_curve
from bot.emotions.lines import chart_lines, draws_lines, lines_alt_text, render_emotion_lines
from flows.emotions import summarise_curve, summarise_lines
from tests.helpers import png_size, rendered

JOURNEY = [(1, "A", 10, "Find"), (2, "B", 10, "Find"), (3, "C", 20, "Buy"), (4, "D", 20, "Buy")]
# A −2 −1, B +1, C −1 +2, D −1 (tests/flows/test_emotions.py's worked example)
SUMS = {1: (2, -3), 2: (1, 1), 3: (2, 1), 4: (1, -1)}


def curve():
    return summarise_curve(7, "Onboarding", 1, JOURNEY, SUMS)


def test_the_question_reads_in_numbers_and_words_and_keeps_the_answer():
    block = emotion_input(12, -1).to_dict()
    assert block["block_id"] == "emotion:12" and block["optional"] is True
    labels = [o["text"]["text"] for o in block["element"]["options"]]
    assert labels[0] == "+2 😀 very positive" and labels[-1] == "−2 😣 very negative"
    assert block["element"]["initial_option"]["value"] == "negative"
    assert "initial_option" not in emotion_input(12, None).to_dict()["element"]
    assert feeling_label(0) == "0 😐 neutral"
    assert feeling_from_option("very_negative") == "-2"
    assert feeling_from_option("junk") == "junk"  # refused by the form's validation
    assert feeling_from_option(None) is None


def test_results_name_the_moments_that_matter():
    text = rendered(build_emotion_results(curve()))
    # A (−2 − 1) / 2 = −1.5; D −1.0; the stages: Find (−3 + 1) / 3 = −0.7, Buy (1 − 1) / 3 = 0.0
    assert "• *A* (Find): feels *−1.5* on −2…+2 (2 answers)" in text
    assert "• *D* (Buy): feels *−1.0* on −2…+2 (1 answer)" in text
    assert "*Per stage*: Find −0.7 · Buy 0.0" in text
    assert emotion_results_text(curve()) == "Emotion curve, round 1: lowest at A (−1.5)."


def test_results_without_a_low_point_or_any_feeling():
    high = summarise_curve(7, "T", 1, JOURNEY[:1], {1: (1, 2)})
    assert "never dips below neutral" in rendered(build_emotion_results(high))
    empty = summarise_curve(7, "T", 2, JOURNEY[:1], {})
    assert emotion_results_text(empty) == ("Nobody has said how the customer feels yet in round 2.")


def test_switch_texts():
    assert emotions_switched_text("<T>", True, True).startswith(
        "The emotion curve is on for *&lt;T"
    )
    assert emotions_switched_text("T", False, False).startswith("The emotion curve was already off")


def test_chart_is_a_png_with_alt_text():
    width, height = png_size(render_emotion_curve(curve()))
    assert width >= 800 and height > 400
    assert curve_alt_text(curve()) == (
        "Emotion curve, round 1, mean feeling on −2 to +2 per touchpoint. "
        "Find: A −1.5, B +1.0. Buy: C +0.5, D −1.0. Lowest: A, D."
    )


# The curve per persona and per round (worked example in tests/flows/test_emotions.py) --------

LINE_ROWS = [  # (round, persona, touchpoint, n, Σ)
    (1, 10, 1, 2, -3),  # round 1, parent: A −2 and −1
    (1, 20, 1, 1, 1),  # business: A +1
    (1, None, 2, 1, 2),  # no persona: B +2
    (2, 10, 1, 1, -1),  # round 2, parent: A −1, C −2
    (2, 10, 3, 1, -2),
]


def lines(personas=((10, "Parent"), (20, "Biz"))):
    return summarise_lines(7, "Onboarding", 2, JOURNEY, LINE_ROWS, list(personas))


def test_results_carry_the_mean_per_persona_and_the_change():
    text = rendered(build_emotion_results(lines().current, lines()))
    # parent round 2: (−1 − 2) / 2 = −1.5; business, latest in round 1: +1.0
    assert "*Per persona*: Parent −1.5 · Biz +1.0 (round 1)" in text
    # like for like over A: −1 − (−3 + 1) / 3 = −1/3 → −0.3
    assert "*Change*: −0.3 since round 1 (over the 1 touchpoint with feelings in both)" in text


def test_results_carry_the_mean_per_round_without_personas():
    by_round = lines(personas=())
    text = rendered(build_emotion_results(by_round.current, by_round))
    # round 1: (−3 + 1 + 2) / 4 = 0.0; round 2: (−1 − 2) / 2 = −1.5
    assert "*Per round*: round 1 0.0 · round 2 −1.5" in text


def test_lines_chart_one_line_per_persona_or_round_told_apart_without_colour():
    by_persona = chart_lines(lines())
    assert [line.label for line in by_persona] == ["Parent", "Biz (round 1)"]
    assert len({(line.marker, line.style) for line in by_persona}) == 2
    by_round = chart_lines(lines(personas=()))
    assert [(line.label, line.emphasised) for line in by_round] == [
        ("Round 1", False),
        ("Round 2 (now)", True),
    ]
    assert by_round[1].width > by_round[0].width and by_round[0].marker != by_round[1].marker
    width, height = png_size(render_emotion_lines(lines()))
    assert width >= 800 and height > 400
    assert draws_lines(lines()) and not draws_lines(None)


def test_lines_alt_text_names_every_line_and_its_lowest_point():
    assert lines_alt_text(lines()) == (
        "Emotion curve per persona, mean feeling on −2 to +2 per touchpoint. "
        "Parent: A −1.0, C −2.0; lowest C −2.0. Biz (round 1): A +1.0."
    )
    assert lines_alt_text(lines(personas=())) == (
        "Emotion curve per round, mean feeling on −2 to +2 per touchpoint. "
        "Round 1: A −0.7, B +2.0. Round 2 (now): A −1.0, C −2.0; lowest C −2.0, A −1.0."
    )
