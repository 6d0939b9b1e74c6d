"""Local Slack for tests and demos: a Web API stand-in and a simulated Slack client.

- :class:`SlackStandIn` — the Slack Web API on 127.0.0.1, recording what the bot did.
- :class:`SimulatedSlack` — signed slash commands, clicks, modal submissions and events sent
  to the bot, as Slack sends them.
- :mod:`standin.testing` — serve a Bolt app over WSGI for end-to-end tests.
- :mod:`standin.socket_mode` — Slack's Socket Mode (``SlackStandIn.socket_mode``), which
  ``SimulatedSlack.over_socket_mode`` sends envelopes through instead of HTTP requests.
"""

from standin.server import Call, SlackStandIn
from standin.simulator import SimResponse, SimulatedSlack

__all__ = ["Call", "SimResponse", "SimulatedSlack", "SlackStandIn"]
