"""The README's screenshots: small PNGs of chosen surfaces, taken with headless Chromium."""

import io
import json
import shutil
from types import SimpleNamespace

import pytest
from PIL import Image

from demo.preview.mrkdwn import Directory
from demo.preview.page import render
from demo.preview.screenshots import PHONE, SHOTS, Shot, small_png, take
from demo.preview.timeline import Recording, Step


def png(width, height, colours):
    image = Image.new("RGB", (width, height))
    image.putdata([colours[i % len(colours)] for i in range(width * height)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_small_png_keeps_the_size_and_at_most_256_colours():
    many = [(i % 256, (i * 7) % 256, (i * 13) % 256) for i in range(4000)]
    reduced = Image.open(io.BytesIO(small_png(png(200, 100, many))))
    assert reduced.size == (200, 100) and reduced.mode == "P"
    assert len(reduced.getcolors(maxcolors=100_000)) <= 256


def test_small_png_keeps_flat_colours_exactly():
    flat = [(255, 255, 255), (0, 122, 90), (29, 28, 29)]
    reduced = Image.open(io.BytesIO(small_png(png(30, 30, flat)))).convert("RGB")
    assert {colour for _, colour in reduced.getcolors()} == set(flat)


def test_shot_script_carries_its_arguments_as_json():
    shot = Shot("x.png", PHONE, 'Step "one"', ".surface-modal", -1)
    assert json.dumps(['Step "one"', ".surface-modal", -1]) in shot.script()


def test_shot_names_are_unique_pngs():
    names = [s.name for s in SHOTS]
    assert len(set(names)) == len(names) and all(n.endswith(".png") for n in names)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_take_shoots_the_chosen_surface_at_its_width(tmp_path):
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "Board"}}]

    call = SimpleNamespace(
        method="chat.postMessage",
        params={"channel": "C0J", "text": "Board", "blocks": blocks},
        response={"ok": True},
    )
    page = tmp_path / "preview.html"
    page.write_text(
        render(Recording([call], [Step(0, "Setting up", section=True)], Directory())),
        encoding="utf-8",
    )
    shots = (
        Shot("channel.png", PHONE, "Setting up", ".surface-channel"),
        Shot("top.png", 1280, "", "body", 0, 300),
    )
    channel, top = take(page, tmp_path / "shots", shots)
    width, height = Image.open(channel).size
    assert width <= PHONE and 60 < height < 400  # one framed message, not the page
    assert Image.open(top).size == (1280, 300)  # cut at its max height
