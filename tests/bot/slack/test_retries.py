"""Which failed Web API calls the bot's client sends again (bot/slack/retries.py)."""

from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.app import create_web_client
from bot.config import Settings
from bot.slack.retries import (
    ConnectionFailureRetryHandler,
    IdempotentServerErrorRetryHandler,
    api_method,
)

SAFE = ["chat.update", "views.update", "views.publish", "conversations.info", "users.info"]
UNSAFE = ["chat.postMessage", "chat.postEphemeral", "views.open", "files.completeUploadExternal"]


def request(method: str, base: str = "https://slack.com/api/") -> HttpRequest:
    return HttpRequest(method="POST", url=f"{base}{method}", headers={})


def answer(status: int) -> HttpResponse:
    return HttpResponse(status_code=status, headers={}, body={"ok": False, "error": "x"})


def retries(handler, method, response=None, error=None) -> bool:
    return handler.can_retry(
        state=RetryState(), request=request(method), response=response, error=error
    )


def test_the_method_is_read_from_any_base_url():
    assert api_method(request("chat.update")) == "chat.update"
    assert api_method(request("views.publish", "http://127.0.0.1:8089/api/")) == "views.publish"
    assert api_method(HttpRequest(method="POST", url="https://x/api/users.info?u=1", headers={}))


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_only_for_idempotent_methods(status):
    handler = IdempotentServerErrorRetryHandler()
    assert all(retries(handler, method, answer(status)) for method in SAFE)
    assert not any(retries(handler, method, answer(status)) for method in UNSAFE)


def test_client_errors_and_rate_limits_are_not_server_errors():
    handler = IdempotentServerErrorRetryHandler()
    assert not retries(handler, "chat.update", answer(429))
    assert not retries(handler, "chat.update", answer(404))


def test_a_request_that_never_reached_slack_is_retried_for_any_method():
    handler = ConnectionFailureRetryHandler()
    refused = URLError(ConnectionRefusedError(111, "Connection refused"))
    assert all(retries(handler, method, error=refused) for method in SAFE + UNSAFE)


@pytest.mark.parametrize(
    "error",
    [RemoteDisconnected("closed"), ConnectionResetError(104, "reset"), TimeoutError("timed out")],
)
def test_a_request_slack_may_have_acted_on_is_retried_only_if_idempotent(error):
    handler = ConnectionFailureRetryHandler()
    assert all(retries(handler, method, error=error) for method in SAFE)
    assert not any(retries(handler, method, error=error) for method in UNSAFE)


def test_the_bots_client_retries_rate_limits_everywhere_and_the_rest_only_where_safe():
    settings = Settings(slack_bot_token="xoxb-1-2-3", slack_signing_secret="0" * 32)
    client = create_web_client(settings)
    kinds = {type(handler) for handler in client.retry_handlers}
    assert kinds == {
        ConnectionFailureRetryHandler,
        IdempotentServerErrorRetryHandler,
        RateLimitErrorRetryHandler,
    }
    rate_limit = next(h for h in client.retry_handlers if type(h) is RateLimitErrorRetryHandler)
    assert retries(rate_limit, "chat.postMessage", answer(429))
