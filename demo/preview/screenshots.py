"""Screenshots of the preview for the README, with headless Chromium (Debian's `chromium`).

    uv run python -m demo.preview.screenshots            # runs the demo, writes docs/screenshots
    uv run python -m demo.preview.screenshots --demo DIR # shoots an existing demo output

Each shot is one element of preview.html (found by the kind of surface and the step it is in,
never by what the bot wrote), captured at a desktop (1280 px) or phone (390 px) width over the
DevTools protocol, then reduced to a 256-colour PNG to stay small.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import websocket
from PIL import Image

DESKTOP, PHONE = 1280, 390

# JavaScript: the `nth` (negative: from the end) element matching `selector` inside the first
# step whose title contains `step` (any step when none does).
_FIND = """(() => {
  const [step, selector, nth] = %s;
  const sections = [...document.querySelectorAll('main section')];
  const chosen = sections.filter(s => s.querySelector('h2').textContent.includes(step));
  for (const section of (chosen.length ? chosen : [document])) {
    const found = [...section.querySelectorAll(selector)];
    if (found.length) return found[nth < 0 ? found.length + nth : Math.min(nth, found.length - 1)];
  }
  return document.body;
})()"""


@dataclass(frozen=True)
class Shot:
    name: str
    width: int
    step: str  # text in the step's title
    selector: str
    nth: int = 0
    max_height: int = 1400

    def script(self) -> str:
        return _FIND % json.dumps([self.step, self.selector, self.nth])


SHOTS = (
    Shot("board-desktop.png", DESKTOP, "Leaving the stakeholders", "div.surface-revision", -1),
    Shot("board-phone.png", PHONE, "Leaving the stakeholders", "div.surface-revision", -1),
    Shot("rating-form-phone.png", PHONE, "Gap rating", ".surface-modal", 0, 1200),
    Shot("results-thread-desktop.png", DESKTOP, "Leaving the rating", ".surface-file", 0, 1100),
    Shot("home-desktop.png", DESKTOP, "Home tab", ".surface-home", -1),
    Shot("overview-phone.png", PHONE, "", "body", 0, 1000),
    Shot("digest-phone.png", PHONE, "After the workshop", ".surface-channel", -1),
    Shot("followed-home-phone.png", PHONE, "After the workshop", ".surface-home", 1),
    Shot("compare-phone.png", PHONE, "Another team", ".surface-channel", -1),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One headless Chromium, driven over the DevTools protocol."""

    def __init__(self, binary: str = "chromium") -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._id = 0
        self.ws = websocket.create_connection(self._page_socket(), suppress_origin=True)

    def _page_socket(self) -> str:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json") as answer:
                    tabs = json.load(answer)
                return next(t for t in tabs if t["type"] == "page")["webSocketDebuggerUrl"]
            except (OSError, StopIteration):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def call(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def shoot(self, url: str, shot: Shot) -> bytes:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=shot.width,
            height=1000,
            deviceScaleFactor=1,
            mobile=shot.width < 600,
        )
        self.call("Page.navigate", url=url)
        self._wait_loaded()
        self.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        time.sleep(1.0)  # let the images load and the layout settle before measuring
        box = json.loads(
            str(
                self.evaluate(
                    "JSON.stringify((e => { const b = e.getBoundingClientRect();"
                    " return [b.left + scrollX, b.top + scrollY, b.width, b.height]; })"
                    f"({shot.script()}))"
                )
            )
        )
        x, y, width, height = box
        pad = 8
        clip = {
            "x": max(0, x - pad),
            "y": max(0, y - pad),
            "width": min(shot.width, width + 2 * pad),
            "height": min(shot.max_height, height + 2 * pad),
            "scale": 1,
        }
        picture = self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        return base64.b64decode(picture["data"])

    def _wait_loaded(self) -> None:
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError("the preview did not load")
            time.sleep(0.2)

    def close(self) -> None:
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)


def small_png(png: bytes) -> bytes:
    """The picture as a 256-colour PNG (text and flat colours lose nothing visible)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(page: Path, out: Path, shots: tuple[Shot, ...] = SHOTS) -> list[Path]:
    """Write each shot of `page` (a preview.html) into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(shutil.which("chromium") or "chromium")
    written = []
    try:
        for shot in shots:
            path = out / shot.name
            path.write_bytes(small_png(browser.shoot(page.resolve().as_uri(), shot)))
            written.append(path)
    finally:
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--demo", type=Path, help="an existing demo output folder")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    if args.demo is None:
        from rich.console import Console

        from demo.runner import run_demo

        args.demo = Path(tempfile.mkdtemp(prefix="demo-preview-"))
        run_demo(args.demo, Console(), quiet=True)
    for path in take(args.demo / "preview.html", args.out):
        print(f"{path} ({path.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
