import json

from bot.slack import ids
from bot.workshop.blocks.board import PHASE_NAMES, board_text, build_board, phase_track
from flows.board import BoardSummary, Figure, StageSummary
from storage.models import Phase


def summary(phase=Phase.setup, **overrides) -> BoardSummary:
    values = {
        "workshop_id": 7,
        "team_id": "T1",
        "channel_id": "C1",
        "title": "Onboarding journey",
        "phase": phase,
        "facilitator_ids": ["UF", "UC"],
        "participant_count": 4,
        "stages": [StageSummary("Find", ["Ads", "Search"]), StageSummary("Buy", ["Checkout"])],
        "figures": [],
    } | overrides
    return BoardSummary(**values)


def buttons(blocks, block_id):
    block = next(b for b in blocks if getattr(b, "block_id", None) == block_id)
    return [(e.action_id, e.text.text, e.value) for e in block.elements]


def test_board_shows_title_facilitators_phase_and_progress():
    blocks = build_board(summary(Phase.rating))
    rendered = json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    assert blocks[0].to_dict()["text"]["text"] == "Onboarding journey"
    assert "Workshop #7 · facilitated by <@UF> and <@UC>" in rendered
    assert "*▶ Gap rating*" in rendered and "~Stakeholders~" in rendered
    assert "*Participants*\\n4" in rendered
    assert "2 stages · 3 touchpoints" in rendered


def test_setup_board_offers_join_and_start():
    blocks = build_board(summary(Phase.setup))
    assert buttons(blocks, "participant_actions") == [(ids.JOIN_WORKSHOP, "Join", "7")]
    assert buttons(blocks, "facilitator_actions") == [
        (ids.PHASE_ADVANCE, "Start workshop: Stakeholders ▶", "7|setup"),
        (ids.PHASE_SKIP, "Skip Stakeholders", "7|setup"),
        (ids.PHASE_CLOSE, "Close workshop", "7|setup"),
    ]


def test_voting_board_has_no_skip_and_no_next_into_closed():
    controls = buttons(build_board(summary(Phase.voting)), "facilitator_actions")
    assert [c[0] for c in controls] == [ids.PHASE_BACK, ids.PHASE_CLOSE]


def test_closed_board_only_offers_reopen():
    blocks = build_board(summary(Phase.closed))
    assert not any(getattr(b, "block_id", None) == "participant_actions" for b in blocks)
    assert buttons(blocks, "facilitator_actions") == [(ids.PHASE_REOPEN, "Reopen", "7|closed")]


def test_close_asks_for_confirmation():
    controls = next(b for b in build_board(summary()) if b.block_id == "facilitator_actions")
    close = next(e for e in controls.elements if e.action_id == ids.PHASE_CLOSE)
    assert close.confirm is not None and close.style == "danger"


def test_figures_are_capped_at_ten_fields():
    many = [Figure(f"F{i}", str(i)) for i in range(20)]
    section = build_board(summary(figures=many))[3]
    assert len(section.fields) == 10


def test_long_titles_fit_the_header():
    blocks = build_board(summary(title="x" * 400))
    assert len(blocks[0].to_dict()["text"]["text"]) == 150


def test_phase_track_and_text():
    assert phase_track(Phase.setup).startswith("*▶ Setup*  →  Stakeholders")
    assert board_text(summary(Phase.fixes)) == "Workshop #7 “Onboarding journey”: Fixes phase"
    assert set(PHASE_NAMES) == set(Phase)


def test_peoples_text_cannot_ping_the_channel():
    hostile = summary(title="Q3 <!channel> & <@U0BOSS>")
    assert board_text(hostile) == (
        "Workshop #7 “Q3 &lt;!channel&gt; &amp; &lt;@U0BOSS&gt;”: Setup phase"
    )
    # The header is plain text, where Slack shows the title as typed.
    assert build_board(hostile)[0].to_dict()["text"]["text"] == "Q3 <!channel> & <@U0BOSS>"
