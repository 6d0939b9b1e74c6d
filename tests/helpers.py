"""Small helpers shared by test modules: waiting for what the bot sent to the stand-in, and
reading what builders and charts return."""

import json
import struct
import time

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def close_voting(local, facilitator, board_ts):
    """Move the workshop on to voting, then close it, from its board in the demo channel,
    waiting each time until the board shows the new phase."""
    from bot.slack import ids
    from demo.local import CHANNEL_ID

    for action_id, phase in ((ids.PHASE_ADVANCE, "Voting"), (ids.PHASE_CLOSE, "Closed")):
        local.sim.click(facilitator, action_id, channel=CHANNEL_ID, ts=board_ts)
        local.standin.wait_for(
            lambda phase=phase: (
                f"*▶ {phase}*"
                in json.dumps(
                    local.standin.message(CHANNEL_ID, board_ts)["blocks"], ensure_ascii=False
                )
            )
        )


def pick_in_fix_menu(local, user, choice, fix_id, row=0, **where):
    """Choose `choice` (edit, merge, remove) in the overflow menu of fix `fix_id`, the list's
    row `row`, in the demo channel; `where` names the list message (`ts=`) when it matters."""
    from bot.slack import ids
    from demo.local import CHANNEL_ID

    local.sim.click(
        user,
        ids.FIX_MENU,
        channel=CHANNEL_ID,
        selected=f"{choice}|{fix_id}|{row}",
        block_id=f"fix-{fix_id}",
        **where,
    )


def said(local, user, fragment):
    """The newest ephemeral to `user` containing `fragment`, once the bot has sent it."""
    return local.standin.wait_for(
        lambda: [
            e
            for e in local.standin.ephemerals(user=user)
            if fragment in json.dumps(e, ensure_ascii=False)
        ]
    )[-1]


def answered(local, user, text, fragment):
    """`user` runs `/workshop text` in the demo channel: the newest ephemeral to them containing
    `fragment`, once the bot has sent it."""
    from demo.local import CHANNEL_ID

    local.sim.slash_command(user, CHANNEL_ID, text)
    return said(local, user, fragment)


def reply_to(local, user, text):
    """`user` runs `/workshop text` in the demo channel: the newest ephemeral to them once one
    more has come."""
    from demo.local import CHANNEL_ID

    before = len(local.standin.ephemerals(user=user))
    local.sim.slash_command(user, CHANNEL_ID, text)
    return local.standin.wait_for(
        lambda: len(r := local.standin.ephemerals(user=user)) > before and r
    )[-1]


def in_thread(local, board_ts, starts):
    """The replies in the thread of the board `board_ts` whose text starts with `starts`, once
    the bot has posted one."""
    from demo.local import CHANNEL_ID

    return local.standin.wait_for(
        lambda: [
            m for m in local.standin.thread(CHANNEL_ID, board_ts) if m["text"].startswith(starts)
        ]
    )


def dm_with(local, user, fragment):
    """The newest DM to `user` containing `fragment`, once the bot has sent it."""
    return local.standin.wait_for(
        lambda: [m for m in local.standin.dms(user) if fragment in m["text"]]
    )[-1]


def settle(local, quiet=0.3, limit=10.0):
    """Wait until the bot's after-ack work is over (no Web API call for `quiet` seconds), so the
    test's database is emptied only once nothing is using it."""
    deadline, last = time.monotonic() + limit, -1
    while time.monotonic() < deadline:
        count = len(local.standin.calls)
        if count == last:
            return
        last = count
        time.sleep(quiet)


def rendered(blocks) -> str:
    """Block Kit blocks as the JSON text Slack receives."""
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header: the signature, then the IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    return struct.unpack(">II", data[16:24])


def cli_workshop(db, team="T0CLI") -> int:
    """A workshop with the default journey, for the command-line tests; its number."""
    from flows.journey import DEFAULT_JOURNEY
    from flows.workshops import WorkshopSpec, create_workshop

    with db.session() as session:
        spec = WorkshopSpec(title="Onboarding", stages=list(DEFAULT_JOURNEY))
        return create_workshop(session, team, "C1", "U1", spec).id


def run_cli(db, *args):
    """`workshop-bot ARGS...` against the database `db`, as typer's test runner returns it."""
    from typer.testing import CliRunner

    from bot.cli import cli

    return CliRunner().invoke(cli, [*map(str, args)], env={"DATABASE_URL": db.url})


def cli_said(result, exit_code=0) -> str:
    """What a `run_cli` run printed, its white space folded (the terminal wraps long lines),
    once it is known to have ended with `exit_code`."""
    assert result.exit_code == exit_code, result.output
    return " ".join(result.output.split())


def count_rows(db, table) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    with db.session() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def local_web_client(local):
    """The bot's own Web API client (retries and pacing included), pointed at the stand-in."""
    from bot.app import create_web_client
    from bot.config import Settings

    settings = Settings(
        slack_bot_token=local.standin.bot_token,
        slack_signing_secret=local.signing_secret,
        slack_api_url=local.standin.api_url,
        database_url=local.db.url,
    )
    return create_web_client(settings)


def board_figures(standin, board_ts) -> dict[str, str]:
    """The board's figures in the demo channel, by label ("Rated", "Votes cast", ...)."""
    from demo.local import CHANNEL_ID

    figures = {}
    for block in standin.message(CHANNEL_ID, board_ts)["blocks"]:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            figures[label.strip("*")] = value
    return figures


def board_field(local, board_ts, label):
    """The board's first field labelled `label` in the demo channel, or None."""
    from demo.local import CHANNEL_ID

    for block in local.standin.message(CHANNEL_ID, board_ts)["blocks"]:
        for field in block.get("fields", []):
            name, _, value = field["text"].partition("\n")
            if name == f"*{label}*":
                return value
    return None
