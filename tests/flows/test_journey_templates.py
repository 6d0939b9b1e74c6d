"""Journey templates: the ready-made ones, editing stage by stage, saving per workspace."""

import pytest

from flows.channels import set_channels, touchpoint_channels
from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.journey import (
    DEFAULT_JOURNEY,
    MAX_NAME_LENGTH,
    MAX_STAGES,
    MAX_TOUCHPOINTS_PER_STAGE,
    StageSpec,
)
from flows.journey_templates import (
    BUILT_IN_TEMPLATES,
    DEFAULT_TEMPLATE,
    StageRow,
    apply_template_channels,
    get_template,
    save_template,
    save_workshop_journey,
    stage_rows,
    template_choices,
    validate_stages,
)
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import Channel, JourneyTemplate

TEAM, OTHER_TEAM = "T1", "T2"
FIND_BUY = [StageSpec("Find", ("Search", "Ads")), StageSpec("Buy", ("Checkout",))]


def test_ready_made_templates_are_sound_journeys():
    assert DEFAULT_TEMPLATE.stages == DEFAULT_JOURNEY
    assert [t.name for t in BUILT_IN_TEMPLATES] == [
        "Customer journey (general)",
        "SaaS onboarding",
        "E-commerce purchase",
        "Support case",
        "B2B sales",
    ]
    for template in BUILT_IN_TEMPLATES:
        # Each passes the same checks as a journey typed in the editor
        assert validate_stages(stage_rows(template.stages)) == list(template.stages)
        assert 4 <= len(template.stages) <= MAX_STAGES
        assert 12 <= template.touchpoint_count <= 20  # a workshop's worth: 5 rating pages at most
    assert len({t.key for t in BUILT_IN_TEMPLATES}) == len(BUILT_IN_TEMPLATES)


def test_stage_rows_become_the_journey_and_empty_rows_are_dropped():
    rows = [
        StageRow(" Find ", "Search\n\n  Ads \n"),
        StageRow("", "  "),  # emptied: dropped
        StageRow("Buy", "Checkout"),
        StageRow(None, None),
    ]
    assert validate_stages(rows) == FIND_BUY


def test_stage_problems_come_back_per_field():
    too_many = "\n".join(f"T{i}" for i in range(MAX_TOUCHPOINTS_PER_STAGE + 1))
    rows = [
        StageRow("Find", ""),  # no touchpoints
        StageRow("", "Search"),  # no name
        StageRow("find", "A\nB"),  # the same name as stage 1, ignoring case
        StageRow("Buy", "Checkout\ncheckout"),  # a touchpoint twice
        StageRow("L" * (MAX_NAME_LENGTH + 1), too_many),
    ]
    with pytest.raises(InvalidInput) as raised:
        validate_stages(rows)
    assert raised.value.errors == {
        "stage_touchpoints:0": "List this stage's touchpoints, one per line.",
        "stage_name:1": "Name this stage (or empty its touchpoints to drop it).",
        "stage_name:2": "Stage 1 has this name already.",
        "stage_touchpoints:3": "“checkout” is listed twice.",
        "stage_name:4": "Keep the stage name to 60 characters.",
        "stage_touchpoints:4": "At most 15 touchpoints per stage (16 given).",
    }
    with pytest.raises(InvalidInput) as raised:
        validate_stages([StageRow(None, None)])
    assert raised.value.errors == {"stage_name:0": "Add at least one stage with its touchpoints."}


def test_saved_templates_are_per_workspace_and_unique_by_name_ignoring_case(session):
    first = save_template(session, TEAM, "UA", "  Our   onboarding ", FIND_BUY)
    assert (first.template.name, first.replaced) == ("Our onboarding", False)
    assert first.template.stages == tuple(FIND_BUY)
    # The same name again (other case): the journey is replaced, no second template
    again = save_template(session, TEAM, "UB", "OUR ONBOARDING", FIND_BUY[:1])
    assert again.replaced and again.template.key == first.template.key
    assert again.template.name == "OUR ONBOARDING" and again.template.stages == (FIND_BUY[0],)
    save_template(session, OTHER_TEAM, "UX", "Our onboarding", FIND_BUY)
    choices = template_choices(session, TEAM)
    assert choices.built_in == BUILT_IN_TEMPLATES
    assert [(t.name, t.stages) for t in choices.saved] == [("OUR ONBOARDING", (FIND_BUY[0],))]
    assert get_template(session, TEAM, first.template.key).name == "OUR ONBOARDING"
    assert get_template(session, TEAM, "builtin:b2b").name == "B2B sales"
    other_key = template_choices(session, OTHER_TEAM).saved[0].key
    for key in (other_key, "saved:999", "saved:x", "builtin:nope", None):
        with pytest.raises(NotFound):  # another workspace's template is simply not there
            get_template(session, TEAM, key)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("   ", "Give the template a name."),
        ("x" * 61, "Keep the name to 60 characters."),
        ("support CASE", "A ready-made template has that name; pick another."),
    ],
)
def test_template_names_are_checked(session, name, error):
    with pytest.raises(InvalidInput) as raised:
        save_template(session, TEAM, "UA", name, FIND_BUY)
    assert raised.value.errors == {"name": error}


