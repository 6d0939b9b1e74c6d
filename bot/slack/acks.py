"""Acknowledging a click only once what it changes is saved: acknowledged means saved.

A click that changes something (a Join, a phase, a status, a schedule's pause) is saved in one
short transaction and only then acknowledged, so an acknowledged change is a saved one even if
the process dies a moment later. It is never acknowledged before: a save Slack's 3 seconds
cannot wait for is either given up (on PostgreSQL, a lock wait is limited to what is left of
ACK_WITHIN_S: the transaction rolls back and the user is told it was not saved) or, if it is
slow for another reason, left unanswered, and Slack tells the user it failed. Either way the user
clicks again, and every one of these changes is a compare-and-set or unique in the database, so
the repeat counts once. Vote clicks, which queue on the voter's ballot, are journaled instead:
flows/vote_clicks.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from slack_bolt import Ack, BoltContext

from flows.errors import Busy, FlowError
from storage.db import is_lock_timeout, lock_waits_limited

T = TypeVar("T")

ACK_WITHIN_S = 2.0  # after the request arrived (bot.slack.middleware.stamp_arrival); Slack allows 3
MIN_LOCK_WAIT_S = 0.1  # a request that arrived late still gets a moment to take its locks
RECEIVED_AT = "received_at"
NOT_SAVED = "Not saved: another change to the same thing held it up. Please try again."


def save_then_ack(ack: Ack, context: BoltContext, save: Callable[[], T]) -> T:
    """Run `save`, then acknowledge; a refusal (a FlowError) is acknowledged and raised.

    On PostgreSQL the save's lock waits end ACK_WITHIN_S after the request arrived: it is then
    refused as Busy (rolled back, nothing saved). Any other failure is not acknowledged: Slack
    shows the user an error, and the app's error handler tells them what happened."""
    arrived = context.get(RECEIVED_AT) or time.monotonic()
    left = max(arrived + ACK_WITHIN_S - time.monotonic(), MIN_LOCK_WAIT_S)
    try:
        with lock_waits_limited(left):
            result = save()
    except FlowError:
        ack()
        raise
    except Exception as error:
        if not is_lock_timeout(error):
            raise
        ack()
        raise Busy(NOT_SAVED) from error
    ack()
    return result
