from datetime import UTC, datetime

from bot.features import subcommands
from bot.slack.blocks import cap_blocks, context, slack_date
from bot.workshop.blocks.replies import build_help, build_workshop_list
from storage.models import Phase, Workshop


def workshop(number, phase=Phase.rating):
    return Workshop(
        id=number,
        team_id="T1",
        channel_id="C1",
        title=f"Journey {number}",
        phase=phase,
        facilitator_id="UF",
        created_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    )


def text_of(blocks):
    return "\n".join(str(b.to_dict()) for b in blocks)


def test_help_lists_every_subcommand():
    rendered = text_of(build_help(subcommands()))
    for subcommand in subcommands().values():
        assert f"/workshop {subcommand.usage}" in rendered


def test_help_for_an_unknown_subcommand_says_so_first():
    blocks = build_help(subcommands(), unknown="frobnicate")
    assert "I don't know `/workshop frobnicate`" in text_of(blocks[:1])


def test_workshop_list_shows_number_title_phase_and_local_date():
    rendered = text_of(build_workshop_list([workshop(3), workshop(2, Phase.closed)]))
    assert "*#3* Journey 3 · Gap rating" in rendered
    assert "*#2* Journey 2 · Closed" in rendered
    assert "<!date^1793611800^{date_short_pretty}|Mon 2 Nov 2026 09:30 UTC>" in rendered


def test_workshop_list_stays_within_a_message():
    blocks = build_workshop_list([workshop(n) for n in range(200)])
    assert len(blocks) == 50
    assert "and 152 older workshops" in text_of(blocks[-1:])


def test_empty_list_tells_how_to_start():
    assert "/workshop new" in text_of(build_workshop_list([]))


def test_slack_date_falls_back_to_utc():
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert slack_date(moment) == (
        "<!date^1774747800^{date_short_pretty} at {time}|Sun 29 Mar 2026 01:30 UTC>"
    )


def test_cap_blocks_keeps_the_limit_and_says_what_was_left_out():
    blocks = [context(str(n)) for n in range(60)]
    capped = cap_blocks(blocks)
    assert len(capped) == 50
    assert capped[-1].elements[0].text == "… and 11 more"


def test_help_groups_the_commands_by_role_each_listed_once():
    rendered = text_of(build_help(subcommands()))
    sections = [b.text.text for b in build_help(subcommands()) if b.type == "section"]
    heads = [s.split(" · ")[0] for s in sections[1:-1]]
    assert heads == ["*Taking part*", "*Facilitating*", "*Managers: following up*"]
    assert sections[-1].startswith("*More*")
    for subcommand in subcommands().values():
        assert rendered.count(f"`/workshop {subcommand.usage}`") == 1, subcommand.usage
    assert "`/workshop rate [#N]`" in sections[1] and "`/workshop digest" in sections[3]


def test_workshop_alone_shows_your_next_action_and_the_phases_few_commands(local):
    from bot.slack import ids
    from demo.local import PEOPLE
    from tests.helpers import answered

    ana, chloe = PEOPLE[0].user_id, PEOPLE[2].user_id
    nothing = answered(local, chloe, "", "No open workshop")
    assert "/workshop new [title]" in str(nothing["blocks"])

    local.start_workshop(ana, phase=Phase.rating, joiners=(chloe,))
    reply = answered(local, chloe, "", "You have rated 0 of 19 touchpoints")
    blocks = str(reply["blocks"])
    assert ids.RATE_OPEN in blocks and "*Also useful now*" in blocks
    assert "/workshop gaps [#N]" in blocks and "/workshop digest" not in blocks
