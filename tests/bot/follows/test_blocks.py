"""What the Home tab says about a followed workshop: words then figures, phone-short, quiet,
people's text escaped, and the section within Slack's 100 blocks however many are followed."""

from datetime import UTC, datetime

from bot.follows.blocks import (
    follow_reply,
    followed_item,
    followed_section,
    followed_text,
    gap_series,
)
from bot.home.blocks import BoardLink, HomeSection, build_home_view
from bot.slack import ids
from flows.follows import ActionItemCounts, FollowedPage, FollowedWorkshop, JourneyTrend
from flows.home import WorkshopPage
from flows.loop import LoopClosure, TopGap, TouchpointTrend
from storage.models import Phase

DUE = datetime(2027, 4, 12, 17, tzinfo=UTC)
OPENS = datetime(2027, 5, 1, 9, tzinfo=UTC)


def closure(closed: int, of: int) -> LoopClosure:
    trend = TouchpointTrend(1, "S", "T", (-2.0, -1.0))
    return LoopClosure(
        tuple(TopGap(trend, -2.0, 2, -1.0 if n < closed else -2.0, True) for n in range(of))
    )


def followed(**values) -> FollowedWorkshop:
    base = {
        "workshop_id": 12,
        "title": "Northwind onboarding",
        "channel_id": "C0JOURNEY",
        "phase": Phase.closed,
        "board_ts": "1.2",
        "current_round": 3,
        "shown_round": 3,
        # The worked example of tests/flows/test_follows.py: −3.25, −2.25, −1.5 over T1 and T2.
        "trend": JourneyTrend((1, 2, 3), (-3.25, -2.25, -1.5), 2, 6),
        "closure": closure(2, 5),
        "items": ActionItemCounts(3, 1),
        "deadline": None,
        "next_round": None,
    }
    return FollowedWorkshop(**(base | values))


def test_a_followed_workshop_in_words_and_figures():
    text = followed_text(followed())
    assert text == (
        "*#12 Northwind onboarding* · <#C0JOURNEY> · Closed\n"
        # −3.25 and −2.25 show as −3.3 and −2.3 (halves away from zero); +1.75 narrowed.
        "Journey gap *−3.3 → −2.3 → −1.5* over 3 rounds: *narrowing*. "
        "Over the 2 of 6 touchpoints rated in every round.\n"
        "Loop closure 40 % (2 of 5 top gaps) · 3 open action items, 1 overdue"
    )
    assert "<@" not in text and "<!" not in text  # quiet: no mentions


def test_what_is_next_in_each_readers_own_time():
    text = followed_text(followed(phase=Phase.rating, deadline=DUE, next_round=OPENS))
    assert text.endswith(
        "Next: *Gap rating* closes <!date^1807549200^{date_short_pretty} at {time}|"
        "Mon 12 Apr 2027 17:00 UTC> · the next rating round opens <!date^1809162000^"
        "{date_short_pretty} at {time}|Sat 1 May 2027 09:00 UTC>"
    )


def test_before_and_after_the_first_results():
    first = followed(
        trend=JourneyTrend((1,), (-1.5,), 6, 6), closure=closure(0, 5), items=ActionItemCounts(0, 0)
    )
    lines = followed_text(first).split("\n")
    assert lines[1] == "Journey gap *−1.5* in round 1; the trend shows from the next round on."
    assert lines[2] == "No open action items"  # no loop closure with a single round
    none_yet = followed(phase=Phase.rating, current_round=1, shown_round=0, trend=None)
    assert "No gap results yet: round 1 rating is under way." in followed_text(none_yet)
    unmatched = followed(trend=JourneyTrend((1, 2), (), 0, 2), closure=None)
    assert "No like-for-like trend: no touchpoint was rated in every one of the 2 rounds." in (
        followed_text(unmatched)
    )


def test_a_long_series_shows_its_first_and_latest_rounds():
    trend = JourneyTrend((1, 2, 3, 4, 5), (-1.6, -1.5, -1.2, -1.0, -0.9), 3, 3)
    assert gap_series(trend) == "−1.6 → … → −0.9"
    steady = JourneyTrend((1, 2), (-1.0, -1.04), 3, 3)
    assert "−1.0 → −1.0* over 2 rounds: *holding steady*." in followed_text(followed(trend=steady))


def test_peoples_text_is_escaped():
    text = followed_text(followed(title="<!channel> & <b>"))
    assert "&lt;!channel&gt; &amp; &lt;b&gt;" in text and "<!channel>" not in text
    reply = follow_reply(12, "<!channel>", True, True)
    assert "&lt;!channel&gt;" in reply and "<!channel>" not in reply


def test_the_item_opens_the_board_and_unfollows():
    item = followed_item(followed())
    assert item.board == BoardLink(12, "C0JOURNEY", "1.2")
    assert [(b.action_id, b.value, b.style) for b in item.buttons] == [
        (ids.UNFOLLOW_WORKSHOP, "12", None)
    ]
    assert followed_item(followed(board_ts=None)).board is None
    blocks = followed_section(FollowedPage([followed()], 1)).blocks({12: "https://x.test/b"})
    buttons = blocks[-2].to_dict()["elements"]
    assert [(b["text"]["text"], b.get("url")) for b in buttons] == [
        ("Open board", "https://x.test/b"),
        ("Unfollow", None),
    ]


def test_many_followed_workshops_are_capped_and_counted_within_100_blocks():
    page = FollowedPage([followed(workshop_id=n) for n in range(5)], 23)
    section = followed_section(page)
    assert section.title == "Workshops you follow"
    other = HomeSection("other", "Other", ())
    view = build_home_view(WorkshopPage([], 0, 1, 0), {}, [section, other] * 6)
    blocks = view.to_dict()["blocks"]
    assert len(blocks) <= 100
    assert "… and 18 more." in str(blocks)  # 23 followed, 5 shown
    assert followed_section(FollowedPage([], 0)) is None


def test_replies():
    assert follow_reply(12, "Onboarding", True, False) == (
        "You already follow workshop #12 “Onboarding”."
    )
    assert follow_reply(12, "Onboarding", False, True) == (
        "You no longer follow workshop #12 “Onboarding”."
    )
    assert follow_reply(12, "Onboarding", False, False) == (
        "You don't follow workshop #12 “Onboarding”."
    )


def test_a_manager_in_no_workshop_sees_what_they_follow_without_the_newcomers_pitch():
    section = followed_section(FollowedPage([followed()], 1))
    blocks = build_home_view(WorkshopPage([], 0, 1, 0), {}, [section]).to_dict()["blocks"]
    assert "How a workshop works" not in str(blocks) and ids.HOME_START_WORKSHOP not in str(blocks)
    assert "You take part in no workshop yet" in str(blocks)
    alone = build_home_view(WorkshopPage([], 0, 1, 0), {}, []).to_dict()["blocks"]
    assert "How a workshop works" in str(alone)
