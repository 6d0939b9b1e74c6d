"""Slack's signed requests, built exactly as the simulator builds them but kept unsent, so a
test can deliver the very same request several times, or many at once."""

from __future__ import annotations

import threading

from standin import SimResponse, SimulatedSlack


class RecordingSlack(SimulatedSlack):
    """A SimulatedSlack whose requests are recorded in `requests` instead of sent."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[tuple[bytes, str, dict[str, str]]] = []

    def post(self, body, content_type, headers=None, signed=True, timestamp=None):
        self.requests.append((body, content_type, dict(headers or {})))
        return SimResponse(200, "", None, {}, 0.0)


def fire_at_once(senders: list[SimulatedSlack], requests: list[tuple[bytes, str, dict]]):
    """Send every request at the same moment, request i through senders[i % len(senders)];
    return the answers in the order they arrived."""
    answers: list[SimResponse] = []
    barrier = threading.Barrier(len(requests))

    def send(index: int, request: tuple[bytes, str, dict]) -> None:
        barrier.wait()
        answers.append(senders[index % len(senders)].post(*request))

    threads = [
        threading.Thread(target=send, args=(i, request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
