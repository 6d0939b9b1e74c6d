"""manifest.yml is a valid Slack app manifest that matches what the code does."""

import re
from pathlib import Path

import yaml

from bot.departures import DEPARTURE_EVENTS
from bot.slack import ids

ROOT = Path(__file__).parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_has_the_sections_slack_requires():
    assert MANIFEST["_metadata"]["major_version"] == 1
    assert MANIFEST["display_information"]["name"]
    assert len(MANIFEST["display_information"]["description"]) <= 140
    bot_user = MANIFEST["features"]["bot_user"]
    assert bot_user["display_name"] and len(bot_user["display_name"]) <= 80


def test_slash_command_home_tab_interactivity_and_socket_mode():
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == ids.COMMAND
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert "app_home_opened" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]


def test_the_app_hears_when_a_workspace_removes_it():
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert set(DEPARTURE_EVENTS) <= set(events)


def test_every_scope_is_justified_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    justified = set(re.findall(r"^\| `([a-z:.]+)` \|", readme, flags=re.MULTILINE))
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert scopes <= justified
    assert not {s for s in justified if ":" in s or s == "commands"} - scopes, (
        "the README justifies a scope the manifest does not ask for"
    )
