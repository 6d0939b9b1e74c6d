"""Gap rating in Block Kit: the board's buttons, the paged rating form, the nudge DM, and the
results message (a ranked monospace table with flags, stage figures, quadrants, round change)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated

from pydantic import Field
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    InputBlock,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.emotions.blocks import emotion_input
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
    mrkdwn_section,
    truncate,
    user_list,
)
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.values import ButtonValue, Id, Offset, ViewMetadata
from flows.board import BoardSummary
from flows.gap_reports import closing_verdict, shortfall_words
from flows.gaps.form import (
    MAX_PAGE_INPUTS,
    RATING_PAGE_SIZE,
    DetailsSheet,
    RatingPage,
    RatingSheet,
    TouchpointAnswer,
)
from flows.gaps.nudges import NudgePlan
from flows.gaps.ratings import field_key
from flows.gaps.results import GapResults, StageGap, TouchpointGap
from flows.gaps.rounds import RoundOpened, compare_rounds
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
    IMPORTANCE_SCALE,
    MAX_COMMENT_LENGTH,
)

TABLE_ROWS = 20  # touchpoints listed in a results table by default
TABLE_ROWS_IN_THREAD = 120  # the full table's reply: as many as fit one message
SHORTFALL_LINES = 5  # the results message names the widest shortfalls in words
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


class RoundValue(ButtonValue):
    """The results' *Open rating round N* button: "12|1", the workshop and the round the
    results were drawn for."""

    workshop_id: Id
    round: Id


class RatingFormMetadata(ViewMetadata):
    """A page of the rating form (short keys: it may list many touchpoints): the workshop, the
    page, and the touchpoints the page shows."""

    w: Id | None = None
    p: Offset | None = None
    t: Annotated[list[Id], Field(max_length=RATING_PAGE_SIZE)] | None = None


class RatingDoneMetadata(ViewMetadata):
    """The rating form's progress view: the workshop its buttons act on."""

    w: Id | None = None


# The board --------------------------------------------------------------------------------------


def rating_board_buttons(summary: BoardSummary) -> list[ButtonElement]:
    """What participants can do on the board during the rating phase."""
    return [
        rate_button(summary.workshop_id),
        ButtonElement(
            text="Nudge non-raters", action_id=ids.RATE_NUDGE, value=str(summary.workshop_id)
        ),
    ]


def rate_button(workshop_id: int) -> ButtonElement:
    """ "Rate touchpoints", which opens the rating form (the board, the nudge and reminder DMs,
    the Home tab)."""
    return ButtonElement(
        text="Rate touchpoints", action_id=ids.RATE_OPEN, value=str(workshop_id), style="primary"
    )


# The rating form --------------------------------------------------------------------------------

SKIP = "skip"  # the score selects' option for "can't say": the touchpoint is left unrated
SCORE_WORDS = {1: "very low", 4: "middling", 7: "very high"}
IMPORTANCE_WORDS = {1: "hardly matters", 3: "matters", 5: "critical"}
EXPECTATION_LABEL = "Customers expect"
EXPERIENCE_LABEL = "Customers get today"
MAX_SUBMIT = 24  # Slack's limit on a modal's submit label
SCALE_NOTE = Mrkdwn(
    "Choose for each touchpoint what *customers expect* there and what they *get today*: "
    "1 = very low · 4 = middling · 7 = very high. Can't say? Choose *skip*."
)


def page_label(page: RatingPage) -> str:
    return page.title


def submit_label(prefix: str, name: str) -> str:
    """ "Next: Purchase ▶", the name cut so that the label fits Slack's 24 characters."""
    room = MAX_SUBMIT - len(prefix) - len(" ▶")
    return f"{prefix}{truncate(name, room)} ▶"


def _scale_option(value: int, words: dict[int, str]) -> Option:
    word = words.get(value)
    return Option(value=str(value), text=f"{value} · {word}" if word else str(value))


def score_options() -> list[Option]:
    low, high = EXPECTATION_SCALE
    return [
        *(_scale_option(value, SCORE_WORDS) for value in range(low, high + 1)),
        Option(value=SKIP, text="skip · can't say"),
    ]


