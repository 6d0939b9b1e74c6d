"""The demo's final step, after the workshop closes: a digest for a manager who never opened the
workshop, following it, the Home tab, and the exports.

A manager outside the channel (Omar) follows the workshop from a DM with the bot; his Home tab
shows its trend. Writes to the output folder: digest/digest.json (the digest as posted, Block
Kit), digest/digest.txt (a readable rendering), digest/*.png (its charts), home/ana.json,
home/ben.json and home/omar.json, and exports/ (the files the bot uploaded to the board's
thread).
"""

from __future__ import annotations

import json
import re

from bot.slack import ids
from demo.local import CHANNEL_ID, OUTSIDER
from demo.script import DemoScript, with_names

DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
CHANNEL_TOKEN = re.compile(r"<#(\w+)(\|[^>]*)?>")


def digest_home_and_exports(script: DemoScript) -> None:
    ana, omar = script.facilitator, OUTSIDER
    local = script.local
    script.section("After the workshop: a digest for managers, the Home tab, the exports")
    script.command(ana, f"digest #{script.workshop_id}")
    script.click(
        ana,
        ids.INPUT,
        "Custom: a cron expression",
        block_id=ids.DIGEST_CADENCE,
        selected="cron",
    )
    script.submit(
        ana,
        {ids.DIGEST_CRON: "every monday at 9"},
        "the digest form with a cron expression Slack users often try",
    )
    script.click(ana, ids.INPUT, "Once a week", block_id=ids.DIGEST_CADENCE, selected="weekly")
    script.submit(
        ana,
        {ids.DIGEST_RECIPIENTS: [omar.user_id]},
        f"the form's default, a weekly digest on Mondays at 09:00 in her own time zone, to "
        f"#{CHANNEL_ID} and to {omar.real_name} (finance, not in the channel) by DM",
    )
    script.command(ana, f"digest list #{script.workshop_id}")
    listing = next(
        e for e in reversed(local.standin.ephemerals(user=ana.user_id)) if e.get("blocks")
    )
    send_now = next(
        element["value"]
        for block in listing["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.SCHEDULE_SEND_NOW
    )
    script.click(ana, ids.SCHEDULE_SEND_NOW, "Send now", channel=CHANNEL_ID, value=send_now)
    # Drawing the charts takes a moment without Web API calls: wait for the posts themselves.
    local.standin.wait_for(lambda: digest_message(script, omar.user_id), timeout=30)
    local.standin.wait_for(lambda: local.standin.files(local.standin.dm_channel_id(omar.user_id)))
    script.settle()
    save_digest(script, omar.user_id)

    script.narrate(
        f"  {omar.real_name} wants to see, round after round, whether the gaps close, without "
        "joining the channel: he follows the workshop."
    )
    script.command(omar, f"follow #{script.workshop_id}", in_dm=True)

    ben = script.participants[0]
    for person, shows in (
        (ana, "her workshops, a KPI snapshot and her digests"),
        (
            omar,
            "the workshop he follows: its journey gap over the three rounds, loop closure and "
            "action items",
        ),
        (ben, "his open action items with status buttons"),  # last: the README's screenshot
    ):
        script.narrate(f"  {person.real_name} opens the bot's Home tab: {shows}")
        local.sim.app_home_opened(person.user_id)
        script.settle()
        script.write(
            f"home/{person.name}.json",
            json.dumps(
                {"blocks": local.standin.home(person.user_id)["blocks"]},
                indent=2,
                ensure_ascii=False,
            ),
        )

    files_before = {f["id"] for f in local.standin.files()}
    script.command(ana, f"export #{script.workshop_id}")
    exported = local.standin.wait_for(
        lambda: [f for f in local.standin.files(CHANNEL_ID) if f["id"] not in files_before],
        timeout=30,
    )
    script.settle()
    for uploaded in exported:
        script.write(f"exports/{uploaded['name']}", local.standin.file_bytes(uploaded["id"]))


def save_digest(script: DemoScript, manager: str) -> None:
    """The digest as the manager received it: blocks, a readable text, and its charts."""
    standin = script.local.standin
    message = digest_message(script, manager)
    thread = [
        reply
        for reply in standin.thread(standin.dm_channel_id(manager), message["ts"])
        if reply.get("blocks")
    ]
    script.write(
        "digest/digest.json",
        json.dumps(
            {"blocks": message["blocks"], "thread": [{"blocks": r["blocks"]} for r in thread]},
            indent=2,
            ensure_ascii=False,
        ),
    )
    script.write(
        "digest/digest.txt",
        "\n\n".join(
            [blocks_as_text(message["blocks"])]
            + [f"--- in the thread ---\n{blocks_as_text(r['blocks'])}" for r in thread]
        ),
    )
    dm = standin.dm_channel_id(manager)
    for chart in standin.files(dm):
        script.write(f"digest/{chart['name']}", standin.file_bytes(chart["id"]))


def digest_message(script: DemoScript, user_id: str) -> dict | None:
    digests = [m for m in script.local.standin.dms(user_id) if m["text"].startswith("Digest")]
    return digests[-1] if digests else None


def readable(mrkdwn: str) -> str:
    text = DATE_TOKEN.sub(r"\1", with_names(mrkdwn))
    text = CHANNEL_TOKEN.sub(lambda m: f"#{m.group(1)}", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(blocks: list[dict]) -> str:
    """A Block Kit message as plain text, roughly as Slack shows it (dates in UTC)."""
    lines: list[str] = []
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            lines += [block["text"]["text"], "=" * len(block["text"]["text"])]
        elif kind == "divider":
            lines.append("")
        elif kind == "section":
            if block.get("text"):
                lines.append(readable(block["text"]["text"]))
            for field in block.get("fields", []):
                label, _, value = readable(field["text"]).partition("\n")
                lines.append(f"  {label.strip('*')}: {value}")
        elif kind == "context":
            lines += [readable(e.get("text", "")) for e in block.get("elements", [])]
        elif kind == "actions":
            lines += [
                f"[{e['text']['text']}] {e.get('url', '')}".rstrip()
                for e in block.get("elements", [])
            ]
    return "\n".join(lines) + "\n"
