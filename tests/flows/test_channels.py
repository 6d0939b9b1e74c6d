"""Channels: setting them, and the figures per channel and per stage, each checked against a
worked example computed by hand (see the comments)."""

import pytest

from flows.channels import (
    channel_field,
    channel_results,
    set_channels,
    touchpoint_channels,
)
from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.gaps.results import gap_results
from flows.journey import StageSpec
from storage.models import Channel
from tests.factories import touchpoint_ids
from tests.flows.test_gaps import FACILITATOR, OTHER_TEAM, TEAM, make_workshop, rate

JOURNEY = [StageSpec("Find", ("A", "B", "C")), StageSpec("Buy", ("D", "E"))]


def worked_example(session):
    """Channels: A web, B app, C web, D store, E none.
    Gaps (experience − expectation): A −3 (6→3) and −1 (5→4); B +1 (4→5); C −2 (6→4);
    D 0 (5→5) and −3 (7→4); E +4 (2→6), which no channel figure counts."""
    workshop = make_workshop(session, stages=JOURNEY)
    ids = touchpoint_ids(session, workshop)
    set_channels(
        session,
        TEAM,
        workshop.id,
        FACILITATOR,
        {ids["A"]: "web", ids["B"]: "app", ids["C"]: "web", ids["D"]: "store", ids["E"]: None},
    )
    rate(session, workshop, "U1", {"A": (6, 3), "B": (4, 5), "C": (6, 4), "D": (5, 5), "E": (2, 6)})
    rate(session, workshop, "U2", {"A": (5, 4), "D": (7, 4)})
    return workshop


def test_channel_figures_by_hand(session):
    workshop = worked_example(session)
    results = channel_results(session, workshop)
    overall = {c.channel: c for c in results.channels}
    # web pools A's and C's ratings: (−3 − 1 − 2) / 3 = −2.0, over 2 touchpoints
    assert overall[Channel.web].stats.mean_gap == pytest.approx(-2.0)
    assert (overall[Channel.web].stats.n, overall[Channel.web].touchpoints) == (3, 2)
    assert overall[Channel.app].stats.mean_gap == pytest.approx(1.0)  # B: +1
    assert overall[Channel.store].stats.mean_gap == pytest.approx(-1.5)  # D: (0 − 3) / 2
    assert [c.channel for c in results.channels] == [Channel.web, Channel.app, Channel.store]
    # worst served first: web −2.0, store −1.5, app +1.0
    assert [c.channel for c in results.rated] == [Channel.web, Channel.store, Channel.app]
    assert results.worst.channel is Channel.web

    find, buy = results.stages
    assert find.stage_name == "Find"
    # Find: web −2.0, app +1.0 → spread 1.0 − (−2.0) = 3.0, worst served: web
    assert find.spread == pytest.approx(3.0)
    assert find.worst is Channel.web
    assert find.cell(Channel.app).stats.mean_gap == pytest.approx(1.0)
    assert find.cell(Channel.store) is None
    # Buy: only store is rated (E has no channel) → no spread, worst served: store (−1.5)
    assert buy.spread is None
    assert buy.worst is Channel.store
    assert results.least_consistent is find


def test_spread_ties_name_the_earlier_channel(session):
    workshop = make_workshop(session, stages=[StageSpec("Find", ("A", "B"))])
    ids = touchpoint_ids(session, workshop)
    set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "email", ids["B"]: "web"})
    rate(session, workshop, "U1", {"A": (5, 4), "B": (6, 5)})  # both −1
    (stage,) = channel_results(session, workshop).stages
    assert stage.spread == 0.0  # −1 − (−1): every channel serves the stage alike
    assert stage.worst is Channel.web  # a tie: web comes before email in the list


def test_without_channels_the_lane_is_off(session):
    workshop = make_workshop(session, stages=JOURNEY)
    rate(session, workshop, "U1", {"A": (6, 3)})
    assert channel_results(session, workshop) is None


def test_unrated_channels_have_no_figures(session):
    workshop = make_workshop(session, stages=JOURNEY)
    ids = touchpoint_ids(session, workshop)
    set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "web"})
    results = channel_results(session, workshop)
    assert not results.has_ratings
    assert results.worst is None
    assert results.stages[0].channels == ()


def test_channels_are_set_changed_and_cleared(session):
    workshop = make_workshop(session, stages=JOURNEY)
    ids = touchpoint_ids(session, workshop)
    assert set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "web"}) == 1
    assert set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "web"}) == 0
    assert set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "app"}) == 1
    assert touchpoint_channels(session, workshop)[0].channel is Channel.app
    set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: None})
    assert all(tp.channel is None for tp in touchpoint_channels(session, workshop))


def test_setting_channels_is_checked(session):
    workshop = make_workshop(session, stages=JOURNEY)
    ids = touchpoint_ids(session, workshop)
    with pytest.raises(NotAllowed):
        set_channels(session, TEAM, workshop.id, "U9", {ids["A"]: "web"})
    with pytest.raises(InvalidInput) as refused:
        set_channels(session, TEAM, workshop.id, FACILITATOR, {ids["A"]: "fax"})
    assert channel_field(ids["A"]) in refused.value.errors
    with pytest.raises(NotFound):  # another workspace's touchpoint, or a forged id
        set_channels(session, TEAM, workshop.id, FACILITATOR, {10**8: "web"})
    other = make_workshop(session, team=OTHER_TEAM, stages=JOURNEY)
    with pytest.raises(NotFound):
        set_channels(session, TEAM, other.id, FACILITATOR, {ids["A"]: "web"})


def test_channels_leave_the_gap_results_alone(session):
    workshop = worked_example(session)
    before = gap_results(session, workshop)
    set_channels(
        session,
        TEAM,
        workshop.id,
        FACILITATOR,
        dict.fromkeys(touchpoint_ids(session, workshop).values()),
    )
    assert gap_results(session, workshop) == before
