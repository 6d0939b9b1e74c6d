"""The Web API stand-in, driven by the real slack_sdk WebClient."""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from standin import SlackStandIn
from standin.server import DEMO_CHANNEL_ID, DEMO_USERS, UPLOAD_CALL, wait_for
from tests.standin.conftest import bot_client

ALICE, BOB, CAROL, DAN = (u[0] for u in DEMO_USERS)
EVE = "U0EVE00005"
CHANNEL = DEMO_CHANNEL_ID


def api_error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return excinfo.value.response["error"]


def raw_post(url: str, body: bytes, content_type: str, token: str | None = None) -> dict:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# ---------------------------------------------------------------------- auth and encodings


def test_auth_test_describes_the_bot(client: WebClient, standin: SlackStandIn) -> None:
    data = client.auth_test().data
    assert data == {
        "ok": True,
        "url": "https://standin.slack.com/",
        "team": "Stand-in Co",
        "user": "workshop-bot",
        "team_id": standin.team_id,
        "user_id": standin.bot_user_id,
        "bot_id": standin.bot_id,
        "is_enterprise_install": False,
    }


def test_missing_and_wrong_tokens(standin: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=standin.api_url).auth_test()
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=standin.api_url).auth_test()
    assert (api_error(missing), api_error(wrong)) == ("not_authed", "invalid_auth")


def test_token_inside_a_json_body_is_ignored_like_slack_does(standin: SlackStandIn) -> None:
    body = json.dumps({"token": standin.bot_token, "channel": CHANNEL, "text": "x"}).encode()
    answer = raw_post(standin.api_url + "chat.postMessage", body, "application/json")
    assert answer == {"ok": False, "error": "not_authed"}


def test_form_encoded_blocks_and_get_queries_are_decoded(standin: SlackStandIn) -> None:
    blocks = [section("*form*")]
    form = urlencode(
        {"token": standin.bot_token, "channel": CHANNEL, "text": "f", "blocks": json.dumps(blocks)}
    )
    answer = raw_post(
        standin.api_url + "chat.postMessage", form.encode(), "application/x-www-form-urlencoded"
    )
    assert answer["ok"] and answer["message"]["blocks"][0]["text"]["text"] == "*form*"
    assert standin.calls_to("chat.postMessage")[0].params["blocks"][0]["type"] == "section"
    url = f"{standin.api_url}users.info?{urlencode({'token': standin.bot_token, 'user': ALICE})}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert json.loads(response.read())["user"]["name"] == "alice"


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postTelepathically", json={"channel": CHANNEL})
    assert api_error(excinfo) == "unknown_method"


# ---------------------------------------------------------------------- messages


NO_TEXT_WARNING = "ignore:The top-level `text` argument is missing:UserWarning"


@pytest.mark.filterwarnings(NO_TEXT_WARNING)
def test_post_update_and_edit_history(client: WebClient, standin: SlackStandIn) -> None:
    first = client.chat_postMessage(channel=CHANNEL, text="one", blocks=[section("v1")])
    second = client.chat_postMessage(channel=CHANNEL, text="two")
    assert float(second["ts"]) > float(first["ts"])
    message = first["message"]
    assert message["user"] == standin.bot_user_id and message["bot_id"] == standin.bot_id
    assert message["blocks"][0]["block_id"], "Slack fills in missing block_ids"

    updated = client.chat_update(channel=CHANNEL, ts=first["ts"], blocks=[section("v2")])
    assert updated["ts"] == first["ts"] and updated["message"]["blocks"][0]["text"]["text"] == "v2"
    current = standin.message(CHANNEL, first["ts"])
    assert current["text"] == "one", "fields not passed to chat.update are kept"
    assert current["edited"]["user"] == standin.bot_user_id
    assert [e["blocks"][0]["text"]["text"] for e in standin.edits(CHANNEL, first["ts"])] == ["v1"]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["one", "two"]


