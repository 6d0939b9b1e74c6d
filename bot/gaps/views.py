"""Submission of a rating form page: validate and save it all or nothing, then show the page the
rater chose (or their progress), with inline errors when anything is wrong."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.gaps.blocks import RatingFormMetadata, build_rating_done, build_rating_modal
from bot.home.publish import refresh_homes
from bot.slack import ids
from bot.slack.after_ack import AfterAck
from bot.slack.answers import answers_refusals
from bot.slack.replies import report_failure
from bot.slack.view_state import input_value, selected_value
from bot.slack.who import team_id_of, user_id_of
from bot.workshop.board import refresh_board
from flows.gaps.form import rating_sheet
from flows.gaps.ratings import RATING_FIELDS, RawAnswer, field_key, save_ratings
from storage.db import Database

OUT_OF_DATE = "This form is out of date: close it and open it again from the board."


def read_answers(state: dict, touchpoint_ids: list[int]) -> dict[int, RawAnswer]:
    return {
        tp: RawAnswer(*(input_value(state, field_key(name, tp)) for name in RATING_FIELDS))
        for tp in touchpoint_ids
    }


def first_input_block(view: dict) -> str:
    """Where to show an error that belongs to no single field (Slack needs an input block)."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input":
            return str(block.get("block_id"))
    return ids.RATE_GO_TO


def form_target(view: dict) -> tuple[int, list[int]] | None:
    """The workshop and touchpoints a form page was drawn for (its private metadata)."""
    meta = RatingFormMetadata.read(view)  # no page of ours holds more than RATING_PAGE_SIZE
    if meta.w is None or meta.t is None:
        return None
    return meta.w, meta.t


def go_to_choice(state: dict) -> str | None:
    """The page picked in "After saving, go to" (its block id varies; see ids.RATE_GO_TO)."""
    block_id = next((key for key in state if key.startswith(f"{ids.RATE_GO_TO}:")), None)
    return None if block_id is None else selected_value(state, block_id)


def next_view(
    session: Session, team_id: str, user_id: str, workshop_id: int, destination: str | None
) -> View:
    sheet = rating_sheet(session, team_id, workshop_id, user_id)
    if destination is None or destination == ids.RATE_GO_TO_FINISH:
        return build_rating_done(sheet)
    page = int(destination) if destination.isascii() and destination.isdigit() else -1
    if not 0 <= page < len(sheet.pages):
        return build_rating_modal(sheet)  # the first page with something left to rate
    return build_rating_modal(rating_sheet(session, team_id, workshop_id, user_id, page))


@answers_refusals(field=first_input_block)
def handle_rating_submission(
    ack: Ack,
    body: dict,
    view: dict,
    client: WebClient,
    context: BoltContext,
    db: Database,
    after_ack: AfterAck,
) -> None:
    state = (view.get("state") or {}).get("values")
    state = state if isinstance(state, dict) else {}
    target = form_target(view)
    if target is None:
        ack(response_action="errors", errors={first_input_block(view): OUT_OF_DATE})
        return
    workshop_id, touchpoint_ids = target

    with db.session() as session:
        saved = save_ratings(
            session,
            team_id_of(context),
            workshop_id,
            user_id_of(context),
            read_answers(state, touchpoint_ids),
        )
        following = next_view(
            session,
            team_id_of(context),
            user_id_of(context),
            workshop_id,
            go_to_choice(state),
        )
    ack(response_action="update", view=following)
    if saved.progress_changed:
        team_id, user_id = team_id_of(context), user_id_of(context)

        def follow() -> None:
            refresh_board(client, db, team_id, workshop_id)
            refresh_homes(client, db, team_id, [user_id])  # touchpoints left to rate

        after_ack.run(None, follow, report_failure(client, body))


def register(app: App) -> None:
    app.view(ids.RATE_MODAL)(handle_rating_submission)
