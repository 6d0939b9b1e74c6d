"""Colours for every chart: the Okabe–Ito palette, which stays distinguishable under the common
colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"; Wong 2011, Nature
Methods 8:441). Colour never carries meaning alone: each chart also uses a shape, a position or
a label for it (tests/bot/charts/test_colour_vision.py simulates deuteranopia on the PNGs)."""

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

# One colour per line of a chart with up to five series, in this order: these five stay ΔE ≥ 24
# apart for a deuteranope (tests/bot/charts/test_colour_vision.py).
LINES = (BLUE, VERMILLION, BLUISH_GREEN, BLACK, SKY_BLUE)

INK = "#1d3557"  # text and outlines
MUTED = "#6c757d"  # secondary text
BANDS = ("#f1f4f8", "#ffffff")  # the background bands that tell stages (or rows) apart
RULE = "#d0d7e1"  # thin lines between bands or columns
GRID = "#e3e7ee"  # grid lines along a scale
