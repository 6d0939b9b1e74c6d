import json
import re

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
    # Done phases are ticked, not struck through (~Setup~ reads as cancelled).
    assert "*▶ Gap rating*" in rendered and "✓ Stakeholders" in rendered and "~" not in rendered
    assert "*Participants*\\n4" in rendered
    assert "2 stages · 3 touchpoints" in rendered


def test_board_counts_one_stage_and_touchpoint_in_the_singular():
    blocks = build_board(summary(Phase.rating, stages=[StageSummary("Find", ["Ads"])]))
    rendered = json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    assert re.search(r"1 stage · 1 touchpoint(?!s)", rendered)


def primaries(blocks):
    return [
        e.text.text
        for b in blocks
        if b.type == "actions"
        for e in b.elements
        if getattr(e, "style", None) == "primary"
    ]


def test_setup_board_offers_join_and_start():
    blocks = build_board(summary(Phase.setup))
    assert buttons(blocks, "participant_actions") == [(ids.JOIN_WORKSHOP, "Join", "7")]
    assert buttons(blocks, "facilitator_actions") == [
        (ids.PHASE_ADVANCE, "Start workshop: Stakeholders ▶", "7|setup"),
        (ids.PHASE_SKIP, "Jump to Gap rating (no Stakeholders)", "7|setup"),
        (ids.PHASE_CLOSE, "Close workshop", "7|setup"),
    ]


def test_every_board_has_at_most_one_primary_button_the_participants_action():
    expected = {
        Phase.setup: ["Join"],
        Phase.stakeholders: ["Add stakeholder"],
        Phase.rating: ["Rate touchpoints"],
        Phase.fixes: ["Propose a fix"],
        Phase.voting: ["Vote"],
        Phase.closed: [],
    }
    for phase, primary in expected.items():
        blocks = build_board(summary(phase))
        assert primaries(blocks) == primary, phase
        # The facilitator's controls sit apart, below a divider, none of them primary.
        controls = next(b for b in blocks if getattr(b, "block_id", None) == "facilitator_actions")
        assert blocks[blocks.index(controls) - 2].type == "divider"


def test_join_leads_the_setup_board_and_follows_vote_but_is_gone_where_taking_part_joins():
    for phase in Phase:
        rendered = json.dumps([b.to_dict() for b in build_board(summary(phase))])
        assert (ids.JOIN_WORKSHOP in rendered) == (phase in (Phase.setup, Phase.voting)), phase
    voting = buttons(build_board(summary(Phase.voting)), "participant_actions")
    assert [b[1] for b in voting] == ["Vote", "Join"]  # only participants have votes


def test_skip_says_where_it_goes_and_what_it_leaves_out():
    controls = buttons(build_board(summary(Phase.stakeholders)), "facilitator_actions")
    assert (ids.PHASE_SKIP, "Jump to Fixes (no Gap rating)", "7|stakeholders") in controls


def test_voting_ends_with_close_voting_and_show_results_not_a_red_close():
    blocks = build_board(summary(Phase.voting))
    controls = next(b for b in blocks if getattr(b, "block_id", None) == "facilitator_actions")
    assert [(e.action_id, e.text.text) for e in controls.elements] == [
        (ids.PHASE_CLOSE, "Close voting & show results"),
        (ids.PHASE_BACK, "◀ Back to Fixes"),
    ]
    close = controls.elements[0]
    assert close.style is None and close.confirm is not None
    assert "danger" not in json.dumps([b.to_dict() for b in blocks])


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