def _initial(options: list[Option], value: object) -> Option | None:
    return next((option for option in options if option.value == str(value)), None)


def build_rating_modal(sheet: RatingSheet) -> View:
    """One page of the rating form: a few touchpoints with two 1–7 choices each, pre-filled with
    the rater's answers in this round; the submit button says where it goes next."""
    page = sheet.page
    round_note = f"round {sheet.round}"
    if sheet.round > 1:
        round_note += " (rate afresh: what is it like now?)"
    if sheet.persona:  # a round per persona: whose journey is being rated
        round_note = md("{} · rating the journey of *{}*", round_note, truncate(sheet.persona, 60))
    blocks: list[Block] = [
        HeaderBlock(text=truncate(page_label(page), 150)),
        context(
            md(
                "*{}* · {} · page {} of {} · you have rated *{} of {}* touchpoints",
                truncate(sheet.title, 100),
                round_note,
                page.index + 1,
                len(sheet.pages),
                sheet.rated_count,
                sheet.touchpoint_count,
            )
        ),
        context(SCALE_NOTE),
    ]
    stage = page.stage_names[0] if page.stage_names else ""
    for item in sheet.items:
        if item.stage_name and item.stage_name != stage:  # a page running into the next stage
            stage = item.stage_name
            blocks.append(HeaderBlock(text=truncate(stage, 150)))
        blocks += touchpoint_inputs(item)
        if sheet.emotion_curve:  # journey lanes: asked only while the facilitator has it on
            blocks.append(
                emotion_input(item.touchpoint_id, item.answer.emotion if item.answer else None)
            )
    following = sheet.next_page
    submit = "Save ratings" if following is None else submit_label("Next: ", following.title)
    return modal(
        "Rate touchpoints",
        blocks,
        callback_id=ids.RATE_MODAL,
        submit=submit,
        close="Cancel",
        private_metadata=RatingFormMetadata(
            w=sheet.workshop_id, p=page.index, t=list(page.touchpoint_ids)
        ).encode(),
    )


def touchpoint_inputs(item: TouchpointAnswer) -> list[Block]:
    """A touchpoint's name and status, then its two choices (required: "skip" says can't say)."""
    answer = item.answer
    if answer is None:
        status = ":white_circle: _not rated yet_"
    else:
        status = f":white_check_mark: rated · your gap {signed(answer.gap)}"
    tp = item.touchpoint_id
    return [
        mrkdwn_section(f"*{item.name}*   {status}"),
        _score_input(
            field_key("expectation", tp), EXPECTATION_LABEL, answer.expectation if answer else None
        ),
        _score_input(
            field_key("experience", tp), EXPERIENCE_LABEL, answer.experience if answer else None
        ),
    ]


def _score_input(block_id: str, label: str, initial: int | None) -> InputBlock:
    options = score_options()
    return select_input(
        block_id,
        label,
        placeholder="1–7",
        options=options,
        initial_option=_initial(options, initial),
    )


# Details: importance and comment, on pages of their own ----------------------------------------


# The inputs a rated touchpoint has on a details page, each (item) -> InputBlock. Another
# optional per-touchpoint input plugs in here (with its reader in bot/gaps/views.py and its field
# in flows.gaps.ratings.RawDetails); DETAILS_PAGE_SIZE sizes the pages from them.
def _importance_input(item: TouchpointAnswer) -> InputBlock:
    low, high = IMPORTANCE_SCALE
    options = [_scale_option(value, IMPORTANCE_WORDS) for value in range(low, high + 1)]
    answer = item.answer
    return select_input(
        field_key("importance", item.touchpoint_id),
        "Importance to customers",
        optional=True,
        placeholder=f"{low}–{high}",
        options=options,
        initial_option=_initial(options, answer.importance if answer else None),
    )


def _comment_input(item: TouchpointAnswer) -> InputBlock:
    answer = item.answer
    return text_input(
        field_key("comment", item.touchpoint_id),
        "Comment",
        optional=True,
        max_length=MAX_COMMENT_LENGTH,
        initial_value=(answer.comment if answer else None) or None,
        placeholder="What's behind your rating?",
    )


