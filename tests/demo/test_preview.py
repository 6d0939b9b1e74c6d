"""`workshop-bot demo` writes preview.html: every surface the team saw, charts beside it."""

import io
import re

from rich.console import Console

from demo.preview.record import IMAGES, PAGE
from demo.preview.timeline import SURFACES
from demo.runner import run_demo


def test_demo_writes_a_preview_of_every_surface(tmp_path):
    out = tmp_path / "demo"
    run_demo(out, console=Console(file=io.StringIO()), quiet=True)
    html = (out / PAGE).read_text(encoding="utf-8")

    for kind in SURFACES:  # channel, thread, revision, ephemeral, dm, modal, home, file
        assert f'data-surface="{kind}"' in html, f"no {kind} in the preview"
    # the board is drawn at each phase: each section's last revision of it is open
    open_revisions = re.findall(r'<div class="surface surface-revision"', html)
    folded_revisions = re.findall(r'<details class="surface surface-revision"', html)
    assert len(open_revisions) >= 5 and folded_revisions
    assert "<b>Only visible to you</b> · shown to" in html
    # the second team's workshop compared with the first, in the channel and its thread
    assert "2 workshops compared</b>" in html and "Same touchpoint" in html
    assert 'class="modal-title"' in html and 'class="home-tabs"' in html
    assert 'class="btn btn-primary"' in html
    # names instead of ids, emoji instead of shortcodes
    assert "@Ana Lima" in html and "<@U0" not in html
    assert not re.search(r":(warning|white_check_mark|large_green_circle):", html)
    # charts are inline, from files beside the page
    images = re.findall(r'<img src="([^"]+)"', html)
    assert images and all((out / src).is_file() for src in images)
    assert all(src.startswith(f"{IMAGES}/") for src in images)
    assert all((out / src).read_bytes().startswith(b"\x89PNG") for src in images)
    # one file per distinct picture (the digest re-uploads charts the thread already had)
    saved = list((out / IMAGES).iterdir())
    assert len(saved) == len(set(images)) == len({p.read_bytes() for p in saved}) < len(images)
