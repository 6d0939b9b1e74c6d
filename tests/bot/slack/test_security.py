"""Signature verification stays on: unsigned, stale and tampered requests get 401 and change
nothing."""

import time
from urllib.parse import urlencode

import pytest

from demo.local import CHANNEL_ID, PEOPLE

ANA = PEOPLE[0].user_id


def command_body(text: str) -> bytes:
    return urlencode(
        {
            "team_id": "T0LOCAL",
            "channel_id": CHANNEL_ID,
            "user_id": ANA,
            "command": "/workshop",
            "text": text,
            "trigger_id": "1.2.3",
            "response_url": "http://127.0.0.1:1/unused",
        }
    ).encode()


@pytest.mark.parametrize(
    "case",
    ["unsigned", "stale", "tampered", "wrong secret"],
)
def test_bad_signatures_are_refused_and_change_nothing(local, case):
    body = command_body("new Forged")
    if case == "unsigned":
        response = local.sim.post(body, "application/x-www-form-urlencoded", signed=False)
    elif case == "stale":
        response = local.sim.post(
            body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60
        )
    elif case == "tampered":
        headers = local.sim.sign(body)
        response = local.sim.post(
            command_body("new Tampered"),
            "application/x-www-form-urlencoded",
            headers=headers,
            signed=False,
        )
    else:
        from standin import SimulatedSlack

        impostor = SimulatedSlack(local.standin, local.sim.bot_url, signing_secret="0" * 32)
        response = impostor.post(body, "application/x-www-form-urlencoded")
    assert response.status == 401
    time.sleep(0.2)  # had anything been accepted, the bot would have called Slack by now
    assert local.standin.calls_to("views.open") == []
    assert local.standin.ephemerals(user=ANA) == []


def test_health_check_answers_without_a_signature(local):
    import urllib.request

    with urllib.request.urlopen(local.server.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"
