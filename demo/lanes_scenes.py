"""Demo scenes of the journey's other lanes (issue 17): channels, personas, the emotion curve.

In setup the facilitator says through which channel each touchpoint happens. After the
stakeholder round she adds two personas, one made from the "First-time buyers" customer
stakeholder, and each participant picks the one they know best. The gap results then carry the
results per persona (with the persona splits) and per channel (the omnichannel spread per stage
and the heat map); with the emotion curve on, the form asks how the customer feels, and the
curve follows, one line per persona with each persona's lowest point named. The manager's digest
then carries the Personas, Channels and Emotion curve sections in its thread. All of it lands in
the demo's output folder.
"""

from __future__ import annotations

from bot.emotions.blocks import OPTION_VALUES
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


# Who rates for which persona (by first name); the first persona comes from the stakeholder.
BUYERS, ADMINS = "First-time buyers", "Account admin"
PERSONA_OF = {
    "ana": ADMINS,
    "ben": BUYERS,
    "chloe": BUYERS,
    "dev": BUYERS,
    "emi": ADMINS,
    "femi": ADMINS,
}


def facilitator_adds_personas(script: DemoScript) -> None:
    script.section("Personas: whose journey the team maps")
    ana = script.facilitator
    script.command(ana, f"personas #{script.workshop_id}")
    view = script.local.standin.top_view(ana.user_id)
    select = next(b for b in view["blocks"] if b["block_id"] == "persona_stakeholder")
    buyers = next(
        o["value"] for o in select["element"]["options"] if o["text"]["text"].startswith(BUYERS)
    )
    script.submit(ana, {"persona_stakeholder": buyers}, "a persona from the customer stakeholder")
    script.command(ana, f"personas #{script.workshop_id}")
    script.submit(
        ana,
        {"persona_name": ADMINS, "persona_description": "Sets the product up for a team of 50"},
        "a second persona",
    )


def team_picks_personas(script: DemoScript) -> None:
    for person in script.people:
        wanted = PERSONA_OF[person.name]
        script.command(person, f"persona #{script.workshop_id}")
        view = script.local.standin.top_view(person.user_id)
        radio = view["blocks"][1]["element"]
        choice = next(o["value"] for o in radio["options"] if o["text"]["text"].startswith(wanted))
        script.submit(person, {"persona_choice": choice}, f"“{wanted}” as the persona they know")


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


def save_persona_results(script: DemoScript, round_number: int) -> None:
    standin = script.local.standin
    message = standin.wait_for(
        lambda: next(
            (
                m
                for m in reversed(standin.thread(CHANNEL_ID, script.board_ts))
                if str(m.get("text", "")).startswith(f"Personas, round {round_number}")
            ),
            None,
        ),
        timeout=60,
    )
    blocks = message["blocks"]
    texts = [b["text"]["text"] for b in blocks if b.get("type") in ("header", "section")]
    texts += [e["text"] for b in blocks if b.get("type") == "context" for e in b["elements"]]
    script.write(f"lanes/personas-round-{round_number}.md", unescape("\n\n".join(texts)) + "\n")


def save_lanes_after_round_one(script: DemoScript) -> None:
    save_persona_results(script, 1)
    save_channel_results(script, 1)
    standin = script.local.standin
    uploads = [f for f in standin.files(CHANNEL_ID) if f["name"].startswith("emotion-curve")]
    if uploads:
        script.write("lanes/emotion-curve-round-1.png", standin.file_bytes(uploads[-1]["id"]))


def facilitator_turns_the_emotion_curve_on(script: DemoScript) -> None:
    script.section("The emotion curve: how the customer feels at each touchpoint")
    script.command(script.facilitator, f"emotions on #{script.workshop_id}")


def feelings(view: dict, names: dict[int, str], answers: dict) -> dict[str, str]:
    """The rating form's feeling selects, when it shows them: each rater feels roughly as the
    gap they give (experience − expectation, kept within −2…+2)."""
    values = {}
    for block in view["blocks"]:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith("emotion:") and names.get(int(block_id[8:])) in answers:
            expectation, experience, _ = answers[names[int(block_id[8:])]]
            values[block_id] = OPTION_VALUES[max(-2, min(2, experience - expectation))]
    return values
