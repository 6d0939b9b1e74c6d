"""What the Home tab says about a followed workshop, and the answers to following one.

One item per workshop, phone-first, quiet (no mentions), in words then figures:

    *#12 Northwind onboarding* · #cx-team · Closed
    Journey gap −1.4 → −1.1 → −0.9 over 3 rounds: narrowing.
    Loop closure 40 % (2 of 5 top gaps) · 3 open action items, 1 overdue
    Next: round 4 opens Mon 5 Jan at 09:00
"""

from __future__ import annotations

from bot.follows.buttons import follow_button
from bot.home.blocks import BoardLink, HomeItem, HomeSection, listing_section
from bot.slack.blocks import Mrkdwn, join_lines, md, slack_date, truncate
from flows.follows import FOLLOWED_SHOWN, FollowedPage, FollowedWorkshop, JourneyTrend
from flows.formatting import plural, signed
from flows.workshops import PHASE_NAMES
from storage.models import Phase

SERIES_SHOWN = 4  # rounds written out in full; past that, the first and the latest
SECTION_TITLE = "Workshops you follow"
SECTION_FOOTER = (
    "Open workshops first · journey gap = experience − expectation, like for like over the "
    "touchpoints rated in every round · `/workshop unfollow #N` stops following."
)


def gap_series(trend: JourneyTrend) -> str:
    """ "−1.4 → −1.1 → −0.9", or "−1.6 → … → −0.9" past SERIES_SHOWN rounds."""
    shown = [signed(gap) for gap in trend.gaps]
    if len(shown) > SERIES_SHOWN:
        shown = [shown[0], "…", shown[-1]]
    return " → ".join(shown)


def trend_line(followed: FollowedWorkshop) -> Mrkdwn:
    trend = followed.trend
    if trend is None:
        if followed.phase in (Phase.setup, Phase.stakeholders):
            return md("No gap results yet: rating has not started.")
        if followed.phase is Phase.rating:
            return md("No gap results yet: round {} rating is under way.", followed.current_round)
        return md("No gap results yet: nobody rated the touchpoints.")
    rounds = len(trend.rounds)
    if trend.compared == 0:
        return md(
            "No like-for-like trend: no touchpoint was rated in every one of the {} rounds.",
            rounds,
        )
    if rounds == 1:
        text = md(
            "Journey gap *{}* in round {}; the trend shows from the next round on.",
            signed(trend.gaps[0]),
            trend.rounds[0],
        )
    else:
        text = md(
            "Journey gap *{}* over {} rounds: *{}*.", gap_series(trend), rounds, trend.direction
        )
    if trend.compared < trend.rated:
        text += md(
            " Over the {} of {} touchpoints rated in every round.", trend.compared, trend.rated
        )
    return text


def figures_line(followed: FollowedWorkshop) -> Mrkdwn:
    parts: list[Mrkdwn] = []
    closure = followed.closure
    if closure is not None and followed.trend is not None and len(followed.trend.rounds) >= 2:
        parts.append(
            md(
                "Loop closure {} % ({} of {} top gaps)",
                closure.share,
                closure.closed,
                len(closure.top),
            )
        )
    items = followed.items
    if items.open == 0:
        parts.append(md("{} open action items", "no" if parts else "No"))
    else:
        overdue = md(", {} overdue", items.overdue) if items.overdue else md("")
        parts.append(md("{}{}", plural(items.open, "open action item"), overdue))
    return md(" · ").join(parts)


def next_line(followed: FollowedWorkshop) -> Mrkdwn | None:
    parts: list[Mrkdwn] = []
    if followed.deadline is not None:
        parts.append(
            md("*{}* closes {}", PHASE_NAMES[followed.phase], slack_date(followed.deadline))
        )
    if followed.next_round is not None:
        parts.append(md("the next rating round opens {}", slack_date(followed.next_round)))
    if not parts:
        return None
    return md("Next: {}", md(" · ").join(parts))


def followed_text(followed: FollowedWorkshop) -> Mrkdwn:
    lines = [
        md(
            "*#{} {}* · <#{}> · {}",
            followed.workshop_id,
            truncate(followed.title, 120),
            followed.channel_id,
            PHASE_NAMES[followed.phase],
        ),
        trend_line(followed),
        figures_line(followed),
    ]
    upcoming = next_line(followed)
    if upcoming is not None:
        lines.append(upcoming)
    return join_lines(lines)


def followed_item(followed: FollowedWorkshop) -> HomeItem:
    board = (
        BoardLink(followed.workshop_id, followed.channel_id, followed.board_ts)
        if followed.board_ts
        else None
    )
    return HomeItem(followed_text(followed), (follow_button(followed.workshop_id, True),), board)


def followed_section(page: FollowedPage) -> HomeSection | None:
    return listing_section(
        "followed_workshops",
        SECTION_TITLE,
        page.workshops[:FOLLOWED_SHOWN],
        followed_item,
        total=page.total,
        footer=SECTION_FOOTER,
    )


# Answers --------------------------------------------------------------------------------------


def follow_reply(workshop_id: int, title: str, following: bool, changed: bool) -> Mrkdwn:
    """The answer to `/workshop follow` (`following`) or `unfollow`, said to the asker only."""
    if following and changed:
        return md(
            "You follow workshop #{} “{}”: its journey gap over the rounds, loop closure and "
            "action items are on my Home tab, refreshed when its results post. "
            "`/workshop unfollow #{}` stops it.",
            workshop_id,
            title,
            workshop_id,
        )
    if following:
        return md("You already follow workshop #{} “{}”.", workshop_id, title)
    if changed:
        return md("You no longer follow workshop #{} “{}”.", workshop_id, title)
    return md("You don't follow workshop #{} “{}”.", workshop_id, title)