def test_thread_replies_keep_slack_bookkeeping(client: WebClient, standin: SlackStandIn) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")["ts"]
    reply = client.chat_postMessage(channel=CHANNEL, text="r1", thread_ts=parent)
    client.chat_postMessage(channel=CHANNEL, text="r2", thread_ts=reply["ts"])  # reply to reply
    human = standin.add_message(CHANNEL, ALICE, "me too", thread_ts=parent)

    assert reply["message"]["thread_ts"] == parent
    assert [m["text"] for m in standin.thread(CHANNEL, parent)] == ["r1", "r2", "me too"]
    head = standin.message(CHANNEL, parent)
    assert head["reply_count"] == 3 and head["latest_reply"] == human
    assert head["reply_users"] == [standin.bot_user_id, ALICE]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["parent"]
    assert len(standin.messages(CHANNEL, include_replies=True)) == 4
    replies = client.conversations_replies(channel=CHANNEL, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["parent", "r1", "r2", "me too"]
    assert [m["text"] for m in client.conversations_history(channel=CHANNEL)["messages"]] == [
        "parent"
    ]


def test_ephemeral_messages(client: WebClient, standin: SlackStandIn) -> None:
    answer = client.chat_postEphemeral(channel=CHANNEL, user=BOB, text="psst")
    assert set(answer.data) == {"ok", "message_ts"}
    [ephemeral] = standin.ephemerals(user=BOB)
    assert ephemeral["ts"] == answer["message_ts"] and ephemeral["channel"] == CHANNEL
    assert standin.messages(CHANNEL) == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postEphemeral(channel=CHANNEL, user=EVE, text="psst")
    assert api_error(excinfo) == "user_not_in_channel"


def test_delete_and_permalink(client: WebClient, standin: SlackStandIn) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="p")["ts"]
    reply = client.chat_postMessage(channel=CHANNEL, text="r", thread_ts=parent)["ts"]
    link = client.chat_getPermalink(channel=CHANNEL, message_ts=reply)["permalink"]
    assert link == (
        f"https://standin.slack.com/archives/{CHANNEL}/p{reply.replace('.', '')}"
        f"?thread_ts={parent}&cid={CHANNEL}"
    )
    client.chat_delete(channel=CHANNEL, ts=parent)
    assert standin.message(CHANNEL, parent)["subtype"] == "tombstone", "threads outlive parents"
    client.chat_delete(channel=CHANNEL, ts=reply)
    assert standin.thread(CHANNEL, parent) == []
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_delete(channel=CHANNEL, ts=reply)
    assert api_error(excinfo) == "message_not_found"


@pytest.mark.filterwarnings(NO_TEXT_WARNING)
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C0NOSUCH00", "text": "x"}, "channel_not_found"),
        ({"channel": CHANNEL}, "no_text"),
        ({"channel": CHANNEL, "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": CHANNEL, "text": "x", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        ({"channel": CHANNEL, "text": "x", "blocks": [section("y" * 3001)]}, "invalid_blocks"),
        (
            {
                "channel": CHANNEL,
                "text": "x",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            },
            "invalid_blocks",
        ),
        ({"channel": CHANNEL, "text": "x", "blocks": [{"text": "no type"}]}, "invalid_blocks"),
        ({"channel": CHANNEL, "text": "x", "blocks": ["not a dict"]}, "invalid_blocks"),
        ({"channel": "UBOT", "text": "x"}, "cannot_dm_bot"),
    ],
)
def test_post_message_errors(client: WebClient, kwargs: dict, error: str) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(**kwargs)
    assert api_error(excinfo) == error


def test_invalid_blocks_report_json_pointers(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(
            channel=CHANNEL, text="x", blocks=[section("ok"), section("y" * 3001)]
        )
    assert excinfo.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"
    ]


