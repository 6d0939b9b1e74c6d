"""Gap rating in Block Kit: the board's buttons, the paged rating form, the nudge DM, and the
results message (a ranked monospace table with flags, stage figures, quadrants, round change)."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Mrkdwn,
    cap_blocks,
    context,
    escape,
    fit,
    join_lines,
    md,
    mention,
    metadata,
    mrkdwn_section,
    truncate,
    user_list,
)
from flows.board import BoardSummary
from flows.gaps.form import RatingPage, RatingSheet, TouchpointAnswer
from flows.gaps.nudges import NudgePlan
from flows.gaps.ratings import field_key
from flows.gaps.results import GapResults, TouchpointGap, round_change
from flows.gaps.rounds import RoundOpened
from flows.gaps.statistics import (
    CONTESTED_SD,
    FEW_RATINGS_BELOW,
    IMPORTANCE_MIDPOINT,
    Flag,
    GapStats,
    Quadrant,
    display,
    signed,
)
from storage.models.gaps import (
    EXPECTATION_SCALE,
    EXPERIENCE_SCALE,
    IMPORTANCE_SCALE,
    MAX_COMMENT_LENGTH,
)

TABLE_ROWS = 20  # touchpoints listed in the results table; the chart shows every one
NAME_WIDTH = 18
SHORTFALLS_IN_SUMMARY = 3
QUADRANT_ICONS = {
    Quadrant.concentrate_here: ":dart:",
    Quadrant.keep_up: ":trophy:",
    Quadrant.low_priority: ":zzz:",
    Quadrant.possible_overkill: ":balloon:",
}
QUADRANT_MEANING = {
    Quadrant.concentrate_here: "important, and short of expectations",
    Quadrant.keep_up: "important, and meeting expectations",
    Quadrant.low_priority: "less important, short of expectations",
    Quadrant.possible_overkill: "less important, meeting or beating expectations",
}


# The board --------------------------------------------------------------------------------------


def rating_board_buttons(summary: BoardSummary) -> list[ButtonElement]:
    """What participants can do on the board during the rating phase."""
    value = str(summary.workshop_id)
    return [
        ButtonElement(
            text="Rate touchpoints", action_id=ids.RATE_OPEN, value=value, style="primary"
        ),
        ButtonElement(text="Nudge non-raters", action_id=ids.RATE_NUDGE, value=value),
    ]


# The rating form --------------------------------------------------------------------------------


def page_label(page: RatingPage) -> str:
    part = f" ({page.part}/{page.parts})" if page.parts > 1 else ""
    return f"{page.stage_name}{part}"


def build_rating_modal(sheet: RatingSheet) -> View:
    """One page of the rating form: a stage (or part of a long one), pre-filled with the
    rater's answers in this round, and where to go after saving."""
    page = sheet.page
    round_note = f"round {sheet.round}"
    if sheet.round > 1:
        round_note += " (rate afresh: what is it like now?)"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(page_label(page), 150)),
        context(
            f"*{truncate(sheet.title, 100)}* · {round_note} · page {page.index + 1} of "
            f"{len(sheet.pages)} · you have rated *{sheet.rated_count} of "
            f"{sheet.touchpoint_count}* touchpoints"
        ),
        context(
            "*Expectation*: what customers expect at this touchpoint. *Experience*: what they "
            "actually get today. Both 1–7 (7 = very high). *Importance* 1–5 is optional. "
            "Leave a touchpoint blank to skip it; clear it to withdraw your rating."
        ),
    ]
    for item in sheet.items:
        blocks += _touchpoint_inputs(item)
    blocks.append(_go_to_input(sheet))
    return View(
        type="modal",
        callback_id=ids.RATE_MODAL,
        title=PlainTextObject(text="Rate touchpoints"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata(w=sheet.workshop_id, p=page.index, t=list(page.touchpoint_ids)),
        blocks=blocks,
    )


def _touchpoint_inputs(item: TouchpointAnswer) -> list[Block]:
    answer = item.answer
    if answer is None:
        status = ":white_circle: _not rated yet_"
    else:
        status = f":white_check_mark: rated · your gap {signed(answer.gap)}"
    tp = item.touchpoint_id
    return [
        mrkdwn_section(f"*{item.name}*   {status}"),
        _score_input(
            field_key("expectation", tp),
            "Expectation: what customers expect",
            EXPECTATION_SCALE,
            answer.expectation if answer else None,
        ),
        _score_input(
            field_key("experience", tp),
            "Experience: what they get today",
            EXPERIENCE_SCALE,
            answer.experience if answer else None,
        ),
        _score_input(
            field_key("importance", tp),
            "Importance to customers (optional)",
            IMPORTANCE_SCALE,
            answer.importance if answer else None,
        ),
        InputBlock(
            block_id=field_key("comment", tp),
            label="Comment (optional)",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.INPUT,
                max_length=MAX_COMMENT_LENGTH,
                initial_value=(answer.comment if answer else None) or None,
                placeholder="What's behind your rating?",
            ),
        ),
    ]