DETAIL_INPUTS = (_importance_input, _comment_input)
DETAILS_PAGE_SIZE = max(1, MAX_PAGE_INPUTS // len(DETAIL_INPUTS))  # touchpoints per details page


class DetailsFormMetadata(ViewMetadata):
    """A details page: the workshop, the details page, and the touchpoints it shows."""

    w: Id | None = None
    p: Offset | None = None
    t: Annotated[list[Id], Field(max_length=DETAILS_PAGE_SIZE)] | None = None


def build_details_modal(sheet: DetailsSheet) -> View:
    """One page of the optional details: importance and a comment for touchpoints rated."""
    blocks: list[Block] = [
        HeaderBlock(text="Importance and comments"),
        context(
            md(
                "*{}* · round {} · details page {} of {} · all optional. Importance: "
                "1 = hardly matters · 3 = matters · 5 = critical.",
                truncate(sheet.title, 100),
                sheet.round,
                sheet.index + 1,
                sheet.count,
            )
        ),
    ]
    for item in sheet.items:
        answer = item.answer
        said = "" if answer is None else f"   expect {answer.expectation}, get {answer.experience}"
        blocks.append(mrkdwn_section(f"*{item.name}*{said}"))
        blocks += [build(item) for build in DETAIL_INPUTS]
    submit = "Save" if sheet.is_last else f"Next: page {sheet.index + 2} of {sheet.count} ▶"
    return modal(
        "Rate touchpoints",
        blocks,
        callback_id=ids.RATE_DETAILS_MODAL,
        submit=truncate(submit, MAX_SUBMIT),
        close="Cancel",
        private_metadata=DetailsFormMetadata(
            w=sheet.workshop_id, p=sheet.index, t=[item.touchpoint_id for item in sheet.items]
        ).encode(),
    )


def _page_option(page: RatingPage) -> Option:
    mark = "✓" if page.complete else "○"
    text = f"{mark} {truncate(page_label(page), 50)} · {page.rated} of {len(page.touchpoint_ids)}"
    return Option(value=str(page.index), text=truncate(text, 75))


def build_rating_done(sheet: RatingSheet) -> View:
    """Where the form ends: the rater's progress over the whole journey, with one primary way on
    (the pages left, or else the optional details) and a menu to change any page."""
    done, total = sheet.rated_count, sheet.touchpoint_count
    lines = [
        f"{'✓' if page.complete else '○'} {page_label(page)}: {page.rated} of "
        f"{len(page.touchpoint_ids)}"
        for page in sheet.pages
    ]
    blocks: list[Block] = [
        HeaderBlock(text="Thanks, your ratings are saved" if done else "Nothing rated yet"),
        mrkdwn_section(
            md(
                "You have rated *{} of {}* touchpoints of *{}* in round {}.",
                done,
                total,
                truncate(sheet.title, 100),
                sheet.round,
            )
        ),
        mrkdwn_section("\n".join(lines)),
    ]
    if sheet.unrated:
        names = ", ".join(sheet.unrated[:30])
        more = f" and {len(sheet.unrated) - 30} more" if len(sheet.unrated) > 30 else ""
        blocks.append(mrkdwn_section(md("*Not rated yet:* {}{}", names, more)))
    buttons: list[ButtonElement | StaticSelectElement] = []
    resume = sheet.first_unrated_page
    if resume is not None:
        buttons.append(
            ButtonElement(
                text="Rate the rest ▶",
                action_id=ids.RATE_RESUME,
                value=str(resume),
                style="primary",
            )
        )
    if done:
        buttons.append(
            ButtonElement(
                text="Add importance & comments",
                action_id=ids.RATE_DETAILS_OPEN,
                value="0",
                style="primary" if resume is None else None,
            )
        )
    buttons.append(
        StaticSelectElement(
            action_id=ids.RATE_PAGE_PICK,
            placeholder="Change a page",
            options=[_page_option(page) for page in sheet.pages][:100],
        )
    )
    blocks.append(ActionsBlock(block_id=ids.RATE_DONE_ACTIONS, elements=buttons))
    blocks.append(
        context(
            "Importance and comments are optional. You can change any answer until the "
            "facilitator closes the rating: press *Rate touchpoints* on the board or type "
            "`/workshop rate`."
        )
    )
    return modal(
        "Rate touchpoints",
        blocks,
        callback_id=ids.RATE_DONE_MODAL,
        close="Done",
        private_metadata=RatingDoneMetadata(w=sheet.workshop_id).encode(),
    )


# Nudges and rounds ---------------------------------------------------------------------------


def build_nudge_dm(
    workshop_id: int, title: str, channel_id: str, round_number: int, facilitator_id: str
) -> list[Block]:
    text = md(
        ":wave: {} asks you to rate the touchpoints of *{}* in <#{}> (round {}): what "
        "customers expect at each step of the journey, and what they actually "
        "experience. It takes a few minutes.",
        mention(facilitator_id),
        truncate(title, 150),
        channel_id,
        round_number,
    )
    return rate_request(text, workshop_id)


def rate_request(text: Mrkdwn, workshop_id: int) -> list[Block]:
    """A DM asking to rate (the nudge, the deadline's reminder): `text` over the rate button."""
    return [mrkdwn_section(text), ActionsBlock(elements=[rate_button(workshop_id)])]


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
    if opened.compared_with is None:  # every earlier round was a persona's
        return_to = "no earlier round was rated by everyone, so they will show this round alone."
    else:
        return_to = (
            "the results will show, touchpoint by touchpoint, whether each gap closed since "
            f"round {opened.compared_with}"
            + ("" if opened.compared_with == opened.number - 1 else ", the last rated by everyone")
            + "."
        )
    text = md(
        ":repeat: {} opened *rating round {}* on the same {} touchpoints. Rate again with "
        "*Rate touchpoints* on the board (or `/workshop rate`): {}",
        mention(user_id),
        opened.number,
        touchpoints,
        return_to,
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
    lines = [header + _previous_round_heads(previous) + "Imp  Flags"]
    for rank, touchpoint in enumerate(results.ranked[:limit], start=1):
        lines.append(_touchpoint_row(rank, touchpoint, previous is not None))
    text = "\n".join(lines)
    hidden = len(results.ranked) - min(limit, len(results.ranked))
    if hidden:
        text += f"\n… and {hidden} more (every touchpoint is in the chart and the CSV export)"
    return text


def _touchpoint_row(rank: int, touchpoint: TouchpointGap, with_previous: bool) -> str:
    stats = touchpoint.stats
    want_got = f"{_number(stats.mean_expectation)}→{_number(stats.mean_experience)}"
    row = (
        f"{rank:>2}  {_cell(touchpoint.name)} {stats.n:>2}  "
        f"{want_got:<8}  {_ascii(stats.mean_gap):>5}  {_ci(stats):<13}"
    )
    row += _previous_round_cells(touchpoint, with_previous)
    row += f"{_number(stats.mean_importance):>3}  {_flags(touchpoint.flags)}"
    return row.rstrip()


def _previous_round_heads(previous: int | None) -> str:
    """The heads of the previous round's gap and the change since, when there was one."""
    return f"{'R' + str(previous):>5}      Δ  " if previous else ""


def _previous_round_cells(gap: TouchpointGap | StageGap, with_previous: bool) -> str:
    """The previous round's gap and the change since (blank when not rated then), or only the
    column gap when the table has no previous round."""
    if not with_previous:
        return " "
    previous_gap = gap.previous.mean_gap if gap.previous else None
    return f" {_ascii(previous_gap):>5}  {_ascii(gap.change):>5}  "


def stage_table(results: GapResults) -> str:
    previous = results.previous_round
    header = f"{'Stage':<{NAME_WIDTH}}   n    Gap  95% CI        "
    lines = [header + _previous_round_heads(previous) + "Wtd gap  Flags"]
    for stage in sorted(  # widest shortfall first, the figure the table shows; unrated last
        results.stages,
        key=lambda s: (s.stats.exact_mean_gap is None, s.stats.exact_mean_gap or 0, s.position),
    ):
        stats = stage.stats
        row = f"{_cell(stage.name)} {stats.n:>3}  {_ascii(stats.mean_gap):>5}  {_ci(stats):<13}"
        row += _previous_round_cells(stage, bool(previous))
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


def _summary_text(results: GapResults) -> Mrkdwn:
    """Who rated, the journey's gap and how it moved since the previous round, in words."""
    lines = [
        md(
            "*{}* · {} of {} participants rated · {} of {} touchpoints have ratings.",
            truncate(results.title, 150),
            results.raters,
            results.participants,
            results.rated_count,
            len(results.touchpoints),
        ),
        md(
            "Journey mean gap *{}*: {} of {} rated touchpoints fall short of expectations.",
            signed(results.journey.mean_gap),
            len(results.shortfalls),
            results.rated_count,
        ),
    ]
    change_line = _round_change_line(results)
    if change_line:
        lines.append(change_line)
    return join_lines(lines)


def _round_change_line(results: GapResults) -> Mrkdwn | None:
    """Like for like: only the touchpoints rated in both rounds (flows.gaps.rounds)."""
    comparison = compare_rounds(results)
    if comparison is None and not results.nothing_compared:
        return None  # round 1: nothing earlier at all
    return md(":repeat: {}", closing_verdict(results, comparison))


def _shortfall_lines(results: GapResults, limit: int = SHORTFALL_LINES) -> Mrkdwn:
    """The widest shortfalls as lines a phone shows whole, widest gap first (the figure shown)."""
    shortfalls = results.shortfalls
    if not shortfalls:
        return Mrkdwn(
            ":white_check_mark: Every rated touchpoint meets or exceeds expectations "
            "(no gap below 0.0)."
        )
    lines = [Mrkdwn(f"*Widest shortfalls* ({len(shortfalls)} in all, widest gap first)")]
    for touchpoint in shortfalls[:limit]:
        words = shortfall_words(touchpoint, results.previous_round)
        name, _, rest = words.partition(": ")
        line = md("• *{}* ({}): {}", name, touchpoint.stage_name, rest)
        if touchpoint.flags:
            line += md(" · _{}_", _flags(touchpoint.flags))
        lines.append(line)
    if len(shortfalls) > limit:
        lines.append(md("_… and {} more in the full table below_", len(shortfalls) - limit))
    return join_lines(lines)


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
        "the stage's gap with each touchpoint weighted by its mean importance. Every figure is "
        "rounded to one decimal, halves away from zero."
    )
    if results.previous_round is not None:
        text += (
            f" R{results.previous_round} = round {results.previous_round}'s gap; "
            "Δ = change since then (+ means the gap narrowed). Changes between rounds compare "
            "only the touchpoints rated in both."
        )
    return text


def build_results_message(
    results: GapResults, can_open_round: bool = True, blind_spots: Sequence[Block] = ()
) -> list[Block]:
    """The results posted in the board's thread, phone first: the outcome in words and the
    widest shortfalls as readable lines; the full table goes in the next reply
    (build_results_table), the statistics behind "How to read this". `blind_spots` is the
    customers' "Blind spots" section (bot/customers/blocks.py), when there are customer answers."""
    if not results.has_ratings:
        return [mrkdwn_section(no_ratings_text(results))]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Journey gaps · round {results.round}", 150)),
        mrkdwn_section(_summary_text(results)),
        mrkdwn_section(_shortfall_lines(results)),
    ]
    for text in (_quadrant_text(results), _comments_text(results)):
        if text:
            blocks.append(mrkdwn_section(text))
    blocks.extend(blind_spots)
    buttons = [
        ButtonElement(
            text="How to read this",
            action_id=ids.GAPS_HOW_TO_READ,
            value=RoundValue(workshop_id=results.workshop_id, round=results.round).encode(),
        )
    ]
    if can_open_round:
        buttons.append(
            ButtonElement(
                text=f"Open rating round {results.round + 1}",
                action_id=ids.RATE_NEW_ROUND,
                value=RoundValue(workshop_id=results.workshop_id, round=results.round).encode(),
                confirm=ConfirmObject(
                    title=f"Open round {results.round + 1}?",
                    text="Everyone rates the same touchpoints again (for example after "
                    "fixes shipped), and the results compare the two rounds.",
                    confirm="Open it",
                    deny="Not yet",
                ),
            )
        )
    blocks.append(ActionsBlock(block_id="gap_round_actions", elements=buttons))
    blocks.append(
        context(
            "Every touchpoint and stage: the full table in the next reply, the chart above, "
            "and the CSV with `/workshop export`."
        )
    )
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def build_results_table(results: GapResults) -> list[Block]:
    """The full tables, for the reply under the results: every rated touchpoint (widest gap
    first) and every stage (widest gap first), in code blocks of at most 3,000 characters, as
    many rows as one message holds; the CSV export has every row."""
    blocks: list[Block] = []
    for title, table in (
        ("*Touchpoints, widest shortfall first*", touchpoint_table(results, TABLE_ROWS_IN_THREAD)),
        ("*Stages, widest shortfall first* (pooled over all their ratings)", stage_table(results)),
    ):
        blocks += _code_sections(title, table)
    blocks.append(context(legend_text(results)))
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def _code_sections(title: str, table: str) -> list[Block]:
    """A table over as many code sections as it needs (each within 3,000 characters)."""
    lines = table.split("\n")
    header, rows = lines[0], lines[1:]
    sections: list[str] = []
    chunk: list[str] = []
    for row in rows:
        candidate = "\n".join([header, *chunk, row])
        if chunk and len(escape(candidate)) > MAX_SECTION_TEXT - len(title) - 20:
            sections.append("\n".join([header, *chunk]))
            chunk = []
        chunk.append(row)
    sections.append("\n".join([header, *chunk]))
    return [
        _code_section(title if index == 0 else f"{title} (continued)", part)
        for index, part in enumerate(sections)
    ]


