"""Collect what the demo's stand-in recorded and write the preview next to the demo's results."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from demo.local import CHANNEL_NAME, CHANNEL_NAMES, OUTSIDER, PEOPLE
from demo.preview.mrkdwn import Directory
from demo.preview.page import render
from demo.preview.timeline import Recording, UploadedFile

if TYPE_CHECKING:
    from demo.script import DemoScript

PAGE = "preview.html"
IMAGES = "preview-files"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def recording(script: DemoScript, out: Path) -> Recording:
    """The stand-in's call log, the demo's steps, names, and the uploaded images (written to
    `out / IMAGES`, one file per distinct content, so the page can show them)."""
    standin = script.local.standin
    people = (*PEOPLE, OUTSIDER)
    directory = Directory(
        users={p.user_id: p.real_name for p in people} | {standin.bot_user_id: standin.bot_name},
        channels=dict(CHANNEL_NAMES),
    )
    dm_users = {standin.dm_channel_id(p.user_id): p.user_id for p in people}
    files: dict[str, UploadedFile] = {}
    for record in standin.files():
        path = None
        if record["name"].lower().endswith(_IMAGE_SUFFIXES):
            try:
                data = standin.file_bytes(record["id"])
            except KeyError:
                data = None
            if data is not None:
                suffix = Path(record["name"]).suffix.lower()
                name = hashlib.sha256(data).hexdigest()[:16] + suffix
                (out / IMAGES).mkdir(parents=True, exist_ok=True)
                (out / IMAGES / name).write_bytes(data)
                path = f"{IMAGES}/{name}"
        files[record["id"]] = UploadedFile(
            record["id"], record["name"], record["title"], record.get("alt_txt", ""), path
        )
    return Recording(
        calls=standin.calls,
        steps=list(script.steps),
        directory=directory,
        dm_users=dm_users,
        files=files,
        bot_name=standin.bot_name,
        title=f"What the team saw: #{CHANNEL_NAME} in {standin.team_name}",
    )


def write_preview(script: DemoScript) -> Path:
    """Write `preview.html` (and its images) into the demo's output folder."""
    out = script.out
    page = render(recording(script, out))
    path = out / PAGE
    path.write_text(page, encoding="utf-8")
    return path
