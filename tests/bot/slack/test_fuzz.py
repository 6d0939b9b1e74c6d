"""Fuzzing with hypothesis: generated `block_actions` and `view_submission` payloads (wrong
types, missing fields, huge and unicode strings, other users' and other workspaces' ids) never
produce a 500 and never change what the sender may not change."""

import json
import logging
import time
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.slack import ids
from bot.slack.middleware import UNSAVABLE_COMMAND
from bot.slack.request_guard import MAX_BODY_BYTES
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE
from flows.savable import UNSAVABLE_FIELD
from storage.models import Participant, Phase, Touchpoint, Workshop
from tests.snapshots import database_rows

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id
ALL_IDS = sorted({v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)})
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.text(max_size=50)
    | st.text(alphabet="🙂é中\u202e\x00 |#:", max_size=20_000),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=8,
)
not_text = junk.filter(lambda value: not isinstance(value, str))
actors = st.sampled_from([BEN, OUTSIDER.user_id, "U0FORGED", "", None])
teams = st.sampled_from(["T0LOCAL", "T0OTHER", "", None])


def forged_values(workshop_id: int):
    return st.sampled_from(
        [
            f"{workshop_id}|setup",
            f"{workshop_id}|voting",
            f"{workshop_id + 1}|setup",
            str(workshop_id),
            f"{workshop_id}|{workshop_id}|1",
            "-1",
            "999999999999999999999",
        ]
    ) | st.text(max_size=200)


def post_payload(local, payload: dict):
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return local.sim.post(body, "application/x-www-form-urlencoded")


def snapshot(local, workshop_id: int):
    with local.db.session() as session:
        workshop = session.get(Workshop, workshop_id)
        facilitators = sorted(
            (p.user_id, p.role)
            for p in session.exec(
                select(Participant).where(
                    Participant.workshop_id == workshop_id, Participant.role != "participant"
                )
            )
        )
    return workshop.phase, workshop.title, workshop.team_id, facilitators