def _score_input(
    block_id: str, label: str, scale: tuple[int, int], initial: int | None
) -> InputBlock:
    low, high = scale
    return InputBlock(
        block_id=block_id,
        label=f"{label} ({low}–{high})",
        optional=True,
        element=NumberInputElement(
            action_id=ids.INPUT,
            is_decimal_allowed=False,
            min_value=str(low),
            max_value=str(high),
            initial_value=None if initial is None else str(initial),
            placeholder=f"{low}–{high}",
        ),
    )


def _page_option(page: RatingPage) -> Option:
    mark = "✓" if page.complete else "○"
    text = f"{mark} {truncate(page_label(page), 50)} · {page.rated} of {len(page.touchpoint_ids)}"
    return Option(value=str(page.index), text=truncate(text, 75))


def go_to_block_id(sheet: RatingSheet) -> str:
    return f"{ids.RATE_GO_TO}:{sheet.page.index}:{sheet.rated_count}"


def _go_to_input(sheet: RatingSheet) -> InputBlock:
    finish = Option(value=ids.RATE_GO_TO_FINISH, text="Finish: show my progress")
    pages = [_page_option(page) for page in sheet.pages][:99]  # a select holds 100 options
    suggested = sheet.suggested_next
    initial = pages[suggested] if suggested is not None and suggested < len(pages) else finish
    options = [*pages, finish]
    return InputBlock(
        block_id=go_to_block_id(sheet),
        label="After saving, go to",
        hint="✓ stages you have rated completely; ○ stages with touchpoints left to rate.",
        element=StaticSelectElement(action_id=ids.INPUT, options=options, initial_option=initial),
    )


def build_rating_done(sheet: RatingSheet) -> View:
    """Where the form ends: the rater's progress over the whole journey."""
    done, total = sheet.rated_count, sheet.touchpoint_count
    lines = [
        f"{'✓' if page.complete else '○'} {page_label(page)}: {page.rated} of "
        f"{len(page.touchpoint_ids)}"
        for page in sheet.pages
    ]
    blocks: list[Block] = [
        HeaderBlock(text="Thanks, your ratings are saved" if done else "Nothing rated yet"),
        mrkdwn_section(
            f"You have rated *{done} of {total}* touchpoints of "
            f"*{truncate(sheet.title, 100)}* in round {sheet.round}."
        ),
        mrkdwn_section("\n".join(lines)),
    ]
    if sheet.unrated:
        names = ", ".join(sheet.unrated[:30])
        more = f" and {len(sheet.unrated) - 30} more" if len(sheet.unrated) > 30 else ""
        blocks.append(mrkdwn_section(f"*Not rated yet:* {names}{more}"))
    blocks.append(
        context(
            "You can change any answer until the facilitator closes the rating: press "
            "*Rate touchpoints* on the board or type `/workshop rate`."
        )
    )
    return View(
        type="modal",
        callback_id=ids.RATE_DONE_MODAL,
        title=PlainTextObject(text="Rate touchpoints"),
        close=PlainTextObject(text="Done"),
        blocks=blocks,
    )


# Nudges and rounds ---------------------------------------------------------------------------


def build_nudge_dm(
    workshop_id: int, title: str, channel_id: str, round_number: int, facilitator_id: str
) -> list[Block]:
    return [
        mrkdwn_section(
            md(
                ":wave: {} asks you to rate the touchpoints of *{}* in <#{}> (round {}): what "
                "customers expect at each step of the journey, and what they actually "
                "experience. It takes a few minutes.",
                mention(facilitator_id),
                truncate(title, 150),
                channel_id,
                round_number,
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Rate touchpoints",
                    action_id=ids.RATE_OPEN,
                    value=str(workshop_id),
                    style="primary",
                )
            ]
        ),
    ]