def build_how_to_read_modal(results_round: int) -> View:
    """The statistics note, behind the results' "How to read this" button."""
    previous = results_round - 1 if results_round > 1 else None
    paragraphs = [
        "*Gap* = what customers experience − what they expect, each rated 1–7 by the team. "
        "Below 0.0 means expectations are not met: a *shortfall*. Lists are sorted by the gap "
        "they show, widest shortfall first.",
        "*Want→Got* = the mean expectation → the mean experience. *n* = how many rated it.",
        "*95 % CI* = the range the true mean gap lies in with 95 % confidence (Student t, "
        "n − 1 degrees of freedom); none with a single rating. A wide range means few or "
        "disagreeing ratings.",
        f"*Flags*: _few ratings_ when n < {FEW_RATINGS_BELOW}; _contested_ when the ratings' "
        f"standard deviation is ≥ {CONTESTED_SD} points.",
        f"*Importance × gap*: important means a mean importance ≥ {IMPORTANCE_MIDPOINT} of 5. "
        "Concentrate here = important and short of expectations; Keep up the good work = "
        "important and meeting them; Low priority = less important, short; Possible overkill = "
        "less important, meeting or beating them. Judged on the gap, a quadrant never "
        "contradicts it (importance–performance analysis, Martilla & James 1977, with "
        "performance measured against expectations as the review by Ormanović et al. 2017 "
        "discusses).",
        "*Importance-weighted gap* = each touchpoint's mean gap weighted by its mean "
        "importance (the weights sum to 1). *Wtd gap* of a stage: the same within the stage.",
        "Every figure is rounded to one decimal, halves away from zero.",
    ]
    if previous is not None:
        paragraphs.append(
            f"*Round {results_round} against an earlier round*, like for like: a round given "
            "to one persona is compared with the latest earlier round of the same persona, a "
            "round rated by everyone with the latest earlier round rated by everyone (the "
            "results name it), and only the touchpoints rated in both rounds are compared, so a "
            "change is never an artefact of whose journey or who rated what; the results name "
            "those not rated again. R2 = round 2's gap; Δ = the change (+ means the gap "
            "narrowed)."
        )
    return modal(
        "How to read the gaps", [mrkdwn_section(Mrkdwn(p)) for p in paragraphs], close="Close"
    )


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
