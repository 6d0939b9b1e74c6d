"""Demo scene: another team maps the same journey, and the two workshops are compared.

The stores team (Femi facilitates, in its own channel #stores-journey) runs a workshop on the
same journey, with a few touchpoints named differently: "SEARCH RESULTS" (the same once case is
ignored), "On-boarding" (only similar: suggested, and confirmed), "Product update emails"
(similar, but a different touchpoint: rejected) and "Recommendations" (matched to nothing). The
first workshop showed every click, so this one is seeded through the flows (the same functions
the bot's listeners call), as the transcript says. The stores team does best on Support, where
its action item is done; the web team does best on Onboarding (Dev's onboarding calls).

Ana then runs `/workshop compare` in #journey-workshop: the outcome (each workshop's benchmark
index) in the channel, the tables, leads, chart and CSV in its thread, and, privately, the two
similar names to confirm or reject. She confirms one, rejects the other and compares again.
Writes compare/comparison.md, compare/comparison-chart.png and compare/comparison.csv.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import select

from bot.compare.blocks import MatchValue
from bot.slack import ids
from demo import gaps
from demo.after_close import blocks_as_text
from demo.local import CHANNEL_ID, PEOPLE, STORES_CHANNEL_ID, STORES_CHANNEL_NAME
from demo.script import DemoScript
from flows.actions import ActionItemDraft, save_action_items, set_action_status
from flows.fixes import FixDraft, propose_fix
from flows.gaps.aggregation import journey_touchpoints
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.journey import StageSpec
from flows.workshops import PhaseAction, WorkshopSpec, change_phase, create_workshop, get_workshop
from storage.models import ActionStatus, Touchpoint, pk, utcnow

STORES_TITLE = "Northwind stores journey"
# How the stores team names some touchpoints (applied to the first workshop's names as typed)
RENAMED = {
    "Onboarding": "On-boarding",
    "Product updates": "Product update emails",
    "Word of mouth": "Recommendations",
}
UPPER = "Search results"  # the same touchpoint, in capitals
# (expectation, experience) where the stores team sees it differently from ROUND_ONE
STORES_VIEW = {
    "Onboarding": (7, 4),  # −3: the web team's onboarding calls are the lead
    "Support": (7, 6),  # −1: far ahead of the web team's −3.6
    "Checkout": (6, 5),
    "Pricing page": (6, 3),
}
NOISE = (0, 1, 0, -1)
SUPPORT_FIX = "One owner per ticket, from first reply to solved"


def _base(name: str, keys: Iterable[str]) -> str | None:
    """The demo's own name a typed name starts with (the longest), if any."""
    found = [key for key in keys if name.startswith(key)]
    return max(found, key=len) if found else None


def _stores_view(name: str) -> tuple[int, int]:
    """(expectation, experience) of the stores team at the web team's touchpoint `name`."""
    own = _base(name, STORES_VIEW)
    if own is not None:
        return STORES_VIEW[own]
    base = _base(name, gaps.ROUND_ONE)
    return gaps.ROUND_ONE[base][:2] if base is not None else (5, 5)


def stores_name(name: str) -> str:
    base = _base(name, [*RENAMED, UPPER])
    if base == UPPER:
        return name.upper()
    if base is not None:
        return name.replace(base, RENAMED[base], 1)
    return name


def seed_the_stores_workshop(script: DemoScript) -> int:
    """The stores team's workshop through the flows: set up, rated by Femi, Emi and Dev,
    one fix on Support that became a done action item. Returns its number."""
    femi, emi, dev = PEOPLE[5], PEOPLE[4], PEOPLE[3]
    local = script.local
    local.standin.add_channel(STORES_CHANNEL_ID, STORES_CHANNEL_NAME, [p.user_id for p in PEOPLE])
    team = local.team_id
    with local.db.session() as session:
        web = get_workshop(session, team, script.workshop_id or 0)
        stages: dict[str, list[str]] = {}
        for touchpoint in journey_touchpoints(session, web):
            stages.setdefault(touchpoint.stage_name, []).append(stores_name(touchpoint.name))
        journey = [
            StageSpec(name.lower() if i == 0 else name, tuple(names))
            for i, (name, names) in enumerate(stages.items())
        ]
        workshop = create_workshop(
            session, team, STORES_CHANNEL_ID, femi.user_id, WorkshopSpec(STORES_TITLE, journey)
        )
        number = pk(workshop)
        for _ in range(2):  # setup → stakeholders → gap rating
            change_phase(session, team, number, femi.user_id, PhaseAction.advance)
        touchpoints = journey_touchpoints(session, workshop)
        web_names = {t.id: t.name for t in journey_touchpoints(session, web)}
        originals = dict(zip([t.id for t in touchpoints], web_names.values(), strict=True))
        for index, person in enumerate((femi, emi, dev)):
            answers = {}
            for position, touchpoint in enumerate(touchpoints):
                expectation, experience = _stores_view(originals[touchpoint.id])
                wobble = NOISE[(index + position) % len(NOISE)]
                answers[touchpoint.id] = RawAnswer(
                    str(expectation), str(min(7, max(1, experience + wobble)))
                )
            save_ratings(session, team, number, person.user_id, answers)
        change_phase(session, team, number, femi.user_id, PhaseAction.advance)  # fixes
        support = next(t for t in touchpoints if originals[t.id].startswith("Support"))
        fix = propose_fix(session, team, number, emi.user_id, FixDraft(SUPPORT_FIX, support.id))
        for _ in range(2):  # voting, then closed
            change_phase(session, team, number, femi.user_id, PhaseAction.advance)
        today = utcnow().date()
        drafts = [ActionItemDraft(pk(fix), emi.user_id, today + timedelta(days=14))]
        (saved,) = save_action_items(session, team, number, femi.user_id, drafts)
        set_action_status(session, team, saved.item.id, emi.user_id, ActionStatus.done)
    return number


