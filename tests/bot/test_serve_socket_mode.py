"""`workshop-bot serve` in Socket Mode (the default) as a real process, against the stand-in's
Web API and Socket Mode server: acks well inside Slack's 3 s, a new connection within seconds
after each way Slack or the network ends one, and no busy loop while it happens."""

from __future__ import annotations

import time

import psutil
import pytest
from typer.testing import CliRunner

from bot.app import create_app
from bot.cli import cli
from bot.config import ConfigError, Settings
from bot.server import (
    EVENTS_PATH,
    PING_INTERVAL_S,
    PONG_TIMEOUT_S,
    HttpServer,
    wsgi_application,
)
from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE, seeded_standin
from standin import SimulatedSlack
from tests.processes import START_TIMEOUT_S, BotProcess, bot_environment

ANA, BEN, CHLOE = (person.user_id for person in PEOPLE[:3])

ACK_BUDGET_S = 2.0  # "well inside" Slack's 3 s, on a loaded machine
RECONNECT_BUDGET_S = 5.0  # a close frame or a dropped TCP connection: reconnect at once
# A black-holed connection is noticed only when a ping goes unanswered: at worst one ping
# interval, the pong timeout and one more timeout for the check to run; then a reconnection.
SILENCE_BUDGET_S = PING_INTERVAL_S + 2 * PONG_TIMEOUT_S + RECONNECT_BUDGET_S
QUIET_S = 3.0  # after each recovery, watch the idle process a little longer
# Of one core, over each outage window (one cheap command included): a busy loop takes all of
# it, or what a loaded machine leaves it.
MAX_CPU_SHARE = 0.25


@pytest.fixture
def no_slack_settings(monkeypatch, tmp_path):
    """An environment without any Slack setting, and no .env file."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
def standin():
    with seeded_standin("T0SOCKET") as running:
        yield running


def socket_mode_environment(standin, database_url: str) -> dict:
    """What Socket Mode needs, and not the signing secret, which it does not use."""
    env = bot_environment(standin, "unused", database_url)
    del env["SLACK_SIGNING_SECRET"]
    return {**env, "SLACK_APP_TOKEN": standin.app_token}


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def help_replies(standin, user: str) -> int:
    return sum("How to run a workshop" in str(reply) for reply in standin.ephemerals(user=user))


def joined(standin, user: str) -> bool:
    return any("You've joined" in str(reply) for reply in standin.ephemerals(user=user))


def test_serve_needs_no_signing_secret_acks_fast_and_reconnects_after_every_fault(
    standin, db, tmp_path
):
    env = socket_mode_environment(standin, db.url)
    serve = BotProcess("serve-socket", ["serve"], env, tmp_path)
    server = standin.socket_mode
    serve.start()
    try:
        try:
            server.wait_for_live_link(START_TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(f"serve never connected:\n{serve.logs()[-3000:]}") from None
        sim = SimulatedSlack.over_socket_mode(standin, timeout=SILENCE_BUDGET_S + 10)

        command = sim.slash_command(ANA, CHANNEL_ID, "new Onboarding")
        assert command.elapsed < ACK_BUDGET_S and not command.problems
        assert standin.wait_for(lambda: standin.top_view(ANA))["callback_id"] == ids.SETUP_MODAL
        for step in (ids.SETUP_MODAL, ids.SETUP_STAGES_MODAL):  # the stage editor comes second
            assert standin.wait_for(lambda: standin.top_view(ANA))["callback_id"] == step
            submission = sim.submit_view(ANA)
            assert submission.elapsed < ACK_BUDGET_S and not submission.problems
        board = standin.wait_for(lambda: standin.messages(CHANNEL_ID))[0]
        click = sim.click(BEN, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board["ts"])
        assert click.elapsed < ACK_BUDGET_S and not click.problems
        standin.wait_for(lambda: joined(standin, BEN))

        process = psutil.Process(serve.process.pid)
        faults = (
            # Slack refreshes a connection: the next request must still be acked inside 3 s.
            (server.disconnect, ACK_BUDGET_S),
            (server.close_connections, RECONNECT_BUDGET_S),
            (server.drop_connections, RECONNECT_BUDGET_S),
            (server.cut, SILENCE_BUDGET_S),
        )
        for fault, budget in faults:
            replies = help_replies(standin, CHLOE)
            cpu_before, started = cpu_seconds(process), time.monotonic()
            assert fault(), f"{fault.__name__}: no connection to act on"
            # Sent at once: the clock runs while the bot reconnects, as for a user's command.
            command = sim.slash_command(CHLOE, CHANNEL_ID, "help")
            assert command.elapsed < budget, f"{fault.__name__}: acked after {command.elapsed:.1f}s"
            standin.wait_for(lambda replies=replies: help_replies(standin, CHLOE) > replies)
            time.sleep(QUIET_S)
            window = time.monotonic() - started
            spent = cpu_seconds(process) - cpu_before
            assert spent < MAX_CPU_SHARE * window, (
                f"{fault.__name__}: {spent:.1f}s of CPU in {window:.1f}s"
            )
        # One apps.connections.open per connection: none wasted (the method is rate limited).
        assert len(standin.calls_to("apps.connections.open")) == server.connections_opened == 5
    finally:
        serve.stop()
    logs = serve.logs()
    assert standin.app_token not in logs and standin.bot_token not in logs


def test_serve_asks_each_mode_for_its_own_credentials(no_slack_settings):
    runner = CliRunner()
    no_slack_settings.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    no_slack_settings.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-abc")
    refused = runner.invoke(cli, ["serve", "--http"])
    assert refused.exit_code != 0
    assert "SLACK_SIGNING_SECRET is not set" in refused.output

    no_slack_settings.delenv("SLACK_APP_TOKEN")
    refused = runner.invoke(cli, ["serve"])  # Socket Mode: the signing secret is not asked for
    assert refused.exit_code != 0
    assert "SLACK_APP_TOKEN is not set" in refused.output


def test_an_app_built_for_socket_mode_rejects_every_http_request(no_slack_settings, standin, db):
    settings = Settings(
        slack_bot_token=standin.bot_token, slack_api_url=standin.api_url, database_url=db.url
    )
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        create_app(settings, db)  # HTTP mode: requests must be signed
    server = HttpServer(wsgi_application(create_app(settings, db, socket_mode=True))).start()
    try:
        for guessed_secret in ("", "0123456789abcdef0123456789abcdef"):
            sim = SimulatedSlack(standin, server.url + EVENTS_PATH, guessed_secret)
            assert sim.slash_command(ANA, CHANNEL_ID, "help").status == 401
    finally:
        server.stop()
