"""`/workshop compare` end to end, through the real Bolt app and the stand-in: the outcome in the
channel where it is run, the tables, chart and CSV in its thread, the suggested matches
privately with their buttons, and bad input answered privately with nothing posted."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.journey import StageSpec
from flows.workshops import get_workshop, join_workshop
from storage.models import TouchpointMatch
from tests.factories import add_gap_rating, make_workshop, touchpoint_ids

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
STORES_CHANNEL = "C0STORES"
WEB = [
    StageSpec("Awareness", ("Search results", "Ads")),
    StageSpec("Purchase", ("Sign-up form", "Checkout")),
]
STORES = [
    StageSpec("awareness", ("Search results", "Flyers")),
    StageSpec("Purchase", ("Signup form", "Checkout")),
]


def _rate(session, workshop, gaps):
    ids_ = touchpoint_ids(session, workshop)
    for name, gap in gaps.items():
        for user in (ANA, BEN):
            add_gap_rating(session, workshop, ids_[name], user, 1, 7, 7 + gap)


def _two(local):
    """The web shop (Ana facilitates) and the stores' workshop (Chloé facilitates, its own
    channel), rated: Search results −3 / −1, Checkout −1 / −2."""
    local.standin.add_channel(STORES_CHANNEL, "stores-journey", [p.user_id for p in PEOPLE])
    with local.db.session() as session:
        web = make_workshop(
            session, team=local.team_id, channel=CHANNEL_ID, facilitator=ANA, stages=WEB
        )
        stores = make_workshop(
            session,
            team=local.team_id,
            channel=STORES_CHANNEL,
            facilitator=CHLOE,
            title="Stores <journey>",
            stages=STORES,
        )
        for workshop in (web, stores):
            for user in (ANA, BEN):
                join_workshop(session, workshop, user)
        _rate(session, web, {"Search results": -3, "Ads": -1, "Sign-up form": -2, "Checkout": -1})
        _rate(
            session, stores, {"Search results": -1, "Flyers": -2, "Signup form": -4, "Checkout": -2}
        )
        return web.id, stores.id


def _ephemeral(local, user, fragment):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if fragment in e["text"]]
    )[-1]


def _confirm_the_match(local, user, web, stores):
    """`user` compares the two workshops, then presses Confirm on the suggested matches they
    are told about privately."""
    local.sim.slash_command(user, CHANNEL_ID, f"compare #{web} #{stores}")
    local.wait_until_idle()
    told = _ephemeral(local, user, "Posted the comparison here")
    local.sim.click(user, ids.COMPARE_CONFIRM, channel=CHANNEL_ID, ts=told["ts"])
    local.wait_until_idle()


def test_compare_posts_the_outcome_here_and_the_detail_in_its_thread(local):
    web, stores = _two(local)
    local.sim.slash_command(BEN, CHANNEL_ID, f"compare #{web} #{stores}")
    local.wait_until_idle()
    [top] = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.messages(CHANNEL_ID)
            if "2 workshops compared" in m.get("text", "")
        ]
    )
    text = top["text"]
    # Search results: −3 and −1 → median −2; Checkout: −1 and −2 → median −1.5
    # Web: (−3 − −2) = −1, (−1 − −1.5) = +0.5 → D = −0.25 → 100 − 4.17 = 95.8 → 96
    # Stores: +1, −0.5 → D = +0.25 → 104.2 → 104; listed best first
    assert text.index(f"*#{stores}*") < text.index(f"*#{web}*")
    assert "*index 104, ahead of the median*" in text
    assert "*index 96, behind the median*" in text
    assert "Stores &lt;journey&gt;" in text  # people's text escaped
    assert "Widest difference: *Search results*" in text
    assert "<@" not in text  # quiet: no mentions
    assert not any(e.get("type") == "button" for b in top["blocks"] for e in b.get("elements", []))
    thread = local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, top["ts"]))
    detail = str(thread[0]["blocks"])
    assert "*Search results*" in detail and "median −2.0" in detail
    assert f"#{stores} −1.0 (n 2) ▲ best" in detail
    assert "n = raters of the touchpoint or stage in that round" in detail
    names = local.standin.wait_for(
        lambda: (
            [f["name"] for f in local.standin.files(CHANNEL_ID)]
            if len(local.standin.files(CHANNEL_ID)) == 2
            else None
        )
    )
    assert sorted(names) == [
        f"workshops-{web}-{stores}-comparison.csv",
        f"workshops-{web}-{stores}-comparison.png",
    ]
    # Ben is told privately, with the similar names (Sign-up form ~ Signup form) to confirm
    told = _ephemeral(local, BEN, "Posted the comparison here")
    buttons = [
        e["action_id"] for b in told["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.COMPARE_CONFIRM, ids.COMPARE_REJECT]
    assert "“Sign-up form”" in str(told["blocks"]) and "“Signup form”" in str(told["blocks"])


def test_only_a_facilitator_confirms_a_match_and_it_is_kept(local):
    web, stores = _two(local)
    # Chloé facilitates the stores' workshop: she may confirm
    _confirm_the_match(local, CHLOE, web, stores)
    assert "Matched:" in _ephemeral(local, CHLOE, "Matched:")["text"]
    with local.db.session() as session:
        [row] = session.exec(select(TouchpointMatch)).all()
        assert (row.verdict, row.decided_by, row.team_id) == ("confirmed", CHLOE, local.team_id)
    local.sim.slash_command(CHLOE, CHANNEL_ID, f"compare #{web} #{stores}")
    local.wait_until_idle()
    texts = [m.get("text", "") for m in local.standin.messages(CHANNEL_ID)]
    firsts = [t.split(", each in")[0] for t in texts if "compared" in t]
    assert firsts == [
        ":straight_ruler: *2 workshops compared* on 2 shared touchpoints",
        ":straight_ruler: *2 workshops compared* on 3 shared touchpoints",
    ]


def test_a_participant_may_not_confirm(local):
    web, stores = _two(local)
    _confirm_the_match(local, BEN, web, stores)
    refusal = _ephemeral(local, BEN, "Only a facilitator")["text"]
    assert f"#{web}" in refusal and f"#{stores}" in refusal
    with local.db.session() as session:
        assert session.exec(select(TouchpointMatch)).all() == []


def test_bad_input_is_answered_privately_and_nothing_is_posted(local):
    web, stores = _two(local)
    with local.db.session() as session:
        unrated = make_workshop(session, team=local.team_id, channel=CHANNEL_ID, stages=WEB)
        unrated_id = unrated.id
        assert get_workshop(session, local.team_id, web).id == web
    cases = {
        "compare": "Name two workshops or more",
        f"compare #{web}": "Name two workshops or more",
        f"compare #{web} #{web}": f"You named workshop #{web} twice",
        f"compare #{web} #999999": "There is no workshop #999999 in this workspace.",
        f"compare #{web} stores": "`stores` is not a workshop number",
        f"compare #{web} #{unrated_id}": f"#{unrated_id} has no gap ratings",
    }
    for text, answer in cases.items():
        local.sim.slash_command(BEN, CHANNEL_ID, text)
        _ephemeral(local, BEN, answer)
    local.wait_until_idle()
    assert not [m for m in local.standin.messages(CHANNEL_ID) if "compared" in m.get("text", "")]
    assert stores


def test_compare_is_in_the_help(local):
    local.sim.slash_command(BEN, CHANNEL_ID, "help")
    help_text = str(_ephemeral(local, BEN, "How to run a workshop")["blocks"])
    assert "/workshop compare #N #M" in help_text


def test_compare_all_takes_the_workspaces_rated_workshops(local):
    web, stores = _two(local)
    with local.db.session() as session:  # not rated: left out of `all`
        make_workshop(session, team=local.team_id, channel=CHANNEL_ID, stages=WEB)
    local.sim.slash_command(BEN, CHANNEL_ID, "compare all")
    local.wait_until_idle()
    [top] = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.messages(CHANNEL_ID)
            if "2 workshops compared" in m.get("text", "")
        ]
    )
    assert f"*#{web}*" in top["text"] and f"*#{stores}*" in top["text"]
