"""Applies vote clicks that were journaled and acknowledged but never applied: their process
died between the two (`kill -9`), or applying them failed. Every `serve` runs one, at start-up
and then every SWEEP_EVERY_S; replicas sweeping at once skip each other's clicks (row locks,
SKIP LOCKED), and each click is applied exactly once (flows/vote_clicks.py).

It also forgets applied clicks once no copy of them can arrive any more.
"""

from __future__ import annotations

import logging
import threading

from flows.vote_clicks import apply_clicks, forget_applied_clicks, unapplied_clicks
from storage.db import Database, lock_waits_limited

logger = logging.getLogger(__name__)

SWEEP_EVERY_S = 5.0
# A click younger than this is most likely being applied by the listener that journaled it.
GRACE_S = 2.0
LOCK_WAIT_S = 10.0  # a voter whose locks are held that long is tried again at the next sweep


def sweep(db: Database, grace_s: float = GRACE_S) -> int:
    """Apply the clicks journaled more than `grace_s` ago and not applied yet; how many voters'
    clicks were applied."""
    with db.read_session() as session:
        pending = unapplied_clicks(session, received_before_s=grace_s)
    applied = 0
    for click in pending:
        try:
            with lock_waits_limited(LOCK_WAIT_S), db.session() as session:
                outcome = apply_clicks(
                    session,
                    click.team_id,
                    click.workshop_id,
                    click.voter_id,
                    click.click_id,
                    skip_locked=True,
                )
        except Exception:
            logger.exception(
                "vote clicks of %s up to %s not applied (team %s); trying again later",
                click.voter_id,
                click.click_id,
                click.team_id,
            )
            continue
        if outcome is not None:
            applied += 1
            logger.info(
                "applied the vote clicks of %s up to %s (team %s) left unapplied",
                click.voter_id,
                click.click_id,
                click.team_id,
            )
    with db.session() as session:
        forget_applied_clicks(session)
    return applied


class VoteSweeper:
    """A daemon thread that sweeps at once and then every `every_s` until stopped."""

    def __init__(
        self, db: Database, every_s: float = SWEEP_EVERY_S, grace_s: float = GRACE_S
    ) -> None:
        self.db, self.every_s, self.grace_s = db, every_s, grace_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vote-sweeper", daemon=True)

    def start(self) -> VoteSweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        """No new sweep starts; one under way is left to end or be cut short by the exit (its
        transaction then rolls back, and the next start-up sweeps again)."""
        self._stopped.set()

    def _run(self) -> None:
        # At start-up, no grace: a click its listener is applying (on another replica) is locked
        # and skipped, and applying one before its listener does is harmless (it waits, then
        # reports the outcome).
        grace_s = 0.0
        while not self._stopped.is_set():
            try:
                sweep(self.db, grace_s)
            except Exception:  # the database may be away for a while: sweep again later
                logger.exception("sweeping unapplied vote clicks failed")
            grace_s = self.grace_s
            self._stopped.wait(self.every_s)
