"""Fixtures for the stand-in's own tests: a seeded workspace, a WebClient, a served Bolt app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from standin import SimulatedSlack, SlackStandIn
from standin.server import seed_demo
from standin.testing import EVENTS_PATH, serve_wsgi

SIGNING_SECRET = "standin-test-signing-secret"
OUTSIDER = "U0EVE00005"  # a workspace member who is in no channel (tests spell the id out)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        seed_demo(slack)
        slack.add_user(OUTSIDER, "eve", "Eve Evans", tz="Australia/Sydney")
        yield slack


def bot_client(standin: SlackStandIn, **options: Any) -> WebClient:
    """A real slack_sdk client with the stand-in's bot token; `options` as WebClient takes them
    (retry handlers, a timeout)."""
    return WebClient(token=standin.bot_token, base_url=standin.api_url, **options)


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """A real slack_sdk client with no retry handlers beyond the default connection retry."""
    return bot_client(standin)


@pytest.fixture
def app(standin: SlackStandIn) -> App:
    """A real Bolt app wired to the stand-in; tests register their own listeners on it."""
    return App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=standin.bot_token, base_url=standin.api_url),  # carries the token
    )


@pytest.fixture
def slack(standin: SlackStandIn, app: App) -> Iterator[SimulatedSlack]:
    base_url, stop = serve_wsgi(app)
    try:
        yield SimulatedSlack(standin, base_url + EVENTS_PATH, SIGNING_SECRET)
    finally:
        stop()
