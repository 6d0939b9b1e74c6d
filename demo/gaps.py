"""Demo scenes of the gap rating phase.

Round 1: the team rates the default journey through the rating form, one submission per stage.
Onboarding and Support fall far below expectations, Checkout and the pricing page somewhat; one
rater's form comes back with an inline error, one changes an answer, and the facilitator nudges
the one who has not rated. Round 2, "a month later, after the fixes shipped": the facilitator
opens a new round from the results and the team rates again; the Onboarding and Checkout gaps
close, Support's does not. The charts and tables land in the demo's output folder.
"""

from __future__ import annotations

import json

from sqlmodel import select

from bot.slack import ids
from bot.slack.blocks import unescape
from demo import lanes_scenes
from demo.local import CHANNEL_ID, Person
from demo.script import DemoScript
from storage.models import Touchpoint

# (expectation, experience, importance) as the team sees the journey in round 1, before the
# person-to-person variation below.
ROUND_ONE: dict[str, tuple[int, int, int]] = {
    "Search results": (5, 5, 3),
    "Social media": (4, 4, 2),
    "Word of mouth": (5, 6, 3),
    "Advertising": (4, 3, 2),
    "Website": (6, 5, 4),
    "Reviews": (5, 5, 3),
    "Pricing page": (6, 4, 4),
    "Sales conversation": (5, 5, 3),
    "Free trial": (6, 5, 4),
    "Demo": (5, 5, 3),
    "Proposal and quote": (5, 4, 3),
    "Checkout": (6, 4, 4),
    "Contract and billing": (5, 4, 3),
    "Confirmation email": (5, 5, 2),
    "Onboarding": (7, 2, 5),
    "Support": (7, 3, 5),
    "Product updates": (4, 4, 3),
    "Renewal": (5, 4, 4),
    "Loyalty programme": (3, 4, 2),
}
# After the onboarding and checkout fixes shipped: those gaps close; Support's does not.
ROUND_TWO = {**ROUND_ONE, "Onboarding": (7, 6, 5), "Checkout": (6, 6, 4)}
COMMENTS = {
    ("ben", "Onboarding"): "New customers wait days for their first call.",
    ("ben", "Support"): "Tickets bounce between teams before anyone answers.",
    ("femi", "Onboarding"): "The setup guide is out of date.",
    ("emi", "Checkout"): "Card payments fail for some EU customers.",
}
# Small, fixed disagreements between raters, so the statistics have some spread.
NOISE = (0, 1, 0, -1, 0, 1, -1)
MAX_PAGES = 25


