"""Signed requests that name whatever their sender likes, and the check that the bot refused
one: the sender is told why, no row of any table changed, and the bot did nothing else anyone
could see (no post, edit, modal or Home tab: only a private answer to the sender)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from demo.local import CHANNEL_ID
from flows.actions import due_field, owner_field
from standin import SimResponse
from standin.server import RESPONSE_URL_CALL
from tests.snapshots import changed_tables, database_rows

# What a refusal may call besides answering the sender privately: reads.
READS = {"conversations.info", "users.info"}


@dataclass(frozen=True)
class Forgery:
    """A request `send(scene)` and a fragment of what its sender must be told."""

    name: str
    send: Callable[[Any], SimResponse]
    refusal: str


def assert_refused(scene, sender: str, forgery: Forgery) -> None:
    local = scene.local
    standin = local.standin
    local.wait_until_idle()
    before = database_rows(local.db)
    calls = len(standin.calls)
    told_before = len(standin.ephemerals(user=sender)), len(standin.dms(sender))

    response = forgery.send(scene)
    local.wait_until_idle()

    assert response.status == 200, response.text
    own_views = {view["id"] for view in standin.view_stack(sender)}
    told = [
        response.text,
        *(e["text"] for e in standin.ephemerals(user=sender)[told_before[0] :]),
        *(m["text"] for m in standin.dms(sender)[told_before[1] :]),
        *(json.dumps(standin.view(v)["blocks"], ensure_ascii=False) for v in own_views),
    ]
    assert any(forgery.refusal in text for text in told), told
    assert changed_tables(before, database_rows(local.db)) == []
    visible = [
        call.method
        for call in standin.calls[calls:]
        if not _private_answer(call, sender, own_views, standin.dm_channel_id(sender))
    ]
    assert visible == [], f"the bot also called {visible}"


def _private_answer(call, sender: str, own_views: set[str], dm: str) -> bool:
    """A read, or an answer only the sender sees: an ephemeral to them, their response URL,
    a DM to them, or an update of a view they have open."""
    params = call.params
    return (
        call.method in READS
        or call.method == RESPONSE_URL_CALL
        or (call.method == "chat.postEphemeral" and params.get("user") == sender)
        or (call.method == "chat.postMessage" and params.get("channel") in (sender, dm))
        or (call.method == "views.update" and params.get("view_id") in own_views)
    )


# requests ------------------------------------------------------------------------------------


def click(scene, user: str, action_id: str, value: str, *, menu: bool = False) -> SimResponse:
    """`user` clicks a button (or picks a menu option) carrying `action_id` and `value`, in a
    message in the workshop channel: any value a tampering client could send."""
    text = {"type": "plain_text", "text": "Go"}
    element = (
        {"type": "overflow", "action_id": action_id, "options": [{"text": text, "value": value}]}
        if menu
        else {"type": "button", "action_id": action_id, "text": text, "value": value}
    )
    ts = scene.local.standin.add_message(
        CHANNEL_ID, user, "forged", blocks=[{"type": "actions", "elements": [element]}]
    )
    selected = value if menu else None
    return scene.local.sim.click(user, action_id, channel=CHANNEL_ID, ts=ts, selected=selected)


def board_click(scene, user: str, action_id: str, value: str) -> SimResponse:
    """A click on the real board's `action_id` button, its value replaced by `value`."""
    sim = scene.local.sim
    return sim.click(user, action_id, channel=CHANNEL_ID, ts=scene.board_ts, forge_value=value)


def command(scene, user: str, text: str) -> SimResponse:
    return scene.local.sim.slash_command(user, CHANNEL_ID, text)


def _payload(scene, kind: str, user: str, **fields: Any) -> SimResponse:
    standin = scene.local.standin
    payload = {
        "type": kind,
        "team": {"id": standin.team_id, "domain": standin.team_domain},
        "user": {"id": user, "username": user.lower(), "team_id": standin.team_id},
        "api_app_id": standin.app_id,
        "token": standin.verification_token,
        "trigger_id": standin.issue_trigger_id(user),
        **fields,
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return scene.local.sim.post(body, "application/x-www-form-urlencoded")


def submit(scene, user: str, callback_id: str, metadata: dict, values: dict) -> SimResponse:
    """A view_submission of a modal `callback_id` whose private_metadata and state say anything:
    `values` maps block ids to element states (see the helpers below)."""
    view = {
        "id": "V0FORGED",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(metadata),
        "state": {"values": {block: {"value": state} for block, state in values.items()}},
        "blocks": [{"type": "input", "block_id": block} for block in values] or [],
        "hash": "1.forged",
    }
    return _payload(scene, "view_submission", user, view=view, response_urls=[])


def view_click(
    scene, user: str, view: dict, action_id: str, value: str, metadata: dict | None = None
) -> SimResponse:
    """A click in an open view, with its value and (optionally) its private_metadata forged."""
    view = {**view, "private_metadata": json.dumps(metadata)} if metadata else view
    action = {"type": "button", "action_id": action_id, "block_id": "forged", "value": value}
    return _payload(
        scene,
        "block_actions",
        user,
        container={"type": "view", "view_id": view["id"]},
        view=view,
        actions=[action],
    )


# element states for `submit` -----------------------------------------------------------------


def typed(value: str) -> dict:
    return {"type": "plain_text_input", "value": value}


def chosen(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"value": value}}


def ticked(*values: str) -> dict:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def person(user: str) -> dict:
    return {"type": "users_select", "selected_user": user}


def people(*users: str) -> dict:
    return {"type": "multi_users_select", "selected_users": list(users)}


def day(iso: str) -> dict:
    return {"type": "datepicker", "selected_date": iso}


def clock(hh_mm: str) -> dict:
    return {"type": "timepicker", "selected_time": hh_mm}


def conversation(channel: str) -> dict:
    return {"type": "conversations_select", "selected_conversation": channel}


def action_items_fields(fix_id: int, owner: str) -> dict:
    """The action items form's answers for the fix: `owner`, due 30 June 2030."""
    return {owner_field(fix_id): person(owner), due_field(fix_id): day("2030-06-30")}