def nudge_summary(plan: NudgePlan, sent: int, failed: list[str]) -> Mrkdwn:
    if not plan.to_nudge and not plan.recently_nudged:
        return md("Everyone who joined has rated in round {}. Nobody to nudge.", plan.round)
    who = "participant who hasn't" if sent == 1 else "participants who haven't"
    parts = [f"Nudged {sent} {who} rated round {plan.round}."]
    if plan.recently_nudged:
        waiting = len(plan.recently_nudged)
        were = "were" if waiting != 1 else "was"
        parts.append(
            md(
                "{} {} nudged less than 30 minutes ago and {} left alone: {}.",
                waiting,
                were,
                were,
                user_list(plan.recently_nudged),
            )
        )
    if failed:
        parts.append(md("I couldn't reach {}.", user_list(failed)))
    return Mrkdwn(" ").join(parts)


def round_opened_text(opened: RoundOpened, user_id: str, touchpoints: int) -> Mrkdwn:
    text = md(
        ":repeat: {} opened *rating round {}* on the same {} touchpoints. Rate again with "
        "*Rate touchpoints* on the board (or `/workshop rate`): the results will show, "
        "touchpoint by touchpoint, whether each gap closed since round {}.",
        mention(user_id),
        opened.number,
        touchpoints,
        opened.number - 1,
    )
    if opened.moved_from is not None:
        text += " The workshop is back in the Gap rating phase for this round."
    return text


# Results ----------------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    rounded = display(value)
    return "–" if rounded is None else f"{rounded:.1f}"


def _ascii(value: float | None) -> str:
    return signed(value, minus="-")


def _ci(stats: GapStats) -> str:
    if stats.ci is None:
        return "n=1: none" if stats.n == 1 else "–"
    low, high = stats.ci
    return f"{_ascii(low)} to {_ascii(high)}"


def _flags(flags: Iterable[Flag]) -> str:
    return ", ".join(str(flag) for flag in flags)


def _cell(name: str) -> str:
    """A name in its column: cut or padded to NAME_WIDTH columns as displayed. Backticks become
    look-alikes so that no name can close the code block."""
    return fit(name.replace("`", "ˋ"), NAME_WIDTH)


def touchpoint_table(results: GapResults, limit: int = TABLE_ROWS) -> str:
    """The ranked touchpoints as a monospace table (widest shortfall first), as readers see it:
    not escaped for mrkdwn yet (`_code_section` does that), so that columns are measured on the
    text Slack displays."""
    previous = results.previous_round
    header = f" #  {'Touchpoint':<{NAME_WIDTH}}  n  Want→Got    Gap  95% CI        "
    if previous:
        header += f"{'R' + str(previous):>5}      Δ  "
    header += "Imp  Flags"
    lines = [header]
    for rank, touchpoint in enumerate(results.ranked[:limit], start=1):
        lines.append(_touchpoint_row(rank, touchpoint, previous is not None))
    text = "\n".join(lines)
    hidden = len(results.ranked) - min(limit, len(results.ranked))
    if hidden:
        text += f"\n… and {hidden} more (every touchpoint is in the chart)"
    return text


def _touchpoint_row(rank: int, touchpoint: TouchpointGap, with_previous: bool) -> str:
    stats = touchpoint.stats
    want_got = f"{_number(stats.mean_expectation)}→{_number(stats.mean_experience)}"
    row = (
        f"{rank:>2}  {_cell(touchpoint.name)} {stats.n:>2}  "
        f"{want_got:<8}  {_ascii(stats.mean_gap):>5}  {_ci(stats):<13}"
    )
    if with_previous:
        previous_gap = touchpoint.previous.mean_gap if touchpoint.previous else None
        row += f" {_ascii(previous_gap):>5}  {_ascii(touchpoint.change):>5}  "
    else:
        row += " "
    row += f"{_number(stats.mean_importance):>3}  {_flags(touchpoint.flags)}"
    return row.rstrip()


