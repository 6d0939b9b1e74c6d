"""Submission of a rating form page (scores) or details page (importance, comments): validate
and save it all or nothing, then show the page its submit button named (or the rater's
progress), with inline errors when anything is wrong."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.emotions.blocks import feeling_from_option
from bot.gaps.blocks import (
    DETAILS_PAGE_SIZE,
    SKIP,
    DetailsFormMetadata,
    RatingFormMetadata,
    build_details_modal,
    build_rating_done,
    build_rating_modal,
)
from bot.home.publish import refresh_homes
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.requests import SubmissionRequest
from bot.slack.view_state import input_value, selected_value
from bot.workshop.board import refresh_board
from flows.errors import InvalidInput
from flows.gaps.form import details_sheet, rating_sheet
from flows.gaps.ratings import RawAnswer, RawDetails, field_key, save_details, save_ratings

OUT_OF_DATE = "This form is out of date: close it and open it again from the board."


def _score(state: dict, block_id: str) -> str | None:
    """A score select's value (or a number typed into an older form); None when skipped."""
    value = selected_value(state, block_id) or input_value(state, block_id)
    return None if value == SKIP else value


def read_answers(state: dict, touchpoint_ids: list[int]) -> dict[int, RawAnswer]:
    return {
        tp: RawAnswer(
            _score(state, field_key("expectation", tp)),
            _score(state, field_key("experience", tp)),
            emotion=feeling_from_option(selected_value(state, field_key("emotion", tp))),
        )
        for tp in touchpoint_ids
    }


def read_details(state: dict, touchpoint_ids: list[int]) -> dict[int, RawDetails]:
    return {
        tp: RawDetails(
            selected_value(state, field_key("importance", tp)),
            input_value(state, field_key("comment", tp)),
        )
        for tp in touchpoint_ids
    }


def first_input_block(view: dict) -> str:
    """Where to show an error that belongs to no single field (Slack needs an input block)."""
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input":
            return str(block.get("block_id"))
    return "form"


def form_target(
    view: dict, kind: type[RatingFormMetadata | DetailsFormMetadata] = RatingFormMetadata
) -> tuple[int, int, list[int]] | None:
    """The workshop, page and touchpoints a form page was drawn for (its private metadata; no
    page of ours holds more touchpoints than its kind allows)."""
    meta = kind.read(view)
    if meta.w is None or meta.p is None or meta.t is None:
        return None
    return meta.w, meta.p, meta.t


def after_page(session: Session, team_id: str, user_id: str, workshop_id: int, page: int) -> View:
    """What the submit button of rating page `page` promised: the next page, or the progress."""
    sheet = rating_sheet(session, team_id, workshop_id, user_id, 0)
    if page + 1 < len(sheet.pages):
        return build_rating_modal(rating_sheet(session, team_id, workshop_id, user_id, page + 1))
    return build_rating_done(sheet)


def _target(
    request: SubmissionRequest, kind: type[RatingFormMetadata | DetailsFormMetadata]
) -> tuple[int, int, list[int]]:
    """The submitted page's target; a form no page of ours drew is refused as out of date, under
    its first field (bot/slack/answers.py)."""
    target = form_target(request.view, kind)
    if target is None:
        raise InvalidInput({first_input_block(request.view): OUT_OF_DATE})
    return target


@answers_refusals(field=first_input_block)
def handle_rating_submission(request: SubmissionRequest) -> None:
    workshop_id, page, touchpoint_ids = _target(request, RatingFormMetadata)
    team_id, user_id = request.team_id, request.user_id
    with request.db.session() as session:
        answers = read_answers(request.state, touchpoint_ids)
        saved = save_ratings(session, team_id, workshop_id, user_id, answers)
        following = after_page(session, team_id, user_id, workshop_id, page)
    request.show(following)
    if saved.progress_changed:

        def follow() -> None:
            client, db = request.client, request.db
            refresh_board(client, db, team_id, workshop_id)
            refresh_homes(client, db, team_id, [user_id])  # touchpoints left to rate

        request.after(follow)


@answers_refusals(field=first_input_block)
def handle_details_submission(request: SubmissionRequest) -> None:
    workshop_id, page, touchpoint_ids = _target(request, DetailsFormMetadata)
    team_id, user_id = request.team_id, request.user_id
    with request.db.session() as session:
        details = read_details(request.state, touchpoint_ids)
        save_details(session, team_id, workshop_id, user_id, details)
        following_page = details_sheet(
            session, team_id, workshop_id, user_id, page + 1, DETAILS_PAGE_SIZE
        )
        if following_page.index == page + 1:
            following = build_details_modal(following_page)
        else:  # that was the last details page
            following = build_rating_done(rating_sheet(session, team_id, workshop_id, user_id))
    request.show(following)


def register(app: App) -> None:
    app.view(ids.RATE_MODAL)(handle_rating_submission)
    app.view(ids.RATE_DETAILS_MODAL)(handle_details_submission)