def test_a_workshops_journey_is_saved_by_its_facilitator(session):
    workshop = create_workshop(session, TEAM, "C1", "UF", WorkshopSpec("W", FIND_BUY))
    saved = save_workshop_journey(session, TEAM, workshop.id, "UF", "Find and buy")
    assert saved.template.stages == tuple(FIND_BUY)
    with pytest.raises(NotAllowed):
        save_workshop_journey(session, TEAM, workshop.id, "UP", "Mine")
    with pytest.raises(NotFound):
        save_workshop_journey(session, OTHER_TEAM, workshop.id, "UF", "Theirs")


def test_at_most_100_touchpoints_in_all():
    # 7 stages × 15 touchpoints = 105 > 100 (a rating form's selects hold 100 options)
    rows = [
        StageRow(f"S{s}", "\n".join(f"T{s}-{t}" for t in range(MAX_TOUCHPOINTS_PER_STAGE)))
        for s in range(7)
    ]
    with pytest.raises(InvalidInput) as raised:
        validate_stages(rows)
    assert raised.value.errors == {
        "stage_touchpoints:0": "At most 100 touchpoints in all (105 given)."
    }


# Channels in templates (journey lanes) ----------------------------------------------------------


def test_ready_made_templates_carry_a_channel_per_touchpoint_or_none():
    by_key = {t.key: t for t in BUILT_IN_TEMPLATES}
    assert by_key["builtin:default"].channels == ()  # the general journey varies too much
    for key in ("builtin:saas", "builtin:ecommerce", "builtin:support", "builtin:b2b"):
        assert len(by_key[key].channels) == by_key[key].touchpoint_count
    support = by_key["builtin:support"]
    assert support.channel_of("Contact us", "Phone line") is Channel.phone
    assert support.channel_of("contact US", "live CHAT") is Channel.chat  # ignoring case
    assert support.channel_of("Follow-up", "Phone line") is None  # another stage


def test_a_workshops_channels_are_saved_with_its_journey_and_given_to_the_next(session):
    first = create_workshop(session, TEAM, "C1", "UF", WorkshopSpec("W", FIND_BUY))
    ids = {tp.name: tp.touchpoint_id for tp in touchpoint_channels(session, first)}
    set_channels(session, TEAM, first.id, "UF", {ids["Search"]: "web", ids["Checkout"]: "store"})
    saved = save_workshop_journey(session, TEAM, first.id, "UF", "Find and buy").template
    assert saved.stages == tuple(FIND_BUY)
    assert dict(saved.channels) == {
        ("find", "search"): Channel.web,
        ("buy", "checkout"): Channel.store,
    }
    again = get_template(session, TEAM, saved.key)  # read back from the JSON
    assert again.channels == saved.channels
    # A new workshop from it, with "Checkout" renamed in the stage editor: it loses its channel
    edited = [FIND_BUY[0], StageSpec("Buy", ("Basket",))]
    second = create_workshop(session, TEAM, "C1", "UF", WorkshopSpec("W2", edited))
    assert apply_template_channels(session, second, again) == 1
    assert [(tp.name, tp.channel) for tp in touchpoint_channels(session, second)] == [
        ("Search", Channel.web),
        ("Ads", None),
        ("Basket", None),
    ]


def test_a_template_saved_before_channels_reads_without_them(session):
    saved = save_template(session, TEAM, "UA", "Old", FIND_BUY).template
    assert saved.channels == ()
    row = session.get(JourneyTemplate, int(saved.key.removeprefix("saved:")))
    assert row.stages == [
        {"name": "Find", "touchpoints": ["Search", "Ads"]},  # no "channels" list at all
        {"name": "Buy", "touchpoints": ["Checkout"]},
    ]
    row.stages = [{"name": "Find", "touchpoints": ["Search"], "channels": ["fax"]}]
    session.add(row)
    session.flush()
    assert get_template(session, TEAM, saved.key).channels == ()  # not a channel: ignored
