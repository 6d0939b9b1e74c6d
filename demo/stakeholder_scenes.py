"""The demo's stakeholder round: the team names who shapes the customer's experience, one
duplicate is refused, everyone rates influence and interest, and the grid is posted in the
board's thread; the chart and its text version are saved in the output folder."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from bot.slack import ids
from bot.stakeholders.blocks import list_row_block_id
from demo.local import CHANNEL_ID, Person
from demo.script import DemoScript
from storage.models import Stakeholder


@dataclass(frozen=True)
class DemoStakeholder:
    adder: int  # index into script.people
    name: str
    category: str
    attitude: str
    note: str
    touchpoints: tuple[str, ...]
    # What the team broadly thinks (influence, interest); each person nudges it their own way.
    influence: int
    interest: int


STAKEHOLDERS = (
    DemoStakeholder(2, "First-time buyers", "customer", "supporter",
                    "People placing their first order with us", ("Website", "Checkout"), 2, 5),
    DemoStakeholder(1, "Support agents", "employee", "supporter",
                    "Tier 1 and 2 support, chat and phone", ("Support", "Onboarding"), 2, 4),
    DemoStakeholder(3, "CFO", "executive", "blocker",
                    "Signs off any spend on checkout changes", ("Pricing page",), 5, 2),
    DemoStakeholder(4, "Sales reps", "employee", "supporter",
                    "Run demos and quotes for larger accounts",
                    ("Sales conversation", "Demo"), 4, 4),
    DemoStakeholder(5, "Payment provider", "supplier", "neutral",
                    "Hosts the card form and 3-D Secure",
                    ("Checkout", "Contract and billing"), 4, 2),
    DemoStakeholder(0, "Data protection authority", "regulator", "neutral",
                    "Consent and data retention rules", ("Onboarding",), 4, 3),
    DemoStakeholder(2, "Comparison sites", "influencer", "neutral",
                    "Rank us against others on price", ("Search results", "Reviews"), 2, 2),
    DemoStakeholder(3, "Competitor X", "competitor", "blocker", "", (), 1, 2),
)  # fmt: skip
# How far each rating strays from the team's view (kept within 1–5); rotated per stakeholder so
# that every stakeholder gets a different mix of opinions.
NUDGES = ((0, 0), (1, 0), (-1, 1), (0, -1), (1, 1), (0, 1))


def team_adds_stakeholders(script: DemoScript) -> None:
    for stakeholder in STAKEHOLDERS:
        person = script.people[stakeholder.adder]
        script.click_board(person, ids.ADD_STAKEHOLDER, "Add stakeholder")
        values = {
            ids.STAKEHOLDER_NAME: stakeholder.name,
            ids.STAKEHOLDER_CATEGORY: stakeholder.category,
            ids.STAKEHOLDER_ATTITUDE: stakeholder.attitude,
            ids.STAKEHOLDER_NOTE: stakeholder.note,
            ids.STAKEHOLDER_TOUCHPOINTS: _touchpoint_values(script, person, stakeholder),
        }
        script.submit(person, values, f"the stakeholder form: {stakeholder.name}")


def a_duplicate_is_refused(script: DemoScript) -> None:
    emi = script.people[4]
    script.click_board(emi, ids.ADD_STAKEHOLDER, "Add stakeholder")
    script.submit(
        emi,
        {
            ids.STAKEHOLDER_NAME: "  cfo ",
            ids.STAKEHOLDER_CATEGORY: "executive",
            ids.STAKEHOLDER_ATTITUDE: "neutral",
        },
        "the stakeholder form: “  cfo ” (already on the list)",
    )
    script.narrate(f"  {emi.real_name} closes the form.")
    script.local.sim.close_view(emi.user_id)


def everyone_rates(script: DemoScript) -> None:
    ids_by_name = _stakeholder_ids(script)
    for number, person in enumerate(script.people):
        script.click_board(person, ids.RATE_STAKEHOLDERS, "Rate stakeholders")
        answers = {}
        for index, stakeholder in enumerate(STAKEHOLDERS):
            influence_nudge, interest_nudge = NUDGES[(number + 2 * index) % len(NUDGES)]
            stakeholder_id = ids_by_name[stakeholder.name]
            answers[f"influence:{stakeholder_id}"] = _clamp(stakeholder.influence + influence_nudge)
            answers[f"interest:{stakeholder_id}"] = _clamp(stakeholder.interest + interest_nudge)
        script.submit(person, answers, f"influence and interest for all {len(answers) // 2}")


def a_rating_is_changed(script: DemoScript) -> None:
    chloe = script.people[2]
    cfo = _stakeholder_ids(script)["CFO"]
    script.click_board(chloe, ids.RATE_STAKEHOLDERS, "Rate stakeholders")
    script.narrate("    (the form shows her earlier answers)")
    script.submit(chloe, {f"interest:{cfo}": "3"}, "the form again, the CFO's interest now 3")


def choose_from_the_list(
    script: DemoScript, person: Person, choice: str, stakeholder_id: int, label: str
) -> None:
    """`/workshop stakeholder list`, then `choice` ("edit", "remove") in one stakeholder's menu
    of the list the person is shown."""
    script.command(person, "stakeholder list")
    listing = script.local.standin.ephemerals(user=person.user_id)[-1]
    script.click(
        person,
        ids.STAKEHOLDER_MENU,
        label,
        channel=CHANNEL_ID,
        ts=listing["ts"],
        block_id=list_row_block_id(stakeholder_id),
        selected=f"{choice}|{stakeholder_id}|0",
    )


def a_stakeholder_is_edited_from_the_list(script: DemoScript) -> None:
    dev = script.people[3]
    competitor = _stakeholder_ids(script)["Competitor X"]
    choose_from_the_list(script, dev, "edit", competitor, "Edit” in the menu of “Competitor X")
    script.submit(
        dev,
        {ids.STAKEHOLDER_NOTE: "Undercuts us on delivery fees"},
        "the edit form with a note for Competitor X",
    )


def the_facilitator_previews_the_grid(script: DemoScript) -> None:
    ana = script.facilitator
    standin = script.local.standin
    files_before = len(standin.files(CHANNEL_ID))
    script.command(ana, "grid")  # returns once the bot is idle: chart uploaded, text posted
    (chart,) = standin.files(CHANNEL_ID)[files_before:]
    text = next(
        m
        for m in reversed(standin.thread(CHANNEL_ID, script.board_ts))
        if m["text"].startswith("Stakeholder map")
    )
    script.write("stakeholder-grid.png", standin.file_bytes(chart["id"]))
    script.write("stakeholder-grid.md", blocks_as_markdown(text["blocks"]))
    script.narrate("    (saved as stakeholder-grid.png and stakeholder-grid.md)")


def blocks_as_markdown(blocks: list[dict]) -> str:
    """The grid message as plain Markdown, for reading outside Slack."""
    parts = []
    for block in blocks:
        if block["type"] == "header":
            parts.append(f"# {block['text']['text']}")
        elif block["type"] == "section":
            parts.append(block["text"]["text"].replace("&lt;", "<").replace("&gt;", ">"))
        elif block["type"] == "context":
            parts.append(" ".join(e.get("text", "") for e in block["elements"]))
        elif block["type"] == "divider":
            parts.append("---")
    return "\n\n".join(parts).replace("&amp;", "&") + "\n"


def _touchpoint_values(script: DemoScript, person: Person, stakeholder: DemoStakeholder):
    view = script.local.standin.top_view(person.user_id)
    select_block = next(b for b in view["blocks"] if b["block_id"] == ids.STAKEHOLDER_TOUCHPOINTS)
    options = {
        option["text"]["text"]: option["value"]
        for group in select_block["element"]["option_groups"]
        for option in group["options"]
    }
    return [options[name] for name in stakeholder.touchpoints]


def _stakeholder_ids(script: DemoScript) -> dict[str, int]:
    with script.local.db.session() as session:
        return {s.name: s.id for s in session.exec(select(Stakeholder))}


def _clamp(value: int) -> str:
    return str(min(max(value, 1), 5))


SCENES = [
    team_adds_stakeholders,
    a_duplicate_is_refused,
    everyone_rates,
    a_rating_is_changed,
    a_stakeholder_is_edited_from_the_list,
    the_facilitator_previews_the_grid,
]