def _answers(person_index: int, journey: dict[str, tuple[int, int, int]]) -> dict:
    answers = {}
    for position, (name, (expectation, experience, importance)) in enumerate(journey.items()):
        wobble = NOISE[(person_index * 3 + position) % len(NOISE)]
        answers[name] = (
            min(7, max(1, expectation + NOISE[(person_index + position) % len(NOISE)] // 2)),
            min(7, max(1, experience + wobble)),
            min(5, max(1, importance + (wobble if position % 2 else 0))),
        )
    return answers


def _touchpoint_names(script: DemoScript) -> dict[int, str]:
    with script.local.db.session() as session:
        rows = session.exec(
            select(Touchpoint.id, Touchpoint.name).where(
                Touchpoint.workshop_id == script.workshop_id
            )
        ).all()
    return dict(rows)


def _form_values(page_ids: list[int], names: dict[int, str], answers: dict) -> dict:
    """The two choices of each touchpoint on a rating page ("skip" for those not answered)."""
    values = {}
    for touchpoint_id in page_ids:
        expectation, experience, _ = answers.get(names[touchpoint_id], ("skip", "skip", None))
        values[f"expectation:{touchpoint_id}"] = str(expectation)
        values[f"experience:{touchpoint_id}"] = str(experience)
    return values


def _details_values(page_ids: list[int], names: dict[int, str], person: Person, answers: dict):
    values = {}
    for touchpoint_id in page_ids:
        name = names[touchpoint_id]
        values[f"importance:{touchpoint_id}"] = str(answers[name][2])
        if (person.name, name) in COMMENTS:
            values[f"comment:{touchpoint_id}"] = COMMENTS[(person.name, name)]
    return values


def _top(script: DemoScript, person: Person) -> dict | None:
    return script.local.standin.top_view(person.user_id)


def _fill_in_form(script: DemoScript, person: Person, answers: dict) -> None:
    """Submit the open rating form page by page, as its submit buttons lead, until it says done;
    then add importance (and a comment here and there) on the optional details pages."""
    names = _touchpoint_names(script)
    for _ in range(MAX_PAGES):
        view = _top(script, person)
        if view is None or view["callback_id"] != ids.RATE_MODAL:
            break
        page_ids = json.loads(view["private_metadata"])["t"]
        stage = view["blocks"][0]["text"]["text"]
        values = _form_values(page_ids, names, answers)
        values.update(lanes_scenes.feelings(view, names, answers))  # with the emotion curve on
        script.submit(person, values, f"the “{stage}” page of the rating form")
    view = _top(script, person)
    if view is not None and view["callback_id"] == ids.RATE_DONE_MODAL:
        script.click(person, ids.RATE_DETAILS_OPEN, "Add importance & comments")
    for _ in range(MAX_PAGES):
        view = _top(script, person)
        if view is None or view["callback_id"] != ids.RATE_DETAILS_MODAL:
            break
        page_ids = json.loads(view["private_metadata"])["t"]
        values = _details_values(page_ids, names, person, answers)
        script.submit(person, values, "a page of importance and comments")
    if _top(script, person) is not None:
        script.local.sim.close_view(person.user_id)


def rate_journey(script: DemoScript, person: Person, answers: dict) -> None:
    script.click_board(person, ids.RATE_OPEN, "Rate touchpoints")
    _fill_in_form(script, person, answers)


def _first_page_with_a_mistake(script: DemoScript, person: Person, answers: dict) -> None:
    """Dev gives an experience but skips its expectation: the form says so inline, saves
    nothing, and Dev fixes it."""
    script.click_board(person, ids.RATE_OPEN, "Rate touchpoints")
    names = _touchpoint_names(script)
    view = _top(script, person)
    page_ids = json.loads(view["private_metadata"])["t"]
    values = _form_values(page_ids, names, answers)
    values[f"expectation:{page_ids[0]}"] = "skip"
    script.submit(person, values, "the first page, skipping one expectation")
    _fill_in_form(script, person, answers)


def _results_message(script: DemoScript, round_number: int) -> dict | None:
    for message in reversed(script.local.standin.thread(CHANNEL_ID, script.board_ts)):
        blocks = message.get("blocks") or []
        if any(
            f"Journey gaps · round {round_number}" in json.dumps(b, ensure_ascii=False)
            for b in blocks
        ):
            return message
    return None


def _table_message(script: DemoScript, round_number: int) -> dict | None:
    """The full table, posted as the reply after the results."""
    wanted = f"Full table of the journey gaps, round {round_number}"
    thread = script.local.standin.thread(CHANNEL_ID, script.board_ts)
    return next((m for m in reversed(thread) if m["text"] == wanted), None)


def _save_results(script: DemoScript, round_number: int) -> None:
    """Wait for the chart and table of `round_number` (drawing takes longer than the script's
    quiet period) and write them to the output folder."""
    standin = script.local.standin
    message = standin.wait_for(lambda: _results_message(script, round_number), timeout=60)
    script.settle()
    name = f"-round-{round_number}.png"  # the journey gap chart, not the gap trends chart
    uploads = [
        f
        for f in standin.files(CHANNEL_ID)
        if f["name"].startswith("journey-gaps-") and f["name"].endswith(name)
    ]
    if uploads:
        script.write(f"gaps/round-{round_number}-chart.png", standin.file_bytes(uploads[-1]["id"]))
    table = standin.wait_for(lambda: _table_message(script, round_number), timeout=60)
    texts = []
    for blocks in (message["blocks"], table["blocks"]):  # the results, then the full table
        texts += [b["text"]["text"] for b in blocks if b.get("type") in ("header", "section")]
        texts += [e["text"] for b in blocks if b.get("type") == "context" for e in b["elements"]]
    # As Slack shows it: &, < and > in names are sent escaped.
    script.write(f"gaps/round-{round_number}-table.md", unescape("\n\n".join(texts)) + "\n")


def change_answer(script: DemoScript, person: Person, name: str, answer: tuple) -> None:
    """Come back to the form (all rated: it opens on the progress view), pick the page of `name`
    in "Change a page" and change that one answer."""
    script.click_board(person, ids.RATE_OPEN, "Rate touchpoints")
    names = _touchpoint_names(script)
    touchpoint_id = next(key for key, value in names.items() if value == name)
    done = _top(script, person)
    picker = next(
        e
        for b in done["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.RATE_PAGE_PICK
    )
    target = next(
        option
        for option in picker["options"]
        if _page_holds(script, person, int(option["value"]), touchpoint_id)
    )
    stage = target["text"]["text"].split(" · ")[0][2:]
    script.click(person, ids.RATE_PAGE_PICK, f"Change a page: {stage}", selected=target["value"])
    expectation, experience, _ = answer
    script.submit(
        person,
        {
            f"expectation:{touchpoint_id}": str(expectation),
            f"experience:{touchpoint_id}": str(experience),
        },
        f"“{stage}” with {name} changed to expectation {expectation}, experience {experience}",
    )
    script.local.sim.close_view(person.user_id)


def _page_holds(script: DemoScript, person: Person, page_index: int, touchpoint_id: int) -> bool:
    from flows.gaps.form import rating_sheet

    with script.local.db.session() as session:
        sheet = rating_sheet(
            session, script.local.team_id, script.workshop_id, person.user_id, page_index
        )
    return touchpoint_id in sheet.page.touchpoint_ids


def rating_round_one(script: DemoScript) -> None:
    script.section("Gap rating, round 1: expectation against experience at every touchpoint")
    ana, (ben, chloe, dev, emi, femi) = script.facilitator, script.participants
    for index, person in enumerate((ben, chloe)):
        rate_journey(script, person, _answers(index + 1, ROUND_ONE))
    _first_page_with_a_mistake(script, dev, _answers(3, ROUND_ONE))
    rate_journey(script, emi, _answers(4, ROUND_ONE))
    script.narrate("  (Emi thinks again about Support and changes her answer.)")
    change_answer(script, emi, "Support", (7, 2, 5))
    rate_journey(script, ana, _answers(0, ROUND_ONE))
    script.section("Nudging the one who has not rated")
    script.click_board(ana, ids.RATE_NUDGE, "Nudge non-raters")
    script.click(femi, ids.RATE_OPEN, "Rate touchpoints in the DM", channel=femi.user_id)
    _fill_in_form(script, femi, _answers(5, ROUND_ONE))
    script.section("Gaps so far")
    script.command(ana, "gaps")
    _save_results(script, 1)


def rating_round_two(script: DemoScript) -> None:
    script.section("A month later, after the onboarding and checkout fixes shipped: round 2")
    ana, (ben, chloe, _dev, emi, _femi) = script.facilitator, script.participants
    script.click(ana, ids.RATE_NEW_ROUND, "Open rating round 2", channel=CHANNEL_ID)
    for index, person in ((0, ana), (1, ben), (2, chloe), (4, emi)):
        rate_journey(script, person, _answers(index, ROUND_TWO))


def save_final_gap_results(script: DemoScript) -> None:
    """The chart and table the bot posted when the rating phase ended (round 2 against 1)."""
    _save_results(script, 2)
