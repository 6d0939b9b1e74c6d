"""What happens when a workshop finishes a phase (post the grid, the gaps, the vote result...).

Features name a hook for the phase they own in their Feature (bot/features.py); the phase
listener runs them after the board is updated. A hook runs when the workshop leaves its phase
forwards (advance, skip or close), not when a facilitator goes back.

A phase's results (the stakeholder grid, the gap results, the ranked fixes) are named as a
ResultsPost: when posting them fails, the facilitator who moved on is told, in words, with a
*Post it again* button (bot/workshop/results.py) rather than the failure only being
logged.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.features import features
from bot.slack.replies import failure_reason
from bot.slack.retries import outcome_unknown
from bot.workshop.blocks.results_posts import PostAgain, build_post_failed
from flows.workshops import PhaseAction, PhaseChangeResult
from storage.db import Database
from storage.models import Phase

logger = logging.getLogger(__name__)

PhaseHook = Callable[[WebClient, Database, PhaseChangeResult], None]
PostResults = Callable[[WebClient, Database, str, int], object]  # (client, db, team, workshop)


@dataclass(frozen=True)
class ResultsPost:
    key: str  # names it in the Post it again button's value
    what: str  # in words, for the facilitator: "the gap results"
    post: PostResults


def _hooks_of(phase: Phase) -> list[PhaseHook]:
    return [hook for f in features() for ended, hook in f.phase_end_hooks if ended == phase]


def _results_of(phase: Phase) -> list[ResultsPost]:
    return [results for f in features() for ended, results in f.results_posts if ended == phase]


def find_results_post(key: object) -> ResultsPost | None:
    """The results a *Post it again* button names, if any feature has them."""
    if not isinstance(key, str):
        return None
    found = (results for f in features() for _, results in f.results_posts if results.key == key)
    return next(found, None)


def run_phase_end_hooks(
    client: WebClient, db: Database, change: PhaseChangeResult, user_id: str
) -> None:
    """Run the hooks and results posts of the phase the workshop left. `user_id` moved it on:
    they hear of results that could not be posted."""
    if change.action in (PhaseAction.back, PhaseAction.reopen):
        return
    workshop = change.workshop
    for hook in _hooks_of(change.from_phase):
        try:
            hook(client, db, change)
        except Exception:
            # One failing hook must not stop the others; the error is logged with context.
            logger.exception(
                "phase-end hook %s failed for workshop %s (team %s)",
                hook.__name__,
                workshop.id,
                workshop.team_id,
            )
    workshop_id: int = workshop.id  # type: ignore[assignment]
    for results in _results_of(change.from_phase):
        try:
            results.post(client, db, workshop.team_id, workshop_id)
        except Exception as error:
            logger.exception(
                "%s of workshop %s (team %s) not posted",
                results.what,
                workshop_id,
                workshop.team_id,
            )
            tell_post_failed(client, workshop.channel_id, user_id, workshop_id, results, error)


def post_failed_notice(
    workshop_id: int, results: ResultsPost, error: Exception
) -> tuple[str, list[Block]]:
    """A fresh notice (its button's token names it alone) saying `results` are missing."""
    return build_post_failed(
        PostAgain(workshop_id=workshop_id, key=results.key, token=secrets.token_hex(8)),
        results.what,
        failure_reason(error) or "something went wrong on our side",
        may_be_posted=outcome_unknown(error),
    )


def tell_post_failed(
    client: WebClient,
    channel_id: str,
    user_id: str,
    workshop_id: int,
    results: ResultsPost,
    error: Exception,
) -> None:
    """Tell `user_id` privately in the workshop's channel (else in a DM) which results are
    missing, with a button to post them again."""
    text, blocks = post_failed_notice(workshop_id, results, error)
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)
        return
    except SlackApiError as ephemeral_error:
        logger.info(
            "failure notice not shown in %s: %s", channel_id, ephemeral_error.response.get("error")
        )
    try:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as dm_error:
        logger.warning(
            "could not tell %s that %s of workshop %s failed: %s",
            user_id,
            results.what,
            workshop_id,
            dm_error.response.get("error"),
        )
