"""Errors that flows raise for the bot to turn into a clear message for the user."""

from __future__ import annotations


class FlowError(Exception):
    """A request that cannot be carried out; the message is safe to show to the user."""


class NotFound(FlowError):
    """The workshop (or item) does not exist in this workspace."""


class NotAllowed(FlowError):
    """The user may not do this (for example, only facilitators may change the phase)."""


class Conflict(FlowError):
    """The state moved on since the user looked (a stale button, a double click)."""


class InvalidInput(FlowError):
    """Input failed validation; `errors` maps field names to messages for inline display."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Busy(FlowError):
    """Not done, and nothing changed: another change held what this one needed for too long."""