def test_messages_past_12000_characters_of_block_text_are_refused(
    client: WebClient, standin: SlackStandIn
) -> None:
    """Slack's undocumented `msg_blocks_too_long`: five 2,500-character sections (12,500) are
    each valid, together too long; four of them (10,000) go through, in posts and edits alike."""
    too_long = [section("y" * 2500) for _ in range(5)]
    ts = client.chat_postMessage(channel=CHANNEL, text="x", blocks=too_long[:4])["ts"]
    assert len(standin.message(CHANNEL, ts)["blocks"]) == 4
    for send in (
        lambda: client.chat_postMessage(channel=CHANNEL, text="x", blocks=too_long),
        lambda: client.chat_update(channel=CHANNEL, ts=ts, text="x", blocks=too_long),
        lambda: client.chat_postEphemeral(channel=CHANNEL, user=ALICE, text="x", blocks=too_long),
    ):
        with pytest.raises(SlackApiError) as excinfo:
            send()
        assert api_error(excinfo) == "msg_blocks_too_long"
    # button and option texts count too
    buttons = [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "b" * 75}, "value": "v"}
            ],
        }
    ] * 40
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x", blocks=[*too_long[:4], *buttons])
    assert api_error(excinfo) == "msg_blocks_too_long"


def test_channel_membership_and_lifecycle_errors(client: WebClient, standin: SlackStandIn) -> None:
    standin.add_channel("C0PRIVATE1", "secret", [ALICE], bot_is_member=False, is_private=True)
    standin.add_channel("C0ARCHIVE1", "old", [ALICE])
    standin.add_channel("C0GONE0001", "gone", [ALICE])
    standin.archive_channel("C0ARCHIVE1")
    standin.delete_channel("C0GONE0001")
    ts = client.chat_postMessage(channel=CHANNEL, text="before")["ts"]
    standin.remove_bot_from_channel(CHANNEL)

    def error_for(channel: str) -> str:
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel=channel, text="x")
        return api_error(excinfo)

    assert error_for(CHANNEL) == "not_in_channel"
    assert error_for("C0PRIVATE1") == "channel_not_found", "private channels hide from non-members"
    assert error_for("C0ARCHIVE1") == "is_archived"
    assert error_for("C0GONE0001") == "channel_not_found"
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel=CHANNEL, ts="1.000001", text="x")
    assert api_error(excinfo) == "message_not_found"
    assert client.chat_update(channel=CHANNEL, ts=ts, text="edited")["ok"]


def test_cannot_update_someone_elses_message(client: WebClient, standin: SlackStandIn) -> None:
    ts = standin.add_message(CHANNEL, ALICE, "mine")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel=CHANNEL, ts=ts, text="hijacked")
    assert api_error(excinfo) == "cant_update_message"


def test_direct_messages_via_user_id_and_conversations_open(
    client: WebClient, standin: SlackStandIn
) -> None:
    posted = client.chat_postMessage(channel=BOB, text="hello via user id")
    opened = client.conversations_open(users=BOB)
    again = client.conversations_open(users=[BOB])
    assert posted["channel"].startswith("D") and opened["channel"]["id"] == posted["channel"]
    assert again["already_open"] and again["channel"]["user"] == BOB
    client.chat_postMessage(channel=opened["channel"]["id"], text="hello via D id")
    assert [m["text"] for m in standin.dms(BOB)] == ["hello via user id", "hello via D id"]
    assert standin.dm_channel_id(BOB) == posted["channel"]
    info = client.conversations_info(channel=posted["channel"])["channel"]
    assert info["is_im"] and info["user"] == BOB


# ---------------------------------------------------------------------- users and conversations


def test_users_info_and_list(client: WebClient, standin: SlackStandIn) -> None:
    carol = client.users_info(user=CAROL)["user"]
    assert (carol["tz"], carol["tz_offset"], carol["tz_label"]) == (
        "Asia/Tokyo",
        9 * 3600,
        "Japan Standard Time",
    )
    assert carol["profile"]["real_name"] == "Carol Chen" and carol["is_bot"] is False
    assert client.users_info(user=standin.bot_user_id)["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0NOBODY00")
    assert api_error(excinfo) == "user_not_found"
    # Iterating a SlackResponse follows next_cursor (re-using one response object per page).
    pages = [[m["id"] for m in page["members"]] for page in client.users_list(limit=2)]
    assert [len(p) for p in pages] == [2, 2, 2]  # 5 people + the bot
    assert {m for p in pages for m in p} == {ALICE, BOB, CAROL, DAN, EVE, standin.bot_user_id}


