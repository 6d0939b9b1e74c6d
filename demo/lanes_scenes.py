"""Demo scenes of the journey's other lanes (issue 17): channels.

In setup the facilitator says through which channel each touchpoint happens; the gap results
then carry the results per channel, the omnichannel spread per stage and the heat map, which
land in the demo's output folder.
"""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks import unescape
from demo.local import CHANNEL_ID
from demo.script import DemoScript

# The channel of each touchpoint of the default journey.
CHANNEL_OF: dict[str, str] = {
    "Search results": "web",
    "Social media": "social",
    "Word of mouth": "other",
    "Advertising": "social",
    "Website": "web",
    "Reviews": "web",
    "Pricing page": "web",
    "Sales conversation": "phone",
    "Free trial": "app",
    "Demo": "phone",
    "Proposal and quote": "email",
    "Checkout": "web",
    "Contract and billing": "email",
    "Confirmation email": "email",
    "Onboarding": "phone",
    "Support": "chat",
    "Product updates": "app",
    "Renewal": "email",
    "Loyalty programme": "app",
}
MAX_PAGES = 5


def _channel_for(label: str) -> str | None:
    """The channel of the touchpoint a select is labelled with (the label starts with its name)."""
    return next((c for name, c in CHANNEL_OF.items() if label.startswith(name)), None)


def facilitator_sets_channels(script: DemoScript) -> None:
    script.section("Channels: through which channel each touchpoint happens")
    ana = script.facilitator
    script.command(ana, f"channels #{script.workshop_id}")
    for _ in range(MAX_PAGES):
        view = script.local.standin.top_view(ana.user_id)
        if view is None or view["callback_id"] != ids.CHANNELS_MODAL:
            break
        values = {
            block["block_id"]: _channel_for(block["label"]["text"])
            for block in view["blocks"]
            if block.get("type") == "input"
        }
        script.submit(
            ana, {k: v for k, v in values.items() if v}, "the channel of every touchpoint"
        )


def _channel_message(script: DemoScript, round_number: int) -> dict | None:
    for message in reversed(script.local.standin.thread(CHANNEL_ID, script.board_ts)):
        if str(message.get("text", "")).startswith(f"Channels, round {round_number}"):
            return message
    return None


def save_channel_results(script: DemoScript, round_number: int) -> None:
    """The heat map and the table per channel the bot posted with the gap results."""
    standin = script.local.standin
    message = standin.wait_for(lambda: _channel_message(script, round_number), timeout=60)
    uploads = [f for f in standin.files(CHANNEL_ID) if f["name"].endswith(f"-r{round_number}.png")]
    if uploads:
        script.write(
            f"lanes/channels-round-{round_number}.png", standin.file_bytes(uploads[-1]["id"])
        )
    blocks = message["blocks"]
    texts = [b["text"]["text"] for b in blocks if b.get("type") in ("header", "section")]
    texts += [e["text"] for b in blocks if b.get("type") == "context" for e in b["elements"]]
    script.write(f"lanes/channels-round-{round_number}.md", unescape("\n\n".join(texts)) + "\n")


def save_channels_after_round_one(script: DemoScript) -> None:
    save_channel_results(script, 1)
