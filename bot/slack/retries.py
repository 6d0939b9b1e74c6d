"""Which failed Web API calls are safe to send again.

- A 429 always is: Slack did nothing and says when to come back (RateLimitErrorRetryHandler).
- A request that never reached Slack (connection refused, DNS, a connect timeout: urllib wraps
  those in URLError) always is.
- A request Slack may have received but did not answer properly (HTTP 5xx, a reset or dropped
  connection, a read timeout) is retried only for IDEMPOTENT_METHODS, whose repetition leaves
  Slack as one call would. Anything else, such as chat.postMessage, may already have happened:
  sending it again could post twice, so the error reaches the caller, which tells the user.
"""

from __future__ import annotations

from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Reads, and writes that set state to a given value (an edit, a published view).
IDEMPOTENT_METHODS = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "chat.update",
        "conversations.history",
        "conversations.info",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "files.info",
        "users.info",
        "users.list",
        "views.publish",
        "views.update",
    }
)


def api_method(request: HttpRequest) -> str:
    """ "chat.update" from ".../api/chat.update?…"."""
    return urlsplit(request.url).path.rsplit("/", 1)[-1]


def is_idempotent(request: HttpRequest) -> bool:
    return api_method(request) in IDEMPOTENT_METHODS


class ConnectionFailureRetryHandler(ConnectionErrorRetryHandler):
    """Connection failures: any method if the request never left, idempotent ones otherwise.

    A reset or a read timeout comes after the request was sent, so Slack may have acted on it.
    """

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is None or response is not None:
            return False
        if isinstance(error, URLError):  # raised while connecting or sending: never arrived
            return True
        return isinstance(error, ConnectionError | TimeoutError) and is_idempotent(request)


class IdempotentServerErrorRetryHandler(RetryHandler):
    """HTTP 5xx answers, for idempotent methods only."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500 and is_idempotent(request)


def outcome_unknown(error: BaseException) -> bool:
    """Whether Slack may have carried out a call that raised `error`: yes unless Slack answered
    with an error of its own (it did nothing) or the request never left (urllib's URLError)."""
    if isinstance(error, SlackApiError):
        return error.response.status_code >= 500
    return not isinstance(error, URLError)


def web_api_retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionFailureRetryHandler(max_retry_count=2),
        IdempotentServerErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
    ]