def test_conversations_members_paginates_with_cursor(
    client: WebClient, standin: SlackStandIn
) -> None:
    first = client.conversations_members(channel=CHANNEL, limit=3)
    assert first["members"] == [ALICE, BOB, CAROL]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_members(channel=CHANNEL, limit=3, cursor=cursor)
    assert second["members"] == [DAN, standin.bot_user_id]
    assert second["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_members(channel=CHANNEL, cursor="garbage")
    assert api_error(excinfo) == "invalid_cursor"
    info = client.conversations_info(channel=CHANNEL, include_num_members=True)["channel"]
    assert (info["name"], info["is_member"], info["num_members"]) == ("journey-workshop", True, 5)


# ---------------------------------------------------------------------- faults and rate limits


def test_injected_429_is_retried_by_the_rate_limit_handler(standin: SlackStandIn) -> None:
    standin.inject_fault("chat.postMessage", retry_after=0, times=2)
    retrying = bot_client(standin, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    assert retrying.chat_postMessage(channel=CHANNEL, text="eventually")["ok"]
    assert [c.http_status for c in standin.calls_to("chat.postMessage")] == [429, 429, 200]
    assert len(standin.messages(CHANNEL)) == 1


def test_injected_429_without_a_handler_raises(client: WebClient, standin: SlackStandIn) -> None:
    standin.inject_fault("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"
    assert api_error(excinfo) == "ratelimited"


def test_injected_server_error(client: WebClient, standin: SlackStandIn) -> None:
    standin.inject_fault("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert excinfo.value.response.status_code == 500
    standin.inject_fault("chat.postMessage", status=503)
    retrying = bot_client(standin, retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)])
    assert retrying.chat_postMessage(channel=CHANNEL, text="y")["ok"]
    assert [c.http_status for c in standin.calls_to("chat.postMessage")] == [500, 503, 200]


def test_injected_api_error_and_delay(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject_fault("chat.postMessage", error="channel_not_found", status=200)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert api_error(excinfo) == "channel_not_found"

    standin.inject_fault("chat.postMessage", delay=0.6)
    impatient = bot_client(standin, timeout=0.2)
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel=CHANNEL, text="slow")
    # The request still lands after the delay, as a slow Slack call usually does.
    standin.wait_for(lambda: standin.messages(CHANNEL))
    assert standin.calls_to("chat.postMessage")[-1].response["ok"]


def test_a_call_carried_out_whose_answer_is_lost(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject_fault("chat.postMessage", status=500, after=True)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="posted all the same")
    assert excinfo.value.response.status_code == 500
    # Slack posted it; only its answer went missing.
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["posted all the same"]
    assert [c.http_status for c in standin.calls_to("chat.postMessage")] == [500]


def test_a_fault_can_pick_the_calls_it_hits(standin: SlackStandIn, client: WebClient) -> None:
    standin.inject_fault(
        "chat.postMessage", status=500, matching=lambda params: params.get("text") == "second"
    )
    client.chat_postMessage(channel=CHANNEL, text="first")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=CHANNEL, text="second")
    client.chat_postMessage(channel=CHANNEL, text="second")  # the fault was used up
    assert [c.http_status for c in standin.calls_to("chat.postMessage")] == [200, 500, 200]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["first", "second"]


def test_history_carries_message_metadata_only_when_asked(
    standin: SlackStandIn, client: WebClient
) -> None:
    marker = {"event_type": "workshop_board", "event_payload": {"workshop_id": 7}}
    posted = client.chat_postMessage(channel=CHANNEL, text="board", metadata=marker)
    assert standin.message(CHANNEL, posted["ts"])["metadata"] == marker
    (plain,) = client.conversations_history(channel=CHANNEL)["messages"]
    assert "metadata" not in plain
    (full,) = client.conversations_history(channel=CHANNEL, include_all_metadata=True)["messages"]
    assert full["metadata"] == marker
    later = client.conversations_history(channel=CHANNEL, oldest=posted["ts"])["messages"]
    assert later == [], "oldest is exclusive unless inclusive is set, as in Slack"


def test_per_channel_rate_limit(client: WebClient, standin: SlackStandIn) -> None:
    standin.add_channel("C0OTHER001", "other", [ALICE])
    standin.set_rate_limit("chat.postMessage", per_channel_per_second=1.0)
    client.chat_postMessage(channel=CHANNEL, text="1")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=CHANNEL, text="2")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C0OTHER001", text="elsewhere")["ok"]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["1"]
    standin.set_rate_limit("chat.postMessage", None)
    assert client.chat_postMessage(channel=CHANNEL, text="3")["ok"]