def stage_table(results: GapResults) -> str:
    previous = results.previous_round
    header = f"{'Stage':<{NAME_WIDTH}}   n    Gap  95% CI        "
    if previous:
        header += f"{'R' + str(previous):>5}      Δ  "
    header += "Wtd gap  Flags"
    lines = [header]
    for stage in results.stages:
        stats = stage.stats
        row = f"{_cell(stage.name)} {stats.n:>3}  {_ascii(stats.mean_gap):>5}  {_ci(stats):<13}"
        if previous:
            previous_gap = stage.previous.mean_gap if stage.previous else None
            row += f" {_ascii(previous_gap):>5}  {_ascii(stage.change):>5}  "
        else:
            row += " "
        row += f"{_ascii(stage.weighted_gap):>7}  {_flags(stage.flags)}"
        lines.append(row.rstrip())
    return "\n".join(lines)


def _code_section(title: str, table: str) -> Block:
    """`title` (mrkdwn) over `table` (text as displayed) in a code block. Slack wants &, < and >
    escaped even there, and shows them unescaped, so the table is escaped here, after its
    columns were padded; lines that would take the section past Slack's 3,000 characters are
    left out whole (never half an entity), ending with "…"."""
    budget = MAX_SECTION_TEXT - len(f"{title}\n``````")
    lines = [escape(line) for line in table.split("\n")]
    kept: list[Mrkdwn] = []
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        room = budget - len("\n".join([*kept, line])) - (0 if last else len("\n…"))
        if room < 0:
            kept.append(Mrkdwn("…"))
            break
        kept.append(line)
    return mrkdwn_section(md("{}\n```{}```", title, join_lines(kept)))


def _summary_text(results: GapResults) -> str:
    journey = results.journey
    lines = [
        f"*{truncate(results.title, 150)}* · {results.raters} of {results.participants} "
        f"participants rated · {results.rated_count} of {len(results.touchpoints)} touchpoints "
        "have ratings.",
    ]
    overall = f"Journey mean gap *{signed(journey.mean_gap)}*"
    if journey.ci is not None:
        low, high = journey.ci
        overall += f" (95 % CI {signed(low)} to {signed(high)})"
    if results.weighted_gap is not None:
        overall += f" · importance-weighted *{signed(results.weighted_gap)}*"
    lines.append(overall + ".")
    change_line = _round_change_line(results)
    if change_line:
        lines.append(change_line)
    shortfalls = results.shortfalls[:SHORTFALLS_IN_SUMMARY]
    if shortfalls:
        named = ", ".join(f"*{t.name}* {signed(t.stats.mean_gap)}" for t in shortfalls)
        lines.append(f":small_red_triangle_down: Widest shortfalls: {named}.")
    else:
        lines.append(":white_check_mark: Every rated touchpoint meets or exceeds expectations.")
    return "\n".join(lines)


def _round_change_line(results: GapResults) -> str | None:
    if results.previous_round is None or results.journey_previous is None:
        return None
    before, now = results.journey_previous.mean_gap, results.journey.mean_gap
    if before is None:
        return f":repeat: Round {results.previous_round} had no ratings to compare with."
    change = display(now - before)  # type: ignore[operator]
    if change is None or change == 0:
        verdict = "unchanged"
    elif change > 0:
        verdict = f"*narrowed by {change:.1f}*"
    else:
        verdict = f"*widened by {-change:.1f}*"
    moved = round_change(results)
    assert moved is not None
    return (
        f":repeat: Since round {results.previous_round} the journey gap went from "
        f"{signed(before)} to {signed(now)}: {verdict}. Of {moved.compared} touchpoints rated in "
        f"both rounds, {moved.narrowed} narrowed and {moved.widened} widened."
    )


def _quadrant_text(results: GapResults) -> Mrkdwn | None:
    groups: dict[Quadrant, list[Mrkdwn]] = {}
    for touchpoint in results.ranked:
        if touchpoint.quadrant is not None:
            groups.setdefault(touchpoint.quadrant, []).append(escape(touchpoint.name))
    if not groups:
        return None
    lines = [Mrkdwn("*Importance × performance*")]
    for quadrant in Quadrant:
        names = groups.get(quadrant)
        if names:
            listed = _cut_list(names, 500)
            lines.append(
                md(
                    "{} *{}* ({}): {}",
                    QUADRANT_ICONS[quadrant],
                    quadrant.value,
                    QUADRANT_MEANING[quadrant],
                    listed,
                )
            )
    return join_lines(lines)


