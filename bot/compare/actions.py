"""*Same touchpoint* / *Different* under a suggested match: saved (one row per pair) before
the ack, then the person who pressed is told, privately."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.compare.blocks import MatchValue, decision_text
from bot.slack import ids
from bot.slack.acks import save_then_ack
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.who import team_id_of, user_id_of
from flows.benchmarking import MatchDecision, decide_match
from storage.db import Database
from storage.models import MatchVerdict

VERDICTS = {ids.COMPARE_CONFIRM: MatchVerdict.confirmed, ids.COMPARE_REJECT: MatchVerdict.rejected}


@answers_refusals("That suggestion is out of date; run `/workshop compare` again.")
def handle_decision(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
) -> None:
    value = MatchValue.of(action)
    verdict = VERDICTS[action["action_id"]]

    def save() -> MatchDecision:
        with db.session() as session:
            return decide_match(
                session,
                team_id_of(context),
                (value.touchpoint_a_id, value.touchpoint_b_id),
                verdict,
                user_id_of(context),
            )

    decision = save_then_ack(ack, context, save)
    tell_user(client, body, decision_text(decision), respond)


def register(app: App) -> None:
    for action_id in VERDICTS:
        app.action(action_id)(handle_decision)
