"""The floors of the vote benchmark, served exactly as `workshop-bot serve --http` serves the bot:

- the bare Bolt app: the bot's own Web API client and signature verification, the same listener
  thread pool and `process_before_response=False`, the same WSGI adapter and `HttpServer`, and
  one listener that only acks any block action;
- `--raw`: no Bolt at all, a WSGI app that answers 200 to anything: the cost of HTTP and of the
  load generator itself.

    python -m benchmarks.floor_app --port 3100 [--raw]

Configured like the bot, from SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.config import Settings, load_settings
from bot.logs import configure_logging
from bot.server import HttpServer, wsgi_application
from bot.slack.retries import web_api_retry_handlers

# As bot.app sets them; bot.app itself is not imported, so that the floor's memory is Bolt's
# alone, without the bot's listeners, flows, database and charts.
LISTENER_THREADS = 32
WEB_API_TIMEOUT_S = 10


def bare_bolt_app(settings: Settings) -> App:
    settings.require("SLACK_SIGNING_SECRET")
    settings.require("SLACK_BOT_TOKEN")
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),  # type: ignore[union-attr]
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=web_api_retry_handlers(),
    )
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),  # type: ignore[union-attr]
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
    )

    @app.action(re.compile(".*"))
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def raw_application(environ, start_response):  # type: ignore[no-untyped-def]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--raw", action="store_true", help="no Bolt: answer 200 to anything")
    args = parser.parse_args()
    settings = load_settings()
    configure_logging(settings.log_level, settings.secret_values())
    wsgi_app = raw_application if args.raw else wsgi_application(bare_bolt_app(settings))
    server = HttpServer(wsgi_app, host="127.0.0.1", port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    main()