def test_wait_for_explains_timeouts(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"(?s)timed out.*auth\.test -> 200 ok"):
        standin.wait_for(lambda: standin.messages(CHANNEL), timeout=0.05)
    assert wait_for(lambda: 42, timeout=0.01) == 42


# ---------------------------------------------------------------------- files


def test_files_upload_v2_end_to_end(client: WebClient, standin: SlackStandIn) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="report thread")["ts"]
    payload = bytes(range(256)) * 40
    result = client.files_upload_v2(
        channel=CHANNEL,
        file=payload,
        filename="journey.png",
        title="Journey map",
        initial_comment="Here is the map",
        thread_ts=parent,
    )
    file_id = result["file"]["id"]
    assert file_id.startswith("F") and result["file"]["title"] == "Journey map"
    assert standin.file_bytes(file_id) == payload
    assert [c.method for c in standin.calls][-3:] == [
        "files.getUploadURLExternal",
        UPLOAD_CALL,
        "files.completeUploadExternal",
    ]
    [shared] = standin.files(CHANNEL)
    assert (shared["name"], shared["size"], shared["channels"]) == ("journey.png", 10240, [CHANNEL])
    [share_message] = standin.thread(CHANNEL, parent)
    assert share_message["text"] == "Here is the map" and share_message["files"][0]["id"] == file_id
    assert client.files_info(file=file_id)["file"]["title"] == "Journey map"


def test_files_upload_v2_several_files_to_a_dm(client: WebClient, standin: SlackStandIn) -> None:
    result = client.files_upload_v2(
        channel=client.conversations_open(users=ALICE)["channel"]["id"],
        file_uploads=[
            {"content": "a,b\n1,2\n", "filename": "gaps.csv"},
            {"content": b"%PDF-1.4", "filename": "map.pdf", "title": "Map"},
        ],
    )
    assert [f["title"] for f in result["files"]] == ["gaps.csv", "Map"]
    assert [standin.file_bytes(f["id"]) for f in result["files"]] == [b"a,b\n1,2\n", b"%PDF-1.4"]
    assert standin.dms(ALICE)[0]["upload"] is True


def test_file_upload_to_a_channel_without_the_bot(client: WebClient, standin: SlackStandIn) -> None:
    standin.remove_bot_from_channel(CHANNEL)
    with pytest.raises(SlackApiError) as excinfo:
        client.files_upload_v2(channel=CHANNEL, content="x", filename="x.txt")
    assert api_error(excinfo) == "not_in_channel"


# ---------------------------------------------------------------------- views

MODAL = {
    "type": "modal",
    "callback_id": "workshop_setup",
    "title": {"type": "plain_text", "text": "Workshop"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": '{"workshop": 7}',
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def test_views_open_returns_the_full_view(client: WebClient, standin: SlackStandIn) -> None:
    view = client.views_open(trigger_id=standin.issue_trigger_id(ALICE), view=MODAL)["view"]
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None and view["state"] == {"values": {}}
    assert (view["callback_id"], view["private_metadata"]) == ("workshop_setup", '{"workshop": 7}')
    assert (view["app_id"], view["bot_id"], view["team_id"]) == (
        standin.app_id,
        standin.bot_id,
        standin.team_id,
    )
    assert view["hash"] and view["external_id"] == "" and view["notify_on_close"] is False
    assert standin.top_view(ALICE)["id"] == view["id"]


def test_trigger_ids_expire_and_are_single_use(client: WebClient, standin: SlackStandIn) -> None:
    trigger = standin.issue_trigger_id(ALICE)
    client.views_open(trigger_id=trigger, view=MODAL)
    stale = standin.issue_trigger_id(ALICE)
    standin.trigger_ttl = 0.0

    def error_for(trigger_id: str) -> str:
        with pytest.raises(SlackApiError) as excinfo:
            client.views_open(trigger_id=trigger_id, view=MODAL)
        return api_error(excinfo)

    assert error_for(trigger) == "exchanged_trigger_id"
    time.sleep(0.01)
    assert error_for(stale) == "expired_trigger_id"
    assert error_for("1.2.made-up") == "invalid_trigger_id"


def test_invalid_modal_is_rejected_with_messages(client: WebClient, standin: SlackStandIn) -> None:
    view = {**MODAL, "title": {"type": "plain_text", "text": "T" * 25}, "submit": None}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=standin.issue_trigger_id(ALICE), view=view)
    assert api_error(excinfo) == "invalid_arguments"
    assert excinfo.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        "[ERROR] must provide a submit property when using input blocks [json-pointer:/view]",
    ]
    too_big = {**MODAL, "blocks": [{"type": "divider"}] * 101, "private_metadata": "m" * 3001}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=standin.issue_trigger_id(ALICE), view=too_big)
    assert len(excinfo.value.response["response_metadata"]["messages"]) == 2


