import json

from bot.slack import ids
from bot.workshop.blocks.setup import build_setup_modal
from flows.journey import DEFAULT_JOURNEY, format_journey, parse_journey


def element(view, block_id):
    return next(b for b in view.blocks if b.block_id == block_id).element


def test_setup_modal_is_prefilled_with_the_default_journey():
    view = build_setup_modal("C1", "Q3 onboarding")
    assert view.callback_id == ids.SETUP_MODAL
    assert element(view, ids.SETUP_TITLE).initial_value == "Q3 onboarding"
    journey = element(view, ids.SETUP_JOURNEY).initial_value
    assert journey == format_journey(DEFAULT_JOURNEY)
    assert parse_journey(journey) == list(DEFAULT_JOURNEY)
    assert element(view, ids.SETUP_VOTE_BUDGET).initial_value == "3"
    assert element(view, ids.SETUP_MAX_VOTES_PER_FIX).initial_value == "1"
    assert json.loads(view.private_metadata) == {"channel_id": "C1"}


def test_setup_modal_without_a_title_leaves_it_empty():
    assert element(build_setup_modal("C1"), ids.SETUP_TITLE).initial_value is None


def test_setup_modal_validates_against_slack_limits():
    payload = build_setup_modal("C1", "t" * 500).to_dict()  # to_dict() runs slack_sdk's checks
    assert len(payload["title"]["text"]) <= 24
    assert len(json.dumps(payload)) < 250_000