@pytest.fixture
def workshop(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    return workshop_id, board_ts


def interaction(kind: str, team: str, user: str, **fields) -> dict:
    """An interactive payload of `kind` from `user` in workspace `team`, with `fields`."""
    return {
        "type": kind,
        "team": {"id": team, "domain": "x"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "ASTANDIN",
        "trigger_id": "1.2.3",
        **fields,
    }


def post_fuzzed(local, payload: dict, statuses: list[int]):
    """Posts `payload`, which must not make a 500; its status is noted in `statuses`."""
    response = post_payload(local, payload)
    assert response.status != 500, (payload, response.text)
    statuses.append(response.status)
    return response


def assert_unharmed(local, caplog, statuses, workshop_id, before) -> None:
    """Once every acked request has finished its work: no 500, nothing logged as an error, and
    the workshop as it was."""
    local.drain()
    assert 500 not in statuses and tracebacks(caplog) == []
    assert snapshot(local, workshop_id) == before


def test_fuzzed_block_actions_never_fail_or_change_what_they_may_not(local, workshop, caplog):
    workshop_id, board_ts = workshop
    before = snapshot(local, workshop_id)
    statuses = []

    @FUZZ
    @given(
        action_id=st.sampled_from(ALL_IDS) | st.text(max_size=30),
        value=forged_values(workshop_id) | junk,
        user=actors,
        team=teams,
        extra=st.dictionaries(st.sampled_from(["message", "view", "container", "state"]), junk),
    )
    def fire(action_id, value, user, team, extra):
        fields = {
            "channel": {"id": CHANNEL_ID},
            "container": {"type": "message", "message_ts": board_ts, "channel_id": CHANNEL_ID},
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
            ],
            **extra,  # may replace the container
        }
        post_fuzzed(local, interaction("block_actions", team, user, **fields), statuses)

    fire()
    assert_unharmed(local, caplog, statuses, workshop_id, before)


def test_fuzzed_view_submissions_never_fail_or_change_what_they_may_not(local, workshop, caplog):
    workshop_id, _ = workshop
    before = snapshot(local, workshop_id)
    statuses = []

    @FUZZ
    @given(
        callback_id=st.sampled_from(ALL_IDS),
        metadata=st.sampled_from(
            [json.dumps({"workshop_id": workshop_id}), json.dumps({"channel_id": CHANNEL_ID})]
        )
        | st.text(max_size=3000),
        values=st.dictionaries(
            st.sampled_from(ALL_IDS) | st.text(max_size=10),
            st.dictionaries(st.sampled_from([ids.INPUT, "x"]), junk, max_size=2),
            max_size=6,
        ),
        user=actors,
        team=teams,
    )
    def fire(callback_id, metadata, values, user, team):
        view = {
            "id": "V0FUZZ",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": values},
            "blocks": [],
        }
        response = post_fuzzed(
            local, interaction("view_submission", team, user, view=view), statuses
        )
        if response.json and response.json.get("response_action") == "errors":
            assert isinstance(response.json["errors"], dict)

    fire()
    assert_unharmed(local, caplog, statuses, workshop_id, before)


@pytest.mark.parametrize("kind", ["view_submission", "block_actions"])
def test_a_click_or_form_from_no_workspace_gets_a_400(local, workshop, kind):
    # Found by the fuzzer: an empty team id reached a listener (every row is scoped by it).
    payload = {
        "type": kind,
        "team": {"id": ""},
        "user": {"id": BEN, "team_id": ""},
        "actions": [{"action_id": ids.JOIN_WORKSHOP, "value": str(workshop[0])}],
        "view": {
            "id": "V0",
            "type": "modal",
            "callback_id": ids.KPI_RECORD_MODAL,
            "state": {"values": {}},
        },
    }
    response = post_payload(local, payload)
    assert response.status == 400 and response.text == "malformed payload: no team id"


@pytest.mark.parametrize(
    ("field", "value"),
    [("view", None), ("user", "U0BEN"), ("actions", [{"value": "x"}]), ("state", [])],
)
def test_a_payload_of_the_wrong_shape_gets_a_400(local, field, value):
    payload = {
        "type": "block_actions",
        "team": {"id": "T0LOCAL"},
        "user": {"id": BEN},
        "actions": [{"action_id": ids.JOIN_WORKSHOP, "value": "1"}],
        field: value,
    }
    response = post_payload(local, payload)
    assert response.status == 400 and response.text.startswith("malformed payload")


# Requests refused before they are read ------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MARKER = "JUNK-MARKER"
SIXTY_FOUR_ZEROS = "v0=" + "0" * 64


def tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def assert_nothing_saved(local, caplog, before) -> None:
    """Once every acked request has finished its work, the tables hold the rows `before` and
    nothing was logged as an error."""
    local.drain()
    assert database_rows(local.db) == before and tracebacks(caplog) == []


def form(payload: str) -> bytes:
    return urlencode({"payload": payload}).encode()


def action(**fields) -> dict:
    """A signed-looking click on the board's Join button, with `fields` changed."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T0LOCAL"},
        "user": {"id": BEN, "team_id": "T0LOCAL"},
        "trigger_id": "1.2.3",
        "channel": {"id": CHANNEL_ID},
        "actions": [{"type": "button", "action_id": ids.JOIN_WORKSHOP, "block_id": "b"}],
    }
    return {**payload, **fields}


def submission(callback_id: str = ids.SETUP_MODAL, **view_fields) -> dict:
    view = {
        "id": "V0FORGED",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps({"channel_id": CHANNEL_ID}),
        "state": {"values": {ids.SETUP_TITLE: {ids.INPUT: {"type": "x", "value": "Forged"}}}},
    }
    return {
        "type": "view_submission",
        "team": {"id": "T0LOCAL"},
        "user": {"id": ANA, "team_id": "T0LOCAL"},
        "view": {**view, **view_fields},
    }


def command(**fields) -> bytes:
    form_fields = {
        "team_id": "T0LOCAL",
        "channel_id": CHANNEL_ID,
        "user_id": ANA,
        "command": "/workshop",
        "text": "new Forged",
        "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:1/unused",
    }
    return urlencode({k: v for k, v in {**form_fields, **fields}.items() if v is not None}).encode()


def click_value(value) -> bytes:
    return form(json.dumps(action(actions=[{"action_id": ids.JOIN_WORKSHOP, "value": value}])))


def fix_menu(value: str) -> bytes:
    chosen = {"action_id": ids.FIX_MENU, "selected_option": {"value": value}}
    return form(json.dumps(action(actions=[chosen])))


def merge_into(target: str) -> dict:
    picked = {ids.INPUT: {"type": "static_select", "selected_option": {"value": target}}}
    return submission(
        ids.FIX_MERGE_MODAL,
        private_metadata=json.dumps({"fix_id": 1}),
        state={"values": {ids.FIX_MERGE_TARGET: picked}},
    )


UNSIGNED_HEADERS = {
    "a timestamp that is not a number": {"X-Slack-Request-Timestamp": "now"},
    "an empty timestamp": {"X-Slack-Request-Timestamp": ""},
    "a timestamp in exponent form": {"X-Slack-Request-Timestamp": "1e99"},
    "a timestamp too long to be a number": {"X-Slack-Request-Timestamp": "9" * 5000},
    "a signature that is not ASCII": {"X-Slack-Signature": "v0=é"},
    "no timestamp": {"X-Slack-Request-Timestamp": None},
}


@pytest.mark.parametrize("case", UNSIGNED_HEADERS)
def test_unsigned_junk_gets_a_401_one_short_log_line_and_changes_nothing(local, caplog, case):
    before = database_rows(local.db)
    caplog.set_level(logging.INFO, logger="bot")
    caplog.set_level(logging.INFO, logger="slack_bolt")
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
    headers = {k: v for k, v in {**headers, **UNSIGNED_HEADERS[case]}.items() if v is not None}
    junk = form("{not json " + MARKER)  # Bolt would have parsed (and crashed on) this body
    response = local.sim.post(junk, FORM, headers=headers, signed=False)
    assert response.status == 401
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) <= 1 and all(len(line) < 100 and MARKER not in line for line in logged)
    assert tracebacks(caplog) == []
    assert database_rows(local.db) == before


def malformed_requests(workshop_id: int) -> dict[str, tuple[bytes, str] | tuple[bytes, str, dict]]:
    """Signed requests Slack never sends, each of a shape that used to crash the bot."""
    return {
        "an empty payload": (form(""), FORM),
        "a payload that is not JSON": (form("{not json"), FORM),
        "a payload that is a JSON array": (form("[]"), FORM),
        "a payload that is JSON null": (form("null"), FORM),
        "a payload that is a JSON string": (form('"block_actions"'), FORM),
        "a payload nested too deep to parse": (form("[" * 100_000), FORM),
        "a form body labelled JSON": (form(json.dumps(action())), JSON),
        "a JSON body that is an array": (b"[1, 2]", JSON),
        "a JSON body that does not parse": (b"{nope", JSON),
        "actions: null": (form(json.dumps(action(actions=None))), FORM),
        "actions: []": (form(json.dumps(action(actions=[]))), FORM),
        "actions: {}": (form(json.dumps(action(actions={}))), FORM),
        "a type that is a list": (form(json.dumps(action(type=["block_actions"]))), FORM),
        "a team id that is a list": (form(json.dumps(action(team={"id": ["T0LOCAL"]}))), FORM),
        "authorizations that are text": (form(json.dumps(action(authorizations="x"))), FORM),
        "a response_url that is a number": (form(json.dumps(action(response_url=1))), FORM),
        "a button value of 2**70": (click_value(str(2**70)), FORM),
        "a button value that is a number": (click_value(2**70), FORM),
        "a negative button value": (click_value(f"{workshop_id}|-1"), FORM),
        "a button value int() reads as 2**40": (click_value(f" +{2**40} "), FORM),
        "a menu value out of range": (fix_menu(f"edit|{2**70}"), FORM),
        "a view without a type": (form(json.dumps(without_view_type(submission()))), FORM),
        "a view whose type is null": (form(json.dumps(submission(type=None))), FORM),
        "a view that is text": (form(json.dumps(submission() | {"view": "callback_id"})), FORM),
        "view state values that are a list": (
            form(json.dumps(submission(state={"values": []}))),
            FORM,
        ),
        "a submitted view without state": (
            form(json.dumps(submission() | {"view": {"id": "V1", "callback_id": ids.FIX_MODAL}})),
            FORM,
        ),
        "view metadata that is a number": (form(json.dumps(submission(private_metadata=7))), FORM),
        "view metadata naming workshop 2**70": (
            form(json.dumps(submission(private_metadata=json.dumps({"workshop_id": 2**70})))),
            FORM,
        ),
        "view metadata naming workshop Infinity": (
            form(json.dumps(submission(private_metadata='{"workshop_id": Infinity}'))),
            FORM,
        ),
        "a merge target of 2**70": (form(json.dumps(merge_into(str(2**70)))), FORM),
        "an event that is text": (
            json.dumps({"type": "event_callback", "team_id": "T0LOCAL", "event": "x"}).encode(),
            JSON,
        ),
        "an event id that is a list": (
            json.dumps(
                {
                    "type": "event_callback",
                    "team_id": "T0LOCAL",
                    "event_id": ["Ev1"],
                    "event": {"type": "app_home_opened", "user": BEN, "tab": "home"},
                }
            ).encode(),
            JSON,
        ),
        "a slash command without its channel": (command(channel_id=None), FORM),
        "a slash command whose text is a list": (
            json.dumps({**parse_form(command()), "text": ["new"]}).encode(),
            JSON,
        ),
        "a Content-Length that is not a number": (b"x=1", FORM, {"Content-Length": "many"}),
        "a Content-Length far too large": (b"x=1", FORM, {"Content-Length": str(10**9)}),
        # Refused on its Content-Length, unread (sent in full, it might not finish sending).
        "a body over 2 MB": (b"x=1", FORM, {"Content-Length": str(MAX_BODY_BYTES + 1)}),
    }


def without_view_type(payload: dict) -> dict:
    return {**payload, "view": {k: v for k, v in payload["view"].items() if k != "type"}}


def parse_form(body: bytes) -> dict:
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def test_signed_malformed_requests_get_a_4xx_no_traceback_and_change_nothing(local, caplog):
    workshop_id, _ = local.start_workshop(ANA)
    before = database_rows(local.db)
    answers = {}
    for case, (body, content_type, *headers) in malformed_requests(workshop_id).items():
        caplog.clear()
        response = local.sim.post(body, content_type, headers=headers[0] if headers else None)
        answers[case] = (response.status, tracebacks(caplog))
    local.drain()
    wrong = {case: answer for case, answer in answers.items() if not 400 <= answer[0] < 500}
    assert wrong == {}
    assert {case: logged for case, (_, logged) in answers.items() if logged} == {}
    assert database_rows(local.db) == before


def picked(block_id: str, **element) -> dict:
    return {block_id: {ids.INPUT: {"type": "x", **element}}}


def test_forged_values_that_int_cannot_read_get_an_answer_not_a_crash(local, caplog):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.voting)
    with local.db.session() as session:  # closed: action items may be picked
        session.get(Workshop, workshop_id).phase = Phase.closed
        session.commit()
    ours = json.dumps({"workshop_id": workshop_id})
    forged = json.dumps({"workshop_id": "#1"})  # int() raises ValueError
    listed = json.dumps({"workshop_id": [workshop_id]})  # int() raises TypeError
    superscript = {"value": "²"}  # str.isdigit() says yes, int() says no
    schedule = {
        **picked(ids.DIGEST_CADENCE, selected_option={"value": "daily"}),
        **picked(ids.DIGEST_TIME, selected_time="09:00"),
        **picked(ids.DIGEST_TIMEZONE, selected_option={"value": "UTC"}),
        **picked(ids.DIGEST_RECIPIENTS, selected_users=[ANA]),
    }
    payloads = {
        "a KPI stage": submission(
            ids.KPI_RECORD_MODAL,
            private_metadata=ours,
            state={"values": picked(ids.KPI_FIELD_STAGE, selected_option=superscript)},
        ),
        "a fix picked for action items": submission(
            ids.ACTION_ITEMS_PICK_MODAL,
            private_metadata=ours,
            state={"values": picked(ids.ACTION_ITEMS_FIXES, selected_options=[superscript])},
        ),
        "the action items form's workshop": submission(
            ids.ACTION_ITEMS_PICK_MODAL, private_metadata=forged
        ),
        "the schedule form's workshop": submission(
            ids.DIGEST_MODAL, private_metadata=listed, state={"values": schedule}
        ),
        "a button value of 5000 digits, past int()'s limit": action(
            actions=[{"action_id": ids.JOIN_WORKSHOP, "value": "9" * 5000}]
        ),
        "the KPI table's button": action(
            actions=[{"action_id": ids.KPI_OPEN_RECORD, **superscript}]
        ),
    }
    before = database_rows(local.db)
    statuses = {
        case: local.sim.post(form(json.dumps(p)), FORM).status for case, p in payloads.items()
    }
    local.drain()
    assert statuses == dict.fromkeys(payloads, 200)  # a field error, or "out of date"
    assert tracebacks(caplog) == []
    assert database_rows(local.db) == before


def test_a_body_that_is_not_utf8_cannot_carry_a_valid_signature(local, caplog):
    response = local.sim.post(b"payload=\xff\xfe" + MARKER.encode(), FORM)
    assert response.status == 401
    assert tracebacks(caplog) == []


# Characters no database can store -----------------------------------------------------------

UNSAVABLE_TEXTS = ["Road\x00map", "Road\ud800map"]  # NUL; a lone surrogate ("\ud800" in JSON)


def open_form(local, user, text):
    local.sim.slash_command(user, CHANNEL_ID, text)
    return local.standin.wait_for(lambda: local.standin.top_view(user))


@pytest.mark.parametrize("typed", UNSAVABLE_TEXTS)
def test_a_workshop_title_that_cannot_be_saved_is_refused_on_its_field(local, caplog, typed):
    before = database_rows(local.db)
    open_form(local, ANA, "new")
    response = local.sim.submit_view(ANA, {ids.SETUP_TITLE: typed})
    assert response.json == {
        "response_action": "errors",
        "errors": {ids.SETUP_TITLE: UNSAVABLE_FIELD},
    }
    assert response.problems == []  # an error Slack shows under the title field
    assert_nothing_saved(local, caplog, before)


@pytest.mark.parametrize("typed", UNSAVABLE_TEXTS)
def test_a_stakeholder_name_that_cannot_be_saved_is_refused_on_its_field(local, caplog, typed):
    _, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    before = database_rows(local.db)
    local.sim.click(ANA, ids.ADD_STAKEHOLDER, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: local.standin.top_view(ANA))
    values = {ids.STAKEHOLDER_CATEGORY: "customer", ids.STAKEHOLDER_ATTITUDE: "neutral"}
    response = local.sim.submit_view(ANA, {**values, ids.STAKEHOLDER_NAME: typed})
    assert response.json["errors"] == {ids.STAKEHOLDER_NAME: UNSAVABLE_FIELD}
    assert_nothing_saved(local, caplog, before)


@pytest.mark.parametrize("typed", UNSAVABLE_TEXTS)
def test_a_fix_title_that_cannot_be_saved_is_refused_on_its_field(local, caplog, typed):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.fixes)
    before = database_rows(local.db)
    assert open_form(local, ANA, "fix")["callback_id"] == ids.FIX_MODAL
    with local.db.session() as session:
        query = select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        touchpoint_id = session.exec(query).first()
    values = {ids.FIX_TITLE: typed, ids.FIX_TOUCHPOINT: str(touchpoint_id)}
    response = local.sim.submit_view(ANA, values)
    assert response.json["errors"] == {ids.FIX_TITLE: UNSAVABLE_FIELD}
    assert_nothing_saved(local, caplog, before)


def test_a_pasted_kpi_answer_list_that_cannot_be_saved_is_refused_on_its_field(local, caplog):
    local.start_workshop(ANA, phase=Phase.rating)
    before = database_rows(local.db)
    open_form(local, ANA, "kpi")
    pasted = {ids.KPI_FIELD_KPI: "nps", ids.KPI_FIELD_RAW: "10 9\x00 8"}
    response = local.sim.submit_view(ANA, {**pasted, ids.KPI_FIELD_PERIOD_END: "2025-06-30"})
    assert response.json["errors"] == {ids.KPI_FIELD_RAW: UNSAVABLE_FIELD}
    assert_nothing_saved(local, caplog, before)


def test_a_slash_command_that_cannot_be_saved_gets_a_private_answer(local, caplog):
    # A form body cannot carry a lone surrogate (it decodes to U+FFFD): NUL is the case here.
    local.start_workshop(ANA)
    before = database_rows(local.db)
    response = local.sim.slash_command(ANA, CHANNEL_ID, "fix Road\x00map")
    assert response.json == {"response_type": "ephemeral", "text": UNSAVABLE_COMMAND}
    assert response.problems == []
    local.drain()
    assert local.standin.calls_to("views.open")[1:] == []  # only the setup form, earlier
    assert database_rows(local.db) == before and tracebacks(caplog) == []


# Any shape at all ---------------------------------------------------------------------------

KINDS = [
    "block_actions",
    "view_submission",
    "view_closed",
    "event_callback",
    "url_verification",
    "interactive_message",
    "workflow_step_edit",
    "block_suggestion",
    "shortcut",
]
unsavable_text = st.text(alphabet="ab\x00\ud800|9", max_size=12)
top_level = {
    "type": st.sampled_from(KINDS) | junk,
    "team": st.sampled_from([{"id": "T0LOCAL"}, {"id": None}]) | junk,
    "user": st.sampled_from([{"id": BEN}, {"id": "U0FORGED"}]) | junk,
    "channel": st.just({"id": CHANNEL_ID}) | junk,
    "container": junk,
    "message": junk,
    "view": st.fixed_dictionaries(
        {},
        optional={
            "id": junk | unsavable_text,
            "type": st.just("modal") | junk,
            "callback_id": st.sampled_from(ALL_IDS) | junk,
            "private_metadata": junk | st.just('{"workshop_id": 1e400}'),
            "state": junk | st.fixed_dictionaries({"values": junk}),
        },
    )
    | junk,
    "state": junk,
    "actions": st.lists(
        st.fixed_dictionaries(
            {"action_id": st.text(max_size=12) | junk},
            optional={"value": junk | unsavable_text, "selected_option": junk},
        ),
        max_size=2,
    )
    | junk,
    "event": st.fixed_dictionaries(
        {"type": st.sampled_from(["app_home_opened", "app_uninstalled", "tokens_revoked"])},
        optional={"user": junk, "tab": st.just("home") | junk, "tokens": junk},
    )
    | junk,
    "event_id": junk | unsavable_text,
    "authorizations": junk,
    "enterprise": junk,
    "response_url": junk,
    "response_urls": junk,
    "trigger_id": junk,
    "callback_id": junk,
    "workflow_step": junk,
    "command": st.just("/workshop") | junk,
    "text": junk | unsavable_text,
    "user_id": junk,
    "channel_id": junk,
    "team_id": st.just("T0LOCAL") | junk,
}


def encoded(payload: dict, how: str) -> tuple[bytes, str]:
    if how == "payload form":
        return form(json.dumps(payload)), FORM
    if how == "JSON body":
        return json.dumps(payload).encode(), JSON
    return form(json.dumps(payload)), JSON  # a form body labelled JSON


def test_fuzzed_shapes_never_fail_log_a_traceback_or_change_anything(local, workshop, caplog):
    before = database_rows(local.db)
    statuses = []

    @FUZZ
    @given(
        payload=st.fixed_dictionaries({}, optional=top_level),
        how=st.sampled_from(["payload form", "JSON body", "form labelled JSON"]),
    )
    def fire(payload, how):
        response = local.sim.post(*encoded(payload, how))
        assert response.status < 500, (payload, response.text)
        statuses.append(response.status)

    fire()
    local.drain()
    assert max(statuses) < 500 and tracebacks(caplog) == []
    assert database_rows(local.db) == before


def test_fuzzed_events_never_fail_log_a_traceback_or_change_anything(local, workshop, caplog):
    local.sim.app_home_opened(BEN)  # remembers Ben's Home page: the one row such events write
    local.wait_until_idle()
    # A well-formed event among the fuzzed ones (Ben opening Home again) moves its opened_at.
    before = database_rows(local.db, timestamps=False)

    @FUZZ
    @given(
        event=st.fixed_dictionaries(
            {"type": st.sampled_from(["app_home_opened", "app_uninstalled", "tokens_revoked"])},
            # Slack names real people only: a user id of the wrong type, never a made-up one.
            optional={
                "user": st.just(BEN) | not_text,
                "tab": st.just("home") | junk,
                "tokens": junk,
            },
        ),
        envelope=st.fixed_dictionaries(
            {}, optional={"team_id": st.just("T0LOCAL") | junk, "event_id": st.uuids().map(str)}
        ),
    )
    def fire(event, envelope):
        payload = {"type": "event_callback", "api_app_id": "ASTANDIN", **envelope, "event": event}
        response = local.sim.post(json.dumps(payload).encode(), JSON)
        assert response.status < 500, (payload, response.text)

    fire()
    local.drain()
    assert tracebacks(caplog) == []
    assert database_rows(local.db, timestamps=False) == before


def test_fuzzed_slash_commands_never_fail_log_a_traceback_or_change_anything(local, caplog):
    local.start_workshop(ANA)
    before = database_rows(local.db)

    @FUZZ
    @given(
        start=st.sampled_from(["new ", "fix ", "status #", "kpi ", "stakeholder ", ""]),
        rest=st.text(max_size=300) | st.text(alphabet="ab\x00|9#", max_size=12),
        user=st.sampled_from([ANA, BEN]),
    )
    def fire(start, rest, user):
        response = local.sim.slash_command(user, CHANNEL_ID, start + rest)
        assert response.status < 500, (start + rest, response.text)

    fire()
    local.drain()
    assert tracebacks(caplog) == []
    assert database_rows(local.db) == before
