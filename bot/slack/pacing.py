"""Keeping this process's posts to one channel a second apart.

Slack lets an app post about one message per second per channel (chat.postMessage's special
rate limit) and answers 429 + Retry-After past it. The Web API client retries a 429 three times
(bot/slack/retries.py), but threads posting many digests to one channel at the same minute can keep
answering each other's retries with fresh 429s until one runs out of them, and that digest is
lost for its slot. So digest posts take turns per channel: the next one goes a second after the
previous one was answered. Posts to other channels are not held up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

POST_INTERVAL_S = 1.0
FORGET_AFTER = 1000  # channels remembered before idle ones are forgotten


@dataclass
class _Channel:
    lock: threading.Lock = field(default_factory=threading.Lock)
    free_at: float = 0.0  # monotonic time of the channel's next allowed post
    users: int = 0  # turns waiting or running


class ChannelPacer:
    def __init__(
        self,
        interval_s: float = POST_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._channels: dict[str, _Channel] = {}

    @contextmanager
    def turn(self, channel: str) -> Iterator[None]:
        """Wait until `channel` may be posted to, then post inside the block (one at a time)."""
        with self._lock:
            state = self._channels.setdefault(channel, _Channel())
            state.users += 1
        try:
            with state.lock:
                wait = state.free_at - self._clock()
                if wait > 0:
                    self._sleep(wait)
                try:
                    yield
                finally:
                    state.free_at = self._clock() + self.interval_s
        finally:
            with self._lock:
                state.users -= 1
                if len(self._channels) > FORGET_AFTER:
                    self._forget_idle()

    def _forget_idle(self) -> None:
        now = self._clock()
        for channel, state in list(self._channels.items()):
            if state.users == 0 and state.free_at <= now:
                del self._channels[channel]

    def __len__(self) -> int:
        return len(self._channels)
