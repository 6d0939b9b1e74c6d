"""The simulated Slack client against a real Bolt app served over WSGI."""

from __future__ import annotations

import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from slack_bolt import App

from standin import SimulatedSlack, SlackStandIn, blockkit, simulator
from standin.server import DEMO_CHANNEL_ID, DEMO_USERS
from standin.testing import serve_wsgi

ALICE, BOB, CAROL, DAN = (u[0] for u in DEMO_USERS)
CHANNEL = DEMO_CHANNEL_ID


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(value: str, label: str | None = None) -> dict[str, Any]:
    return {"text": plain(label or value.title()), "value": value}


def input_block(block_id: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(block_id),
        "element": {"action_id": "a", **element},
    }


def modal(callback_id: str, *blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain("Workshop"),
        "submit": plain("Save"),
        "blocks": list(blocks),
        **extra,
    }


def vote_row(answer: str) -> dict[str, Any]:
    """One row per answer, all sharing ``action_id`` "vote" (unique within each block)."""
    button = {"type": "button", "action_id": "vote", "text": plain(answer), "value": answer}
    return {"type": "actions", "block_id": f"answer_{answer}", "elements": [button]}


VOTE_BLOCKS = [
    {"type": "section", "block_id": "question", "text": {"type": "mrkdwn", "text": "Ready?"}},
    vote_row("yes"),
    vote_row("no"),
    {
        "type": "actions",
        "block_id": "stage",
        "elements": [
            {
                "type": "static_select",
                "action_id": "pick",
                "placeholder": plain("Stage"),
                "options": [option("discover"), option("define")],
            }
        ],
    },
]


# ---------------------------------------------------------------------- requests and signatures


