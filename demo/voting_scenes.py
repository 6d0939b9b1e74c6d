"""Demo scenes for fixes, dot voting and action items.

Fixes phase: the team proposes six fixes (one a duplicate, one first sent with a blank title),
and Ana merges the duplicate. Voting phase: everyone spends three votes, Dev changes his mind,
Emi tries a fourth vote and is refused. After Ana closes the workshop: the ranked result and
its chart are in the thread; Ana turns the top three into action items; Dev moves his to in
progress from his DM. The ranked fixes, the chart and the action items are written to
`fixes/` in the output folder.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID
from demo.script import DemoScript
from flows.actions import STATUS_NAMES, action_items, due_field, owner_field, today_utc
from flows.voting import TIE_RULE, ranked_fixes
from flows.workshops import get_workshop
from standin.blockkit import iter_elements
from storage.models import Fix, Touchpoint

# (who, title, touchpoint, effort, impact)
PROPOSALS = (
    ("chloe", "Guest checkout without an account", "Checkout", "M", "high"),
    ("dev", "Plain-language pricing page with a calculator", "Pricing page", "S", "medium"),
    ("emi", "Onboarding call in the first week", "Onboarding", "M", "high"),
    ("femi", "Renewal reminder 30 days ahead", "Renewal", "S", "medium"),
    ("ben", "Answer support chats within 2 minutes", "Support", "L", "high"),
    ("femi", "Let people buy without creating an account", "Checkout", "S", "high"),
)
DUPLICATE, ORIGINAL = PROPOSALS[5][1], PROPOSALS[0][1]

# Who spends their three votes where (by title, one vote per fix).
BALLOTS = {
    "ana": (ORIGINAL, PROPOSALS[2][1], PROPOSALS[4][1]),
    "ben": (ORIGINAL, PROPOSALS[4][1], PROPOSALS[1][1]),
    "chloe": (ORIGINAL, PROPOSALS[2][1], PROPOSALS[3][1]),
    "dev": (PROPOSALS[1][1], PROPOSALS[3][1], PROPOSALS[4][1]),
    "emi": (PROPOSALS[2][1], ORIGINAL, PROPOSALS[4][1]),
    "femi": (ORIGINAL, PROPOSALS[3][1], PROPOSALS[2][1]),
}
OWNERS = ("chloe", "dev", "ben")  # of the top three action items, in rank order


def person(script: DemoScript, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in script.people if p.name == name)


def touchpoint_id(script: DemoScript, name: str) -> int:
    with script.local.db.session() as session:
        return session.exec(
            select(Touchpoint.id).where(
                Touchpoint.workshop_id == script.workshop_id, Touchpoint.name == name
            )
        ).one()


def fix_id(script: DemoScript, title: str) -> int:
    with script.local.db.session() as session:
        return session.exec(
            select(Fix.id).where(Fix.workshop_id == script.workshop_id, Fix.title == title)
        ).one()


# fixes phase ---------------------------------------------------------------------------------


def team_proposes_fixes(script: DemoScript) -> None:
    for index, (who, title, touchpoint, effort, impact) in enumerate(PROPOSALS):
        someone = person(script, who)
        if index == 0:
            script.click_board(someone, ids.FIX_PROPOSE, "Propose a fix")
        else:
            script.command(someone, "fix")
        where = str(touchpoint_id(script, touchpoint))
        if index == 1:  # Dev first sends the form with a blank title: it says so, keeps open
            script.submit(
                someone,
                {ids.FIX_TITLE: "  ", ids.FIX_TOUCHPOINT: where},
                "the fix form with a blank title",
            )
        script.submit(
            someone,
            {
                ids.FIX_TITLE: title,
                ids.FIX_TOUCHPOINT: where,
                ids.FIX_EFFORT: effort,
                ids.FIX_IMPACT: impact,
            },
            f"the fix form: “{title}” ({touchpoint}, effort {effort}, {impact} impact)",
        )


def facilitator_merges_the_duplicate(script: DemoScript) -> None:
    ana = script.facilitator
    script.command(ana, "fixes")
    duplicate, original = fix_id(script, DUPLICATE), fix_id(script, ORIGINAL)
    script.click(
        ana,
        ids.FIX_MENU,
        f"Merge into another fix…” on “{DUPLICATE}",
        channel=CHANNEL_ID,
        selected=f"merge|{duplicate}|0",
        block_id=f"fix-{duplicate}",
    )
    offered = script.search(ana, ids.FIX_MERGE_SEARCH, ORIGINAL[:10])
    keep = next(option for option in offered if option["value"] == str(original))
    script.submit(ana, {ids.FIX_MERGE_TARGET: keep}, f"the merge form: keep “{ORIGINAL}”")


# voting phase --------------------------------------------------------------------------------


def vote(script: DemoScript, name: str, title: str, action_id: str = ids.VOTE_ADD) -> str:
    """Click + (or −) on a fix in the person's voting view; return any refusal it shows."""
    someone = person(script, name)
    view = script.local.standin.top_view(someone.user_id)
    label = "＋ Vote" if action_id == ids.VOTE_ADD else "－ Take back"
    script.click(
        someone,
        action_id,
        f"{label}” on “{title}",
        view_id=view["id"],
        block_id=f"vote-{fix_id(script, title)}",
    )
    after = script.local.standin.top_view(someone.user_id)
    notice = next(
        (
            b["text"]["text"]
            for b in after["blocks"]
            if b.get("type") == "section" and b["text"]["text"].startswith(":warning:")
        ),
        "",
    )
    if notice:
        script.narrate(f"    ↳ the voting view explains: {notice.removeprefix(':warning: ')}")
    return notice


