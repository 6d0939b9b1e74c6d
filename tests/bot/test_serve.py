"""`workshop-bot serve --http` as a real process, pointed at the Slack stand-in."""

import os
import secrets
import subprocess
import sys

import pytest

from bot.slack import ids
from demo.local import CHANNEL_ID, CHANNEL_NAME, PEOPLE
from standin import SimulatedSlack, SlackStandIn
from tests.processes import free_port, wait_until_healthy

ANA = PEOPLE[0].user_id


@pytest.fixture
def standin():
    with SlackStandIn(team_id="T0SERVE") as running:
        running.add_user(ANA, "ana", "Ana Lima")
        running.add_channel(CHANNEL_ID, CHANNEL_NAME, [ANA])
        yield running


def test_serve_http_opens_the_setup_modal_and_posts_the_board(standin, tmp_path):
    signing_secret = secrets.token_hex(16)
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",  # new: serve migrates it
        "LOG_LEVEL": "DEBUG",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--http",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
        sim = SimulatedSlack(standin, f"http://127.0.0.1:{port}/slack/events", signing_secret)
        assert sim.slash_command(ANA, CHANNEL_ID, "new Onboarding").status == 200
        view = standin.wait_for(lambda: standin.top_view(ANA), timeout=10)
        assert view["callback_id"] == ids.SETUP_MODAL
        sim.submit_view(ANA)  # step 1, then the stage editor as the default journey fills it
        standin.wait_for(lambda: standin.top_view(ANA)["callback_id"] == ids.SETUP_STAGES_MODAL)
        sim.submit_view(ANA)
        board = standin.wait_for(lambda: standin.messages(CHANNEL_ID), timeout=10)[0]
        assert board["blocks"][0]["text"]["text"] == "Onboarding"
    finally:
        process.terminate()
        logs = process.communicate(timeout=10)[1]
    assert standin.bot_token not in logs and signing_secret not in logs  # even at DEBUG
    assert "database schema upgraded" in logs
