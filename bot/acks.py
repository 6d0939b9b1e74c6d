"""Acknowledging a click once what it changes is saved, but never later than Slack allows.

Slack shows the user an error when a request is not acknowledged within 3 seconds. A click that
changes something (a vote, a Join, a phase, a status) is saved in one short transaction and then
acknowledged, so an acknowledged change is a saved one even if the process dies a moment later.
When the database keeps the save waiting (locks under a burst of clicks, a busy machine), the
click is acknowledged anyway ACK_WITHIN_S after it arrived, and the save carries on: the user
then sees the change confirmed where it shows (their voting view, the board, the DM) once saved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from slack_bolt import Ack, BoltContext

from flows.errors import FlowError

T = TypeVar("T")

ACK_WITHIN_S = 2.0  # after the request arrived (bot.middleware.stamp_arrival); Slack allows 3
RECEIVED_AT = "received_at"


def save_then_ack(ack: Ack, context: BoltContext, save: Callable[[], T]) -> T:
    """Run `save` and acknowledge once it returns (or raises a refusal, a FlowError), or once
    ACK_WITHIN_S have passed since the request arrived, whichever comes first; exactly once.

    Any other failure is not acknowledged (unless the deadline already was): Slack shows the user
    an error, and the app's error handler tells them what happened."""
    lock, acked = threading.Lock(), [False]

    def ack_once() -> None:
        with lock:
            if not acked[0]:
                acked[0] = True
                ack()

    arrived = context.get(RECEIVED_AT) or time.monotonic()
    deadline = threading.Timer(max(0.0, arrived + ACK_WITHIN_S - time.monotonic()), ack_once)
    deadline.daemon = True
    deadline.start()
    try:
        result = save()
    except FlowError:
        deadline.cancel()
        ack_once()
        raise
    finally:
        deadline.cancel()
    ack_once()
    return result