def test_slash_command_reaches_the_listener(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []

    @app.command("/workshop")
    def handle(ack, command, respond) -> None:
        ack()
        seen.append(command)
        respond(f"Starting {command['text']}")

    response = slack.slash_command(ALICE, CHANNEL, "start onboarding")
    assert (response.status, response.text, response.problems) == (200, "", [])
    [command] = standin.wait_for(lambda: seen)
    assert command["command"] == "/workshop" and command["text"] == "start onboarding"
    assert (command["user_id"], command["user_name"]) == (ALICE, "alice")
    assert (command["channel_id"], command["channel_name"]) == (CHANNEL, "journey-workshop")
    assert command["team_id"] == standin.team_id and command["team_domain"] == "standin"
    assert command["api_app_id"] == standin.app_id and command["is_enterprise_install"] == "false"
    assert command["response_url"].startswith(standin.base_url + "/response/")
    assert command["trigger_id"].count(".") == 2
    ephemeral = standin.wait_for(lambda: standin.ephemerals(user=ALICE))
    assert ephemeral[0]["text"] == "Starting start onboarding"


def test_immediate_command_replies_are_shown_like_slack(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    @app.command("/workshop")
    def handle(ack, command) -> None:
        if command["text"] == "public":
            ack(text="Everyone: workshop started", response_type="in_channel")
        else:
            ack("Only you see this")

    slack.slash_command(BOB, CHANNEL, "private")
    slack.slash_command(BOB, CHANNEL, "public")
    assert [e["text"] for e in standin.ephemerals(user=BOB)] == ["Only you see this"]
    assert [m["text"] for m in standin.messages(CHANNEL)] == ["Everyone: workshop started"]


def test_forged_stale_and_unsigned_requests_get_401(app: App, slack: SimulatedSlack) -> None:
    seen: list[str] = []
    app.command("/workshop")(lambda ack: (seen.append("called"), ack()))
    body = urlencode({"command": "/workshop", "text": "x", "user_id": ALICE}).encode()
    form = "application/x-www-form-urlencoded"

    forged = slack.post(body, form, headers={"X-Slack-Signature": "v0=" + "0" * 64})
    stale = slack.post(body, form, timestamp=int(time.time()) - 600)
    unsigned = slack.post(body, form, signed=False)
    assert [r.status for r in (forged, stale, unsigned)] == [401, 401, 401]
    assert seen == []
    assert slack.post(body, form).status == 200


def test_url_verification(slack: SimulatedSlack) -> None:
    assert slack.url_verification("c-123").json == {"challenge": "c-123"}


def test_slow_acks_are_reported(
    app: App, slack: SimulatedSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.command("/workshop")(lambda ack: ack())
    monkeypatch.setattr(simulator, "ACK_TIMEOUT", 0.0)
    response = slack.slash_command(ALICE, CHANNEL, "")
    assert response.status == 200 and "the user sees a timeout" in response.problems[0]


def test_concurrent_commands_all_arrive(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[str] = []

    @app.command("/workshop")
    def handle(ack, command) -> None:
        ack()
        seen.append(command["text"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda i: slack.slash_command(BOB, CHANNEL, str(i)).status, range(24))
        )
    assert statuses == [200] * 24
    standin.wait_for(lambda: len(seen) == 24)
    assert sorted(seen, key=int) == [str(i) for i in range(24)]


# ---------------------------------------------------------------------- clicks in messages


def test_click_a_button_in_a_posted_message(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []

    @app.action("vote")
    def handle(ack, body, action, respond) -> None:
        ack()
        seen.append(body)
        respond(replace_original=True, text=f"{body['user']['name']} voted {action['value']}")

    ts = app.client.chat_postMessage(channel=CHANNEL, text="Ready?", blocks=VOTE_BLOCKS)["ts"]
    response = slack.click(CAROL, "vote", channel=CHANNEL, ts=ts, value="no")
    assert response.status == 200 and response.problems == []
    [body] = standin.wait_for(lambda: seen)
    assert set(body) == {
        "type", "user", "api_app_id", "token", "trigger_id", "team", "enterprise",
        "is_enterprise_install", "container", "channel", "state", "response_url", "actions",
        "message",
    }  # fmt: skip
    assert body["type"] == "block_actions" and body["user"]["id"] == CAROL
    assert body["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": CHANNEL,
        "is_ephemeral": False,
    }
    assert body["channel"] == {"id": CHANNEL, "name": "journey-workshop"}
    assert body["message"]["ts"] == ts and body["message"]["blocks"] == VOTE_BLOCKS
    [action] = body["actions"]
    assert (action["type"], action["action_id"], action["block_id"], action["value"]) == (
        "button",
        "vote",
        "answer_no",
        "no",
    )
    assert body["state"] == {
        "values": {"stage": {"pick": {"type": "static_select", "selected_option": None}}}
    }
    standin.wait_for(lambda: standin.message(CHANNEL, ts)["text"] == "carol voted no")
    assert len(standin.edits(CHANNEL, ts)) == 1


def test_select_in_a_message_and_helpful_lookup_errors(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []
    app.action("pick")(lambda ack, action: (ack(), seen.append(action)))
    app.client.chat_postMessage(channel=CHANNEL, text="Ready?", blocks=VOTE_BLOCKS)

    slack.click(DAN, "pick", channel=CHANNEL, selected="define")  # newest matching message
    [action] = standin.wait_for(lambda: seen)
    assert action["selected_option"] == option("define")
    with pytest.raises(LookupError, match=r"available action_ids: \['pick', 'vote'\]"):
        slack.click(DAN, "nope", channel=CHANNEL)
    with pytest.raises(ValueError, match="valid values: \\['discover', 'define'\\]"):
        slack.click(DAN, "pick", channel=CHANNEL, selected="deliver")


def test_click_in_an_ephemeral_message(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []

    @app.action("dismiss")
    def handle(ack, body, respond) -> None:
        ack()
        seen.append(body)
        respond(delete_original=True)

    button = {"type": "button", "action_id": "dismiss", "text": plain("OK")}
    app.client.chat_postEphemeral(
        channel=CHANNEL, user=BOB, text="tip", blocks=[{"type": "actions", "elements": [button]}]
    )
    slack.click(BOB, "dismiss", channel=CHANNEL)
    [body] = standin.wait_for(lambda: seen)
    assert body["container"]["is_ephemeral"] is True
    assert "message" not in body, "Slack does not send ephemeral message content back"
    standin.wait_for(lambda: not standin.ephemerals(user=BOB))


# ---------------------------------------------------------------------- modals

EVERYTHING = modal(
    "everything",
    input_block("text", {"type": "plain_text_input", "initial_value": "hello"}),
    input_block("number", {"type": "number_input", "is_decimal_allowed": False, "max_value": "9"}),
    input_block("email", {"type": "email_text_input"}, optional=True),
    input_block(
        "stage",
        {
            "type": "static_select",
            "options": [option("discover"), option("define")],
            "initial_option": option("discover"),
        },
    ),
    input_block(
        "grouped",
        {
            "type": "static_select",
            "option_groups": [
                {"label": plain("G1"), "options": [option("g1")]},
                {"label": plain("G2"), "options": [option("g2")]},
            ],
        },
    ),
    input_block("radio", {"type": "radio_buttons", "options": [option("x"), option("y")]}),
    input_block(
        "tags",
        {
            "type": "multi_static_select",
            "options": [option("a"), option("b"), option("c")],
            "initial_options": [option("c")],
        },
    ),
    input_block("checks", {"type": "checkboxes", "options": [option("k")]}, optional=True),
    input_block("owner", {"type": "users_select", "initial_user": ALICE}),
    input_block("team", {"type": "multi_users_select"}),
    input_block("convo", {"type": "conversations_select"}, optional=True),
    input_block("chan", {"type": "channels_select", "initial_channel": CHANNEL}),
    input_block("chans", {"type": "multi_channels_select"}, optional=True),
    input_block("day", {"type": "datepicker", "initial_date": "2024-05-01"}),
    input_block("at", {"type": "timepicker", "timezone": "Europe/Berlin"}),
    input_block("when", {"type": "datetimepicker"}, optional=True),
    {
        "type": "section",
        "block_id": "sort",
        "text": {"type": "mrkdwn", "text": "Sort"},
        "accessory": {"type": "static_select", "action_id": "by", "options": [option("date")]},
    },
)


def open_modal(app: App, standin: SlackStandIn, user: str, view: dict[str, Any]) -> str:
    return app.client.views_open(trigger_id=standin.issue_trigger_id(user), view=view)["view"]["id"]


def test_submit_view_builds_slack_state_for_every_element_type(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []
    app.view("everything")(lambda ack, body: (seen.append(body), ack()))
    view_id = open_modal(app, standin, ALICE, EVERYTHING)

    response = slack.submit_view(
        ALICE,
        {
            "number": 7,
            "grouped": "g2",
            "radio": "y",
            "tags": ["a", "b"],
            "team": [ALICE, BOB],
            "day": dt.date(2024, 5, 17),
            "at": dt.time(9, 30),
            "when": dt.datetime(2024, 5, 17, 9, 30, tzinfo=dt.UTC),
            "by": "date",  # an action_id works when the block_id isn't handy
        },
    )
    assert (response.status, response.text, response.problems) == (200, "", [])
    [body] = standin.wait_for(lambda: seen)
    assert body["type"] == "view_submission" and body["response_urls"] == []
    assert body["view"]["id"] == view_id and body["view"]["callback_id"] == "everything"
    values = body["view"]["state"]["values"]
    assert values == {
        "text": {"a": {"type": "plain_text_input", "value": "hello"}},
        "number": {"a": {"type": "number_input", "value": "7"}},
        "email": {"a": {"type": "email_text_input", "value": None}},
        "stage": {"a": {"type": "static_select", "selected_option": option("discover")}},
        "grouped": {"a": {"type": "static_select", "selected_option": option("g2")}},
        "radio": {"a": {"type": "radio_buttons", "selected_option": option("y")}},
        "tags": {
            "a": {"type": "multi_static_select", "selected_options": [option("a"), option("b")]}
        },
        "checks": {"a": {"type": "checkboxes", "selected_options": []}},
        "owner": {"a": {"type": "users_select", "selected_user": ALICE}},
        "team": {"a": {"type": "multi_users_select", "selected_users": [ALICE, BOB]}},
        "convo": {"a": {"type": "conversations_select", "selected_conversation": None}},
        "chan": {"a": {"type": "channels_select", "selected_channel": CHANNEL}},
        "chans": {"a": {"type": "multi_channels_select", "selected_channels": []}},
        "day": {"a": {"type": "datepicker", "selected_date": "2024-05-17"}},
        "at": {"a": {"type": "timepicker", "selected_time": "09:30", "timezone": "Europe/Berlin"}},
        "when": {"a": {"type": "datetimepicker", "selected_date_time": 1715938200}},
        "sort": {"by": {"type": "static_select", "selected_option": option("date")}},
    }
    assert standin.view_stack(ALICE) == [], "an empty ack closes the modal"


def test_submit_view_refuses_what_the_slack_client_would(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[dict[str, Any]] = []
    app.view("everything")(lambda ack, view: (seen.append(view), ack()))
    open_modal(app, standin, ALICE, EVERYTHING)

    with pytest.raises(ValueError, match="'number' is required but empty"):
        slack.submit_view(ALICE, {"radio": "x", "team": [BOB], "at": "10:00", "grouped": "g1"})
    with pytest.raises(ValueError, match="'number' is outside max_value 9"):
        slack.submit_view(
            ALICE, {"number": 12, "radio": "x", "team": [BOB], "at": "10:00", "grouped": "g1"}
        )
    with pytest.raises(KeyError, match="block_ids: "):
        slack.submit_view(ALICE, {"no_such_block": "x"})
    raw = {"number": {"a": {"type": "number_input", "value": "not a number"}}}
    assert slack.submit_view(ALICE, raw_values=raw).status == 200
    assert standin.wait_for(lambda: seen)[0]["state"]["values"] == raw


def test_submission_answers_drive_the_modal_stack(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    name_modal = modal("named", input_block("name", {"type": "plain_text_input"}))

    @app.view("named")
    def handle(ack, view) -> None:
        name = view["state"]["values"]["name"]["a"]["value"]
        if name == "x":
            ack(response_action="errors", errors={"name": "Use at least 2 characters"})
        elif name == "update":
            ack(response_action="update", view={**name_modal, "title": plain("Updated")})
        elif name == "push":
            ack(response_action="push", view={**name_modal, "title": plain("Step 2")})
        elif name == "clear":
            ack(response_action="clear")
        elif name == "bogus":
            ack(response_action="errors", errors={"not_an_input": "nope"})
        else:
            ack()

    root = open_modal(app, standin, BOB, name_modal)
    errors = slack.submit_view(BOB, {"name": "x"})
    assert errors.json == {
        "response_action": "errors",
        "errors": {"name": "Use at least 2 characters"},
    }
    assert standin.top_view(BOB)["state"]["values"]["name"]["a"]["value"] == "x", "input is kept"
    assert "not input blocks" in slack.submit_view(BOB, {"name": "bogus"}).problems[0]

    slack.submit_view(BOB, {"name": "update"})
    top = standin.top_view(BOB)
    assert (top["id"], top["title"]["text"]) == (root, "Updated")

    slack.submit_view(BOB, {"name": "push"})
    assert [v["title"]["text"] for v in standin.view_stack(BOB)] == ["Updated", "Step 2"]
    slack.submit_view(BOB, {"name": "fine"})  # closes only the pushed view
    assert [v["id"] for v in standin.view_stack(BOB)] == [root]

    slack.submit_view(BOB, {"name": "push"})
    slack.submit_view(BOB, {"name": "clear"})
    assert standin.view_stack(BOB) == []


def test_actions_inside_a_modal_and_state_surviving_views_update(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    picker = {
        "type": "actions",
        "block_id": "template",
        "elements": [
            {
                "type": "static_select",
                "action_id": "choose",
                "options": [option("blank"), option("retail")],
            }
        ],
    }
    base = modal("templated", picker, input_block("name", {"type": "plain_text_input"}))
    submitted: list[dict[str, Any]] = []

    @app.action("choose")
    def choose(ack, body, client) -> None:
        ack()
        chosen = body["actions"][0]["selected_option"]["value"]
        hint = {"type": "context", "elements": [plain(f"Template: {chosen}")]}
        client.views_update(
            view_id=body["view"]["id"],
            hash=body["view"]["hash"],
            view={**base, "blocks": [*base["blocks"], hint]},
        )

    app.view("templated")(lambda ack, view: (submitted.append(view), ack()))
    view_id = open_modal(app, standin, CAROL, base)

    response = slack.click(CAROL, "choose", selected="retail")  # the user's top modal
    assert response.status == 200
    standin.wait_for(lambda: len(standin.view(view_id)["blocks"]) == 3)
    slack.submit_view(CAROL, {"name": "Q3 journey"})
    values = standin.wait_for(lambda: submitted)[0]["state"]["values"]
    assert values["template"]["choose"]["selected_option"]["value"] == "retail"
    assert values["name"]["a"]["value"] == "Q3 journey"


def test_external_select_suggestions_are_signed_block_suggestion_payloads(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    search = {"type": "external_select", "action_id": "find", "min_query_length": 2}
    view_id = open_modal(
        app, standin, CAROL, modal("searching", input_block("fix", search), private_metadata="7")
    )
    seen: list[dict[str, Any]] = []
    submitted: list[dict[str, Any]] = []

    @app.options("find")
    def find(ack, body) -> None:
        seen.append(body)
        ack(options=[option(f"{body['value']}-{n}") for n in range(3)])

    @app.options("too_many")
    def too_many(ack) -> None:
        ack(options=[option(str(n), "x" * 80) for n in range(101)])

    app.view("searching")(lambda ack, view: (submitted.append(view), ack()))

    with pytest.raises(ValueError, match="min_query_length 2"):
        slack.suggest(CAROL, "find", "a")
    assert seen == []
    response = slack.suggest(CAROL, "find", "ch")
    assert response.status == 200 and response.problems == []
    offered = blockkit.suggested_options(response.json)
    assert [o["value"] for o in offered] == ["ch-0", "ch-1", "ch-2"]
    body = seen[0]
    assert body["type"] == "block_suggestion" and body["value"] == "ch"
    assert (body["action_id"], body["block_id"]) == ("find", "fix")
    assert body["team"]["id"] == standin.team_id and body["user"]["id"] == CAROL
    assert body["view"]["id"] == view_id and body["view"]["private_metadata"] == "7"
    assert "trigger_id" not in body

    slack.submit_view(CAROL, {"fix": offered[1]})
    picked = standin.wait_for(lambda: submitted)[0]["state"]["values"]["fix"]["find"]
    assert picked["selected_option"] == offered[1]

    # an answer Slack would refuse is reported
    open_modal(
        app,
        standin,
        DAN,
        modal("other", input_block("many", {"type": "external_select", "action_id": "too_many"})),
    )
    problems = slack.suggest(DAN, "too_many", "abc").problems
    assert "[ERROR] no more than 100 items allowed [json-pointer:/options]" in problems
    assert any("less than 76 characters" in p for p in problems)


def test_close_view_notifies_only_when_asked(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    closed: list[dict[str, Any]] = []
    app.view_closed("watched")(lambda ack, body: (closed.append(body), ack()))

    open_modal(app, standin, DAN, modal("quiet", input_block("n", {"type": "plain_text_input"})))
    assert slack.close_view(DAN) is None and standin.view_stack(DAN) == []

    watched = modal("watched", notify_on_close=True, clear_on_close=True)
    open_modal(app, standin, DAN, watched)
    app.client.views_push(trigger_id=standin.issue_trigger_id(DAN), view=watched)
    response = slack.close_view(DAN)
    assert response is not None and response.status == 200
    [body] = standin.wait_for(lambda: closed)
    assert body["type"] == "view_closed" and body["is_cleared"] is True
    assert standin.view_stack(DAN) == []


# ---------------------------------------------------------------------- events and Home tab


def test_events_arrive_with_envelope_and_retry_headers(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    seen: list[tuple[dict[str, Any], str | None]] = []

    @app.event("app_mention")
    def handle(body, request) -> None:
        retry = request.headers.get("x-slack-retry-num")
        seen.append((body, retry[0] if retry else None))

    mention = {"type": "app_mention", "user": ALICE, "text": "<@UBOT> hi", "channel": CHANNEL}
    first = slack.event(mention, event_id="Ev0DUPLICATE")
    retry = slack.event(mention, event_id="Ev0DUPLICATE", retry_num=1, retry_reason="http_timeout")
    assert (first.status, retry.status) == (200, 200)
    standin.wait_for(lambda: len(seen) == 2)
    (body, first_retry), (retried_body, retry_num) = seen
    assert (first_retry, retry_num) == (None, "1")
    assert body["event_id"] == retried_body["event_id"] == "Ev0DUPLICATE"
    assert body["type"] == "event_callback" and body["event"]["event_ts"]
    assert body["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": standin.team_id,
            "user_id": standin.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert body["is_ext_shared_channel"] is False and body["event_context"].startswith("4-")


def test_home_tab_open_publish_and_click(
    app: App, slack: SimulatedSlack, standin: SlackStandIn
) -> None:
    clicks: list[dict[str, Any]] = []

    @app.event("app_home_opened")
    def publish(event, client) -> None:
        button = {"type": "button", "action_id": "new_workshop", "text": plain("New")}
        client.views_publish(
            user_id=event["user"],
            view={"type": "home", "blocks": [{"type": "actions", "elements": [button]}]},
        )

    app.action("new_workshop")(lambda ack, body: (ack(), clicks.append(body)))
    slack.app_home_opened(ALICE)
    standin.wait_for(lambda: standin.home(ALICE))
    slack.click(ALICE, "new_workshop", home=True)
    [body] = standin.wait_for(lambda: clicks)
    assert body["container"] == {"type": "view", "view_id": standin.home(ALICE)["id"]}
    assert body["view"]["type"] == "home" and "response_url" not in body


def test_payload_is_form_encoded_json_like_slack(standin: SlackStandIn) -> None:
    """Guard the wire format itself, independent of Bolt's lenient parsing."""
    captured: list[bytes] = []

    def wsgi(environ, start_response):
        captured.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    base_url, stop = serve_wsgi(wsgi)
    try:
        sim = SimulatedSlack(standin, base_url, "secret")
        standin.add_message(CHANNEL, ALICE, "hi", blocks=VOTE_BLOCKS)
        sim.click(BOB, "vote", channel=CHANNEL, value="yes")
    finally:
        stop()
    [raw] = captured
    assert raw.startswith(b"payload=")
    payload = json.loads(parse_qs(raw.decode())["payload"][0])
    assert payload["actions"][0]["value"] == "yes" and payload["message"]["user"] == ALICE
