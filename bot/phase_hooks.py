"""What happens when a workshop finishes a phase (post the grid, the gaps, the vote result...).

Features register a hook for the phase they own; the phase listener runs them after the board
is updated. A hook runs when the workshop leaves its phase forwards (advance, skip or close), not
when a facilitator goes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from flows.workshops import PhaseAction, PhaseChangeResult
from storage.db import Database
from storage.models import Phase

logger = logging.getLogger(__name__)

PhaseHook = Callable[[WebClient, Database, PhaseChangeResult], None]
_hooks: dict[Phase, list[PhaseHook]] = {}


def on_phase_end(phase: Phase) -> Callable[[PhaseHook], PhaseHook]:
    def register(hook: PhaseHook) -> PhaseHook:
        if hook not in _hooks.setdefault(phase, []):
            _hooks[phase].append(hook)
        return hook

    return register


def run_phase_end_hooks(client: WebClient, db: Database, change: PhaseChangeResult) -> None:
    if change.action in (PhaseAction.back, PhaseAction.reopen):
        return
    for hook in _hooks.get(change.from_phase, []):
        try:
            hook(client, db, change)
        except Exception:
            # One failing result post must not stop the others; the error is logged with context.
            logger.exception(
                "phase-end hook %s failed for workshop %s (team %s)",
                hook.__name__,
                change.workshop.id,
                change.workshop.team_id,
            )
