"""Slack's request URL, guarded: what Bolt would crash on is refused before Bolt sees it.

Bolt parses a body (JSON, form, `payload=` JSON) before its own middleware checks the signature,
and answers 500 when the body does not parse or the timestamp header is not a number. Here the
signature is checked first, on the raw bytes: unsigned junk gets a 401 and one short log line,
without being decoded, parsed or logged. A signed body that Bolt cannot parse gets a 400. Bolt
still verifies the signature again afterwards (DESIGN.md: keep it on).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

# Slack's largest payloads (a submitted 100-block modal with its state) stay far below this.
MAX_BODY_BYTES = 2 * 1024 * 1024

# What Bolt's parsing raises for a body it cannot read: bad JSON or UTF-8 (ValueError), JSON of
# the wrong shape (AttributeError, TypeError, KeyError, IndexError), nesting too deep to parse.
UNPARSABLE = (ValueError, AttributeError, TypeError, KeyError, IndexError, RecursionError)


class GuardedSlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 4xx itself for requests Bolt would crash on."""

    def __init__(self, app: App, path: str) -> None:
        super().__init__(app, path=path)
        # The secret Bolt verifies with, so both checks agree on what is signed.
        self.verifier = SignatureVerifier(app._signing_secret)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        length = content_length(request.environ)
        if length is None:
            return plain(400, "bad Content-Length")
        if length > MAX_BODY_BYTES:
            return plain(413, "request body too large")
        body = request.environ["wsgi.input"].read(length)
        headers = request.get_headers()
        if not is_signed(self.verifier, body, headers):
            logger.info("refused a request without a valid Slack signature")
            return BoltResponse(status=401, body={"error": "invalid request"})
        try:
            bolt_request = BoltRequest(
                body=body.decode("utf-8"), query=request.query_string, headers=headers
            )
        except UNPARSABLE as error:
            logger.warning("refused a signed body that does not parse (%s)", type(error).__name__)
            return plain(400, "malformed payload: the body does not parse")
        return self.app.dispatch(bolt_request)


def content_length(environ: Mapping) -> int | None:
    """The Content-Length header as a size, or None when it is not one."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def is_signed(
    verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str | Sequence[str]]
) -> bool:
    """Slack's `v0=` signature of this body, made within the last five minutes."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not isinstance(timestamp, str) or not isinstance(signature, str):
        return False  # missing, or several values where Slack sends one
    try:
        return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    # A non-numeric timestamp, a non-ASCII signature, a body that is not UTF-8 (Slack signs
    # UTF-8 text, so such a body cannot carry its signature).
    except (ValueError, TypeError):
        return False


def plain(status: int, text: str) -> BoltResponse:
    return BoltResponse(status=status, body=text, headers={"content-type": "text/plain"})
