"""Multi-workspace install: Slack's OAuth flow stores the workspace's token in our database and
the bot then answers that workspace with it."""

import io
import logging
import re
import secrets
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.config import ConfigError, Settings
from bot.logs import configure_logging
from bot.server import EVENTS_PATH, HttpServer, wsgi_application
from bot.slack import ids
from bot.slack.oauth import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from demo.local import CHANNEL_ID, CHANNEL_NAME, PEOPLE
from standin import SimulatedSlack, SlackStandIn
from storage.models.slack_oauth import bots

ANA = PEOPLE[0].user_id
CLIENT_ID, CLIENT_SECRET = "1234.5678", "client-secret-value"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:  # 3xx and 4xx arrive here
        response = error
    return response.status, response.headers, response.read().decode()


def anas_workspace(team_id: str, bot_token: str) -> SlackStandIn:
    """A stand-in workspace, started, where Ana is in the workshop channel."""
    standin = SlackStandIn(team_id=team_id, bot_token=bot_token).start()
    standin.add_user(ANA, "ana", "Ana Lima")
    standin.add_channel(CHANNEL_ID, CHANNEL_NAME, [ANA])
    return standin


def oauth_settings(standin: SlackStandIn, db, signing_secret: str) -> Settings:
    """The bot in OAuth mode (no bot token of its own), calling the Web API at `standin`."""
    return Settings(
        slack_signing_secret=signing_secret,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_api_url=standin.api_url,
        database_url=db.url,
    )


@pytest.fixture
def oauth_bot(db):
    standin = anas_workspace("T0OAUTH", "xoxb-not-configured")
    standin.register_oauth_app(CLIENT_ID, CLIENT_SECRET)
    signing_secret = secrets.token_hex(16)
    settings = oauth_settings(standin, db, signing_secret)
    server = HttpServer(wsgi_application(create_app(settings, db))).start()
    sim = SimulatedSlack(standin, server.url + EVENTS_PATH, signing_secret)
    yield standin, server, sim, db
    server.stop()
    standin.stop()


def test_install_then_use_the_installed_token(oauth_bot):
    standin, server, sim, db = oauth_bot
    status, headers, page = get(server.url + INSTALL_PATH)
    assert status == 302
    authorize = urlparse(headers["Location"])
    query = parse_qs(authorize.query)
    assert authorize.path == "/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    state = query["state"][0]
    cookie = headers["Set-Cookie"].split(";")[0]

    code = standin.approve_install(ANA)  # Ana presses "Allow" on Slack's page
    status, _, page = get(f"{server.url}{REDIRECT_PATH}?code={code}&state={state}", cookie)
    assert status == 200, page
    with db.engine.connect() as connection:
        (row,) = connection.execute(select(bots.c.team_id, bots.c.bot_token)).all()
    assert row.team_id == "T0OAUTH" and row.bot_token.startswith("xoxb-installed-")

    # The workspace now uses the bot, with the token it was given at install.
    sim.slash_command(ANA, CHANNEL_ID, "new Onboarding")
    view = standin.wait_for(lambda: standin.top_view(ANA))
    assert view["callback_id"] == ids.SETUP_MODAL


def test_a_replayed_or_forged_state_is_refused(oauth_bot):
    standin, server, _, db = oauth_bot
    code = standin.approve_install(ANA)
    status, _, _ = get(f"{server.url}{REDIRECT_PATH}?code={code}&state=forged")
    assert status in (400, 401, 403)
    with db.engine.connect() as connection:
        assert connection.execute(select(bots.c.team_id)).all() == []


def test_half_configured_oauth_names_the_missing_variable():
    with pytest.raises(ConfigError, match=r"^SLACK_CLIENT_SECRET is not set"):
        Settings(slack_client_id=CLIENT_ID).oauth_enabled  # noqa: B018


def test_manifest_scopes_match_the_oauth_scopes():
    import yaml

    manifest = yaml.safe_load(open("manifest.yml").read())  # noqa: SIM115
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert re.fullmatch(r"/slack/\w+", INSTALL_PATH)


@pytest.fixture
def bot_log():
    """What the bot's own logging set-up writes, at DEBUG; pytest's logging restored after."""
    root, sdk = logging.getLogger(), logging.getLogger("slack_sdk")
    handlers, root_level, sdk_level = root.handlers[:], root.level, sdk.level
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(root_level)
    sdk.setLevel(sdk_level)


def test_oauth_codes_never_reach_the_logs(oauth_bot, bot_log):
    standin, server, _, _ = oauth_bot
    _, headers, _ = get(server.url + INSTALL_PATH)
    state = parse_qs(urlparse(headers["Location"]).query)["state"][0]
    cookie = headers["Set-Cookie"].split(";")[0]
    code = standin.approve_install(ANA)
    standin.inject_fault("oauth.v2.access", error="invalid_code")  # the exchange fails
    status, _, _ = get(f"{server.url}{REDIRECT_PATH}?code={code}&state={state}", cookie)
    assert status >= 400
    request_line = f"GET {REDIRECT_PATH}?code=***&state="
    deadline = time.monotonic() + 5  # the server logs the request line after it has answered
    while request_line not in bot_log.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    logged = bot_log.getvalue()
    assert request_line in logged  # the request line, at DEBUG
    assert "oauth.v2.access result with code: *** - error" in logged  # Bolt's WARNING
    assert code not in logged and code.split(".")[1] not in logged
