"""*Same touchpoint* / *Different* under a suggested match: saved (one row per pair) before
the ack, then the person who pressed is told, privately."""

from __future__ import annotations

from slack_bolt import App

from bot.compare.blocks import MatchValue, decision_text
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.requests import ActionRequest
from flows.benchmarking import MatchDecision, decide_match
from storage.models import MatchVerdict

VERDICTS = {ids.COMPARE_CONFIRM: MatchVerdict.confirmed, ids.COMPARE_REJECT: MatchVerdict.rejected}


@answers_refusals("That suggestion is out of date; run `/workshop compare` again.")
def handle_decision(request: ActionRequest) -> None:
    value = request.value(MatchValue)
    verdict = VERDICTS[request.action_id]

    def save() -> MatchDecision:
        with request.db.session() as session:
            return decide_match(
                session,
                request.team_id,
                (value.touchpoint_a_id, value.touchpoint_b_id),
                verdict,
                request.user_id,
            )

    decision = request.save_then_ack(save)
    request.tell(decision_text(decision))


def register(app: App) -> None:
    for action_id in VERDICTS:
        app.action(action_id)(handle_decision)
