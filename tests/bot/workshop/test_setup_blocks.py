import json

from bot.slack import ids
from bot.workshop.blocks.setup import (
    build_setup_modal,
    build_stages_modal,
    draft_metadata,
    stage_row,
    template_select,
)
from flows.journey import DEFAULT_JOURNEY, MAX_STAGES, StageSpec
from flows.journey_templates import (
    BUILT_IN_TEMPLATES,
    StageRow,
    Template,
    TemplateChoices,
    stage_rows,
)
from flows.workshops import WorkshopSpec

SAVED = Template("saved:4", "Our onboarding", (StageSpec("Find", ("Search",)),))


def element(view, block_id):
    return next(b for b in view.blocks if b.block_id == block_id).element


def inputs(view) -> list:
    return [b for b in view.blocks if b.type == "input"]


def test_setup_modal_asks_for_the_workshop_and_a_journey_to_start_from():
    view = build_setup_modal("C1", "Q3 onboarding", TemplateChoices(BUILT_IN_TEMPLATES, (SAVED,)))
    payload = view.to_dict()
    assert view.callback_id == ids.SETUP_MODAL
    assert payload["submit"]["text"] == "Next: stages ▶"
    assert element(view, ids.SETUP_TITLE).initial_value == "Q3 onboarding"
    assert element(view, ids.SETUP_VOTE_BUDGET).initial_value == "3"
    assert element(view, ids.SETUP_MAX_VOTES_PER_FIX).initial_value == "1"
    assert json.loads(view.private_metadata) == {"channel_id": "C1"}
    assert len(inputs(view)) <= 8
    groups = payload["blocks"][1]["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Ready-made", "Saved in this workspace"]
    assert [o["text"]["text"] for o in groups[0]["options"]] == [
        "Customer journey (general) · 5 stages, 19 touchpoints",
        "SaaS onboarding · 5 stages, 15 touchpoints",
        "E-commerce purchase · 5 stages, 15 touchpoints",
        "Support case · 5 stages, 14 touchpoints",
        "B2B sales · 6 stages, 18 touchpoints",
    ]
    assert [(o["value"], o["text"]["text"]) for o in groups[1]["options"]] == [
        ("saved:4", "Our onboarding · 1 stage, 1 touchpoint")
    ]
    assert payload["blocks"][1]["element"]["initial_option"]["value"] == "builtin:default"


def test_without_saved_templates_only_the_ready_made_group_shows():
    select = template_select(TemplateChoices(BUILT_IN_TEMPLATES, ())).to_dict()
    assert [g["label"]["text"] for g in select["option_groups"]] == ["Ready-made"]


def test_setup_modal_without_a_title_leaves_it_empty():
    assert element(build_setup_modal("C1"), ids.SETUP_TITLE).initial_value is None


def test_setup_modal_validates_against_slack_limits():
    long = Template("saved:1", "N" * 60, (StageSpec("S", ("T",)),))
    choices = TemplateChoices(BUILT_IN_TEMPLATES, (long,) * 60)
    payload = build_setup_modal("C1", "t" * 500, choices).to_dict()  # slack_sdk's checks run
    assert len(payload["title"]["text"]) <= 24
    options = [o for g in payload["blocks"][1]["element"]["option_groups"] for o in g["options"]]
    assert len(options) <= 100 and all(len(o["text"]["text"]) <= 75 for o in options)
    assert len(json.dumps(payload)) < 250_000


def test_stage_editor_has_one_row_per_stage_prefilled_from_the_template():
    spec = WorkshopSpec("Q3", [], 3, 1, True, ["UB"])
    draft = draft_metadata("C1", spec, "Customer journey (general)")
    view = build_stages_modal(draft, "Customer journey (general)", stage_rows(DEFAULT_JOURNEY))
    payload = view.to_dict()
    assert view.callback_id == ids.SETUP_STAGES_MODAL
    assert payload["submit"]["text"] == "Create workshop"
    assert json.loads(view.private_metadata) == {
        "c": "C1",
        "t": "Q3",
        "b": 3,
        "m": 1,
        "l": True,
        "f": ["UB"],
        "n": "Customer journey (general)",
        "k": None,  # the general journey carries no channels
    }
    assert "channels" not in str(payload["blocks"][0])
    assert [(b.block_id, b.label.text) for b in inputs(view)][:2] == [
        ("stage_name:0", "Stage 1"),
        ("stage_touchpoints:0", "Stage 1 touchpoints"),
    ]
    assert element(view, "stage_name:4").initial_value == "Post-purchase / Loyalty"
    assert element(view, "stage_touchpoints:0").initial_value == (
        "Search results\nSocial media\nWord of mouth\nAdvertising"
    )
    assert element(view, "stage_touchpoints:0").multiline is True
    assert "(optional)" not in json.dumps(payload)  # Slack adds its own to optional inputs
    actions = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == ids.SETUP_ADD_STAGE


def test_a_full_stage_editor_offers_no_more_stages_and_fits_slack():
    rows = [StageRow("S" * 60, "\n".join(["T" * 60] * 15))] * MAX_STAGES
    payload = build_stages_modal("{}", "N" * 60, rows).to_dict()
    assert not [b for b in payload["blocks"] if b["type"] == "actions"]
    assert len(payload["blocks"]) <= 100 and len(json.dumps(payload)) < 250_000


def test_an_empty_stage_row():
    name, touchpoints = stage_row(5, StageRow(None, None))
    assert (name.block_id, name.element.initial_value, name.optional) == (
        "stage_name:5",
        None,
        True,
    )
    assert touchpoints.element.initial_value is None