def test_views_push_stops_at_three(client: WebClient, standin: SlackStandIn) -> None:
    root = client.views_open(trigger_id=standin.issue_trigger_id(ALICE), view=MODAL)["view"]
    second = client.views_push(trigger_id=standin.issue_trigger_id(ALICE), view=MODAL)["view"]
    third = client.views_push(trigger_id=standin.issue_trigger_id(ALICE), view=MODAL)["view"]
    assert (second["root_view_id"], second["previous_view_id"]) == (root["id"], root["id"])
    assert third["previous_view_id"] == second["id"]
    with pytest.raises(SlackApiError) as excinfo:
        client.views_push(trigger_id=standin.issue_trigger_id(ALICE), view=MODAL)
    assert api_error(excinfo) == "push_limit_reached"
    assert [v["id"] for v in standin.view_stack(ALICE)] == [root["id"], second["id"], third["id"]]


def test_views_update_checks_hash_and_finds_external_ids(
    client: WebClient, standin: SlackStandIn
) -> None:
    view = client.views_open(
        trigger_id=standin.issue_trigger_id(ALICE), view={**MODAL, "external_id": "setup-1"}
    )["view"]
    renamed = {**MODAL, "title": {"type": "plain_text", "text": "Renamed"}}
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=renamed)["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)
    assert api_error(excinfo) == "hash_conflict"
    by_external = client.views_update(external_id="setup-1", view=MODAL)["view"]
    assert by_external["id"] == view["id"] and by_external["title"]["text"] == "Workshop"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id="V0NOSUCH00", view=MODAL)
    assert api_error(excinfo) == "not_found"


def test_views_publish_home_tab(client: WebClient, standin: SlackStandIn) -> None:
    home = {"type": "home", "blocks": [section("Your workshops")]}
    first = client.views_publish(user_id=BOB, view=home)["view"]
    second = client.views_publish(user_id=BOB, view=home, hash=first["hash"])["view"]
    assert first["id"] == second["id"] and standin.home(BOB)["type"] == "home"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id=BOB, view=home, hash=first["hash"])
    assert api_error(excinfo) == "hash_conflict"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id=BOB, view={"type": "home", "blocks": [section("x")] * 101})
    assert api_error(excinfo) == "invalid_arguments"


# ---------------------------------------------------------------------- response_url


def test_response_url_messages(standin: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CHANNEL, text="vote here")["ts"]
    url = standin._issue_response_url(BOB, CHANNEL, ts)
    webhook = WebhookClient(url)
    assert webhook.send(text="only you see this").body == "ok"
    assert webhook.send(text="everyone sees this", response_type="in_channel").status_code == 200
    assert webhook.send(text="voted", replace_original=True).status_code == 200
    assert [e["text"] for e in standin.ephemerals(user=BOB)] == ["only you see this"]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["voted", "everyone sees this"]
    assert webhook.send(text="", blocks=None).status_code == 400
    assert webhook.send(text="gone", delete_original=True).status_code == 200
    assert webhook.send(text="sixth use").body == "used_url"
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["everyone sees this"]
