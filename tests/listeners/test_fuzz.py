"""Fuzzing with hypothesis: generated `block_actions` and `view_submission` payloads (wrong
types, missing fields, huge and unicode strings, other users' and other workspaces' ids) never
produce a 500 and never change what the sender may not change."""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot import ids
from bot.local import CHANNEL_ID, OUTSIDER, PEOPLE
from storage.models import Participant, Workshop

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


def test_fuzzed_block_actions_never_fail_or_change_what_they_may_not(local, workshop):
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
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "x"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "ASTANDIN",
            "trigger_id": "1.2.3",
            "channel": {"id": CHANNEL_ID},
            "container": {"type": "message", "message_ts": board_ts, "channel_id": CHANNEL_ID},
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
            ],
            **extra,
        }
        response = post_payload(local, payload)
        assert response.status != 500, (payload, response.text)
        statuses.append(response.status)

    fire()
    local.drain()  # every acked request has finished its work
    assert 500 not in statuses
    assert snapshot(local, workshop_id) == before


def test_fuzzed_view_submissions_never_fail_or_change_what_they_may_not(local, workshop):
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
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "x"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "ASTANDIN",
            "trigger_id": "1.2.3",
            "view": {
                "id": "V0FUZZ",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": metadata,
                "state": {"values": values},
                "blocks": [],
            },
        }
        response = post_payload(local, payload)
        assert response.status != 500, (payload, response.text)
        statuses.append(response.status)
        if response.json and response.json.get("response_action") == "errors":
            assert isinstance(response.json["errors"], dict)

    fire()
    local.drain()
    assert 500 not in statuses
    assert snapshot(local, workshop_id) == before


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