def spent_budget_shows_why(script: DemoScript, name: str, title: str) -> None:
    """With every vote spent, the fix offers no ＋ (it could only be refused) and says why."""
    someone = person(script, name)
    view = script.local.standin.top_view(someone.user_id)
    block = next(b for b in view["blocks"] if b.get("block_id") == f"fix-{fix_id(script, title)}")
    reason = block["text"]["text"].rsplit("(", 1)[-1].rstrip(")")
    script.narrate(f"  {someone.real_name} looks for ＋ on “{title}”: the view says {reason}")


def team_votes(script: DemoScript) -> None:
    for name, picks in BALLOTS.items():
        someone = person(script, name)
        script.click_board(someone, ids.VOTE_OPEN, "Vote")
        for title in picks:
            vote(script, name, title)
        if name == "dev":  # a change of mind: from the pricing page to onboarding
            vote(script, name, PROPOSALS[1][1], ids.VOTE_REMOVE)
            vote(script, name, PROPOSALS[2][1])
        if name == "emi":  # her budget is spent: no ＋ on a fourth fix, and the view says why
            spent_budget_shows_why(script, name, PROPOSALS[3][1])


# after the vote ------------------------------------------------------------------------------


def results_message(script: DemoScript) -> dict:
    """The ranked result in the board's thread (posted after the close, so waited for)."""
    standin = script.local.standin

    def posted() -> dict | None:
        thread = standin.thread(CHANNEL_ID, script.board_ts)
        return next((m for m in thread if m["text"].startswith("Voting has closed")), None)

    message = standin.wait_for(posted, timeout=15)
    standin.wait_for(lambda: standin.files(CHANNEL_ID), timeout=15)  # and its chart
    script.settle()
    return message


def facilitator_assigns_action_items(script: DemoScript) -> None:
    ana = script.facilitator
    results = results_message(script)
    script.click(
        ana, ids.ACTION_ITEMS_CREATE, "Create action items", channel=CHANNEL_ID, ts=results["ts"]
    )
    script.submit(ana, {}, "the first action-items form, keeping the top three")
    view = script.local.standin.top_view(ana.user_id)
    chosen = json.loads(view["private_metadata"])["fix_ids"]
    due = today_utc() + timedelta(days=14)
    values: dict = {}
    for chosen_id, owner in zip(chosen, OWNERS, strict=True):
        values[owner_field(chosen_id)] = person(script, owner).user_id
        values[due_field(chosen_id)] = due
    owners = ", ".join(person(script, o).real_name.split()[0] for o in OWNERS)
    script.submit(ana, values, f"owners {owners}, all due {due.isoformat()}")


def owner_updates_status(script: DemoScript) -> None:
    dev = person(script, "dev")

    def status_dm() -> dict | None:
        return next(
            (
                m
                for m in reversed(script.local.standin.dms(dev.user_id))
                if any(
                    e.get("action_id") == ids.ACTION_ITEM_STATUS_IN_PROGRESS
                    for _, e in iter_elements(m.get("blocks") or [])
                )
            ),
            None,
        )

    dm = script.local.standin.wait_for(status_dm, timeout=15)
    channel = script.local.standin.dm_channel_id(dev.user_id)
    script.click(
        dev,
        ids.ACTION_ITEM_STATUS_IN_PROGRESS,
        "In progress (in his DM)",
        channel=channel,
        ts=dm["ts"],
    )
    script.command(script.facilitator, "actions")


def write_results(script: DemoScript) -> None:
    """fixes/ranked-fixes.md, fixes/votes.png and fixes/action-items.md in the output folder."""
    with script.local.db.session() as session:
        workshop = get_workshop(session, script.local.team_id, script.workshop_id)
        ranked = ranked_fixes(session, workshop)
        items = action_items(session, workshop)
    lines = [
        "# Ranked fixes",
        "",
        TIE_RULE,
        "",
        "| rank | fix | touchpoint | votes |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.rank} | {r.fix.title} | {r.fix.stage} › {r.fix.touchpoint} | {r.votes} |"
        for r in ranked
    ]
    script.write("fixes/ranked-fixes.md", "\n".join(lines) + "\n")
    names = {p.user_id: p.real_name for p in script.people}
    lines = [
        "# Action items",
        "",
        "| fix | owner | due | status | overdue |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {i.title} | {names.get(i.owner_id, i.owner_id)} | {i.due_date.isoformat()} | "
        f"{STATUS_NAMES[i.status]} | {'yes' if i.overdue else 'no'} |"
        for i in items
    ]
    script.write("fixes/action-items.md", "\n".join(lines) + "\n")
    charts = script.local.standin.files(CHANNEL_ID)
    if charts:
        script.write("fixes/votes.png", script.local.standin.file_bytes(charts[-1]["id"]))