def _cut_list(escaped: list[Mrkdwn], limit: int) -> Mrkdwn:
    """Escaped names joined with commas, cut between names (never inside an entity)."""
    text = Mrkdwn("")
    for index, name in enumerate(escaped):
        joined = name if index == 0 else md("{}, {}", text, name)
        if len(joined) > limit - 2:
            return md("{}, …", text) if text else Mrkdwn("…")
        text = joined
    return text


def _comments_text(results: GapResults) -> Mrkdwn | None:
    names = {t.touchpoint_id: t.name for t in results.touchpoints}
    lines = [Mrkdwn("*What raters said about the widest shortfalls*")]
    for touchpoint_id, comments in results.comments.items():
        quoted = Mrkdwn(" · ").join(md("“{}”", truncate(c, 200)) for c in comments)
        lines.append(md(">*{}*: {}", names.get(touchpoint_id, "?"), quoted))
    return join_lines(lines) if len(lines) > 1 else None


def legend_text(results: GapResults) -> str:
    text = (
        "Gap = experience − expectation on 1–7 (negative: expectations not met); Want→Got = "
        "mean expectation → mean experience. 95 % CI: Student t with n − 1 degrees of freedom "
        f"(none when n = 1). Flags: *few ratings* n < {FEW_RATINGS_BELOW}, *contested* "
        f"standard deviation ≥ {CONTESTED_SD} points. Imp = mean importance (1–5); quadrants "
        f"split at importance {IMPORTANCE_MIDPOINT} (at it counts as high) and at gap 0 "
        "(below 0: short of expectations), so a quadrant never contradicts the gap. Wtd gap = "
        "the stage's gap with each touchpoint weighted by its mean importance."
    )
    if results.previous_round is not None:
        text += (
            f" R{results.previous_round} = round {results.previous_round}'s gap; "
            "Δ = change since then (+ means the gap narrowed)."
        )
    return text


def build_results_message(results: GapResults, can_open_round: bool = True) -> list[Block]:
    """The results posted in the board's thread, next to the chart."""
    if not results.has_ratings:
        return [mrkdwn_section(no_ratings_text(results))]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Journey gaps · round {results.round}", 150)),
        mrkdwn_section(_summary_text(results)),
        _code_section("*Touchpoints, widest shortfall first*", touchpoint_table(results)),
        _code_section("*Stages* (pooled over all their ratings)", stage_table(results)),
    ]
    for text in (_quadrant_text(results), _comments_text(results)):
        if text:
            blocks.append(mrkdwn_section(text))
    blocks.append(context(legend_text(results)))
    if can_open_round:
        blocks.append(
            ActionsBlock(
                block_id="gap_round_actions",
                elements=[
                    ButtonElement(
                        text=f"Open rating round {results.round + 1}",
                        action_id=ids.RATE_NEW_ROUND,
                        value=f"{results.workshop_id}|{results.round}",
                        confirm=ConfirmObject(
                            title=f"Open round {results.round + 1}?",
                            text="Everyone rates the same touchpoints again (for example after "
                            "fixes shipped), and the results compare the two rounds.",
                            confirm="Open it",
                            deny="Not yet",
                        ),
                    )
                ],
            )
        )
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def no_ratings_text(results: GapResults) -> Mrkdwn:
    return md(
        "No ratings in round {} of *{}* yet, so there are no gaps to show. Rate with "
        "*Rate touchpoints* on the board or `/workshop rate`.",
        results.round,
        truncate(results.title, 150),
    )


def results_text(results: GapResults) -> Mrkdwn:
    """Notification and screen-reader fallback for the results message."""
    if not results.has_ratings:
        return md("No ratings in round {} yet.", results.round)
    shortfalls = results.shortfalls[:SHORTFALLS_IN_SUMMARY]
    text = f"Journey gaps, round {results.round}: mean gap {signed(results.journey.mean_gap)}"
    if shortfalls:
        text += "; widest shortfalls " + ", ".join(
            f"{t.name} {signed(t.stats.mean_gap)}" for t in shortfalls
        )
    return escape(text + ".")