def _pair(script: DemoScript, stores: int, prefix: str) -> str:
    """The match button's value for the web and stores touchpoints whose names start with
    `prefix` (as the demo spells it)."""
    with script.local.db.session() as session:
        found: dict[int, int] = {}
        for workshop_id in (script.workshop_id or 0, stores):
            rows = session.exec(
                select(Touchpoint).where(
                    Touchpoint.team_id == script.local.team_id,
                    Touchpoint.workshop_id == workshop_id,
                )
            ).all()
            wanted = RENAMED.get(prefix, prefix) if workshop_id == stores else prefix
            found[workshop_id] = next(t.id for t in rows if t.name.startswith(wanted))
    low, high = sorted(found.values())
    return MatchValue(touchpoint_a_id=low, touchpoint_b_id=high).encode()


def _latest_comparison(script: DemoScript) -> dict:
    messages = script.local.standin.messages(CHANNEL_ID)
    return next(m for m in reversed(messages) if "workshops compared" in m.get("text", ""))


def save_comparison(script: DemoScript) -> None:
    standin = script.local.standin
    top = _latest_comparison(script)
    thread = standin.thread(CHANNEL_ID, top["ts"])
    parts = [blocks_as_text(top["blocks"])]
    parts += [
        f"--- in the thread ---\n{blocks_as_text(reply['blocks'])}"
        for reply in thread
        if reply.get("blocks")
    ]
    script.write("compare/comparison.md", "\n\n".join(parts))
    for uploaded in standin.files(CHANNEL_ID):
        if uploaded["name"].endswith("-comparison.png"):
            script.write("compare/comparison-chart.png", standin.file_bytes(uploaded["id"]))
        elif uploaded["name"].endswith("-comparison.csv"):
            script.write("compare/comparison.csv", standin.file_bytes(uploaded["id"]))


def two_teams_compare(script: DemoScript) -> None:
    script.section("Another team, the same journey: comparing workshops")
    ana = script.facilitator
    script.narrate(
        "  The stores team (Femi facilitates, in #stores-journey) mapped the same journey with "
        "a few touchpoints named differently. The first workshop showed every click, so this "
        "one is seeded through the flows the bot's listeners call (no Slack clicks shown)."
    )
    stores = seed_the_stores_workshop(script)
    script.narrate(
        f"  Workshop #{stores} “{STORES_TITLE}”: rated by Femi, Emi and Dev; Emi's fix on "
        "Support became an action item, now done."
    )
    numbers = f"#{script.workshop_id} #{stores}"
    script.command(ana, f"compare #{script.workshop_id}")  # one workshop: a private answer
    script.command(ana, f"compare {numbers}")
    told = [
        e
        for e in script.local.standin.ephemerals(user=ana.user_id)
        if "Posted the comparison here" in e["text"]
    ][-1]
    # The two suggested matches, answered on the posted comparison: one confirmed, one rejected.
    answers = (
        (ids.COMPARE_CONFIRM, "Same touchpoint” under “Onboarding” and “On-boarding", "Onboarding"),
        (
            ids.COMPARE_REJECT,
            "Different” under “Product updates” and “Product update emails",
            "Product updates",
        ),
    )
    for action_id, label, touchpoint in answers:
        value = _pair(script, stores, touchpoint)
        script.click(ana, action_id, label, channel=CHANNEL_ID, ts=told["ts"], value=value)
    script.command(ana, f"compare {numbers}")
    save_comparison(script)
