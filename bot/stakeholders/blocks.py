"""Block Kit for stakeholder mapping: the board's buttons, the add/edit, rating and removal
modals, the editable list, and the text version of the grid."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    OverflowMenuElement,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT,
    MAX_SECTION_TEXT,
    Mrkdwn,
    block_text_length,
    cap_blocks,
    context,
    fits_message,
    md,
    mention,
    mrkdwn_section,
    truncate,
)
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.values import (
    OPTION_VALUE_LIMIT,
    ButtonValue,
    Count,
    Id,
    Offset,
    ViewMetadata,
    WorkshopValue,
)
from flows.board import BoardSummary
from flows.formatting import plural
from flows.stakeholders import (
    ENGAGEMENT_ADVICE,
    INFLUENCE,
    INTEREST,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    QUADRANT_AXES,
    QUADRANT_NAMES,
    QUADRANT_ORDER,
    SCALE_MIDPOINT,
    AxisScore,
    GridResult,
    GridStakeholder,
    RatingItem,
    RatingPage,
    RemovalPreview,
    StakeholderForm,
    StakeholderList,
    rating_field,
)
from storage.models import Attitude, StakeholderCategory
from storage.models.stakeholders import RATING_MAX, RATING_MIN

RATING_PAGE_SIZE = 15  # 3 blocks each + 2: 47 of a modal's 100 blocks, about 30 kB of 250
LIST_PAGE_SIZE = 40  # one section each + 4: within a message's 50 blocks
MAX_LINES_PER_QUADRANT = 15


class StakeholderMenu(ButtonValue):
    """The list's overflow options: "edit|12|40", what, the stakeholder, the list's offset."""

    limit = OPTION_VALUE_LIMIT
    what: Literal["edit", "remove"]
    stakeholder_id: Id
    offset: Offset


class ListOffset(ButtonValue):
    """The list's Previous / Next: "12|40", the workshop and the offset to show from."""

    workshop_id: Id
    offset: Offset


class StakeholderFormMetadata(ViewMetadata):
    """The add / edit and removal forms: what they change, and the list they came from."""

    workshop_id: Id | None = None
    stakeholder_id: Id | None = None
    list_url: str | None = None
    list_offset: Offset | None = None


class RatingMetadata(ViewMetadata):
    """A page of the rating form: the workshop and the last stakeholder shown so far."""

    workshop_id: Id | None = None
    last_id: Count | None = None


CATEGORY_LABELS = {category: category.value.capitalize() for category in StakeholderCategory}
ATTITUDE_LABELS = {
    Attitude.supporter: "Supporter",
    Attitude.neutral: "Neutral",
    Attitude.blocker: "Blocker",
}
ATTITUDE_HINTS = {
    Attitude.supporter: "Backs improving this journey",
    Attitude.neutral: "Neither for nor against",
    Attitude.blocker: "Likely to resist or slow changes",
}
ATTITUDE_EMOJI = {  # the chart's colours: green, grey, red
    Attitude.supporter: ":large_green_circle:",
    Attitude.neutral: ":white_circle:",
    Attitude.blocker: ":red_circle:",
}
RATING_LABELS = {
    1: "1 · very low",
    2: "2 · low",
    3: "3 · moderate",
    4: "4 · high",
    5: "5 · very high",
}


def format_score(value: float) -> str:
    """A mean to one decimal, rounded down so that it never reads as high when it is not
    (2.96 shows as 2.9, not 3.0). The tiny epsilon keeps 2.3 from flooring to 2.2."""
    return f"{math.floor(value * 10 + 1e-9) / 10:.1f}"


def describe(name: str, category: StakeholderCategory, attitude: Attitude) -> str:
    return (
        f"*{name}* · {CATEGORY_LABELS[category]} · "
        f"{ATTITUDE_EMOJI[attitude]} {ATTITUDE_LABELS[attitude]}"
    )


# The board -----------------------------------------------------------------------------------


def stakeholder_buttons(summary: BoardSummary) -> list[ButtonElement]:
    value = str(summary.workshop_id)
    return [
        ButtonElement(text="Add stakeholder", action_id=ids.ADD_STAKEHOLDER, value=value),
        ButtonElement(text="Rate stakeholders", action_id=ids.RATE_STAKEHOLDERS, value=value),
    ]


# Add / edit ----------------------------------------------------------------------------------


def _options(labels: dict) -> list[Option]:
    return [Option(value=key.value, text=label) for key, label in labels.items()]


def build_stakeholder_modal(
    form: StakeholderForm, list_url: str | None = None, list_offset: int = 0
) -> View:
    """Add or, when `form` names a stakeholder, edit. `list_url` is the response_url of the
    list the edit was started from, so that the list can be refreshed after saving."""
    spec = form.spec
    editing = form.stakeholder_id is not None
    category_options = _options(CATEGORY_LABELS)
    attitude_options = [
        Option(value=a.value, text=ATTITUDE_LABELS[a], description=ATTITUDE_HINTS[a])
        for a in Attitude
    ]
    attitude = spec.attitude if spec else Attitude.neutral
    blocks: list[Block] = [
        text_input(
            ids.STAKEHOLDER_NAME,
            "Name",
            max_length=MAX_NAME_LENGTH,
            initial_value=spec.name if spec else None,
            placeholder="e.g. First-time buyers, CFO, Payment provider",
        ),
        select_input(
            ids.STAKEHOLDER_CATEGORY,
            "Category",
            placeholder="Choose a category",
            options=category_options,
            initial_option=_find(category_options, spec.category) if spec else None,
        ),
        InputBlock(
            block_id=ids.STAKEHOLDER_ATTITUDE,
            label="Attitude towards improving this journey",
            element=RadioButtonsElement(
                action_id=ids.INPUT,
                options=attitude_options,
                initial_option=_find(attitude_options, attitude),
            ),
        ),
        text_input(
            ids.STAKEHOLDER_NOTE,
            "Role or note",
            optional=True,
            max_length=MAX_NOTE_LENGTH,
            initial_value=(spec.note or None) if spec else None,
            placeholder="e.g. Signs off the budget for checkout changes",
        ),
    ]
    touchpoints = _touchpoint_select(form)
    if touchpoints is not None:
        blocks.append(touchpoints)
    blocks.append(
        context(
            "You and the facilitators can change or remove it later: `/workshop stakeholder list`."
        )
    )
    values: dict[str, int | None] = {"workshop_id": form.workshop_id}
    if editing:
        values["stakeholder_id"] = form.stakeholder_id
    return modal(
        "Edit stakeholder" if editing else "Add a stakeholder",
        blocks,
        callback_id=ids.STAKEHOLDER_MODAL,
        submit="Save changes" if editing else "Add",
        close="Cancel",
        private_metadata=_form_metadata(list_url, list_offset, **values),
    )


def _find(options: Sequence[Option], value: str) -> Option | None:
    return next((option for option in options if option.value == value), None)


def _touchpoint_select(form: StakeholderForm) -> InputBlock | None:
    """The journey's touchpoints, grouped by stage (the journey holds at most 100 of them, a
    select's limit)."""
    groups = [
        OptionGroup(
            label=truncate(stage.name, 75),
            options=[
                Option(value=str(t.touchpoint_id), text=truncate(t.name, 75))
                for t in stage.touchpoints
            ],
        )
        for stage in form.stages
        if stage.touchpoints
    ]
    if not groups:
        return None
    chosen = set(form.spec.touchpoint_ids) if form.spec else set()
    initial = [o for group in groups for o in group.options or [] if int(o.value) in chosen]
    return InputBlock(
        block_id=ids.STAKEHOLDER_TOUCHPOINTS,
        label="Touchpoints they own or shape",
        optional=True,
        element=StaticMultiSelectElement(
            action_id=ids.INPUT,
            placeholder="Choose touchpoints",
            option_groups=groups,
            initial_options=initial or None,
        ),
    )


# Rating --------------------------------------------------------------------------------------

RATING_OPTIONS = [Option(value=str(value), text=label) for value, label in RATING_LABELS.items()]


def build_rating_modal(page: RatingPage) -> View:
    blocks: list[Block] = [
        mrkdwn_section(
            "For each stakeholder, rate their *influence* over the customer's experience and "
            f"their *interest* in it, from {RATING_MIN} (very low) to {RATING_MAX} (very high). "
            "Your earlier answers are filled in: change any you like."
        ),
        context(
            f"The grid places everyone at the mean of the team's ratings; "
            f"{SCALE_MIDPOINT:g} or more counts as high."
            + (
                f" Page {page.page} of {page.pages} · {page.total} stakeholders."
                if page.pages > 1
                else ""
            )
        ),
    ]
    for item in page.items:
        blocks += _rating_blocks(item)
    return modal(
        "Rate stakeholders",
        blocks,
        callback_id=ids.RATING_MODAL,
        submit="Save & next page" if page.has_more else "Save ratings",
        close="Cancel",
        private_metadata=RatingMetadata(
            workshop_id=page.workshop_id, last_id=page.last_id
        ).encode(),
    )


def _rating_blocks(item: RatingItem) -> list[Block]:
    text = describe(item.name, item.category, item.attitude)
    if item.note:
        text += f"\n_{item.note}_"
    return [
        mrkdwn_section(text),
        _rating_input(item.stakeholder_id, INFLUENCE, "Influence", item.influence),
        _rating_input(item.stakeholder_id, INTEREST, "Interest", item.interest),
    ]


def _rating_input(stakeholder_id: int, axis: str, label: str, current: int | None) -> InputBlock:
    return select_input(
        rating_field(axis, stakeholder_id),
        label,
        optional=True,
        placeholder=f"{RATING_MIN}–{RATING_MAX}",
        options=RATING_OPTIONS,
        initial_option=RATING_OPTIONS[current - RATING_MIN] if current else None,
    )


# Removing, notices ---------------------------------------------------------------------------


def _form_metadata(list_url: str | None, list_offset: int, **values: int | None) -> str:
    """A stakeholder form's metadata: the `values` it acts on and, when it was opened from the
    stakeholder list, where that list is, to show it again once saved."""
    reference = {"list_url": list_url, "list_offset": list_offset} if list_url else {}
    return StakeholderFormMetadata.model_validate({**values, **reference}).encode()


def build_remove_modal(
    preview: RemovalPreview, list_url: str | None = None, list_offset: int = 0
) -> View:
    went = f"{ratings_gone(preview.ratings)} too" if preview.ratings else ""
    return modal(
        "Remove stakeholder",
        [
            mrkdwn_section(
                f"Remove *{preview.name}* from the workshop{went}? This cannot be undone."
            )
        ],
        callback_id=ids.REMOVE_STAKEHOLDER_MODAL,
        submit="Remove",
        close="Keep",
        private_metadata=_form_metadata(
            list_url, list_offset, stakeholder_id=preview.stakeholder_id
        ),
    )


def ratings_gone(count: int) -> str:
    """ " and the 3 ratings given to them", or nothing when there were none."""
    if not count:
        return ""
    return (
        " and the rating given to them" if count == 1 else f" and the {count} ratings given to them"
    )


def build_notice_modal(title: str, text: str) -> View:
    """A modal that only says something (a refusal after a submission), with a Close button."""
    return modal(truncate(title, 24), [mrkdwn_section(text)], close="Close")


# The list (ephemeral, with Edit / Remove per stakeholder) ----------------------------------


def list_row_block_id(stakeholder_id: int) -> str:
    return f"{ids.STAKEHOLDER_LIST_ROW}:{stakeholder_id}"


def build_stakeholder_list(listing: StakeholderList) -> list[Block]:
    """One page of the list, as many of the listed stakeholders as fit one message (long notes
    may leave fewer than LIST_PAGE_SIZE): Next then starts after the last one shown."""
    blocks = _list_blocks(listing)
    while not fits_message(blocks) and len(listing.stakeholders) > 1:
        listing = replace(listing, stakeholders=listing.stakeholders[:-1])
        blocks = _list_blocks(listing)
    return blocks


def _list_blocks(listing: StakeholderList) -> list[Block]:
    title = truncate(listing.title, 100)
    blocks: list[Block] = [
        mrkdwn_section(
            f"*Stakeholders of workshop #{listing.workshop_id} “{title}”* · {listing.total}"
        )
    ]
    if not listing.total:
        blocks.append(
            context(
                "No stakeholders yet. Add the first with the board's *Add stakeholder* button "
                "or `/workshop stakeholder add`."
            )
        )
    for entry in listing.stakeholders:
        text = md(
            "{} · added by {}",
            describe(entry.name, entry.category, entry.attitude),
            mention(entry.author_id),
        )
        if entry.note:
            text += md("\n_{}_", entry.note)
        accessory = None
        if entry.can_manage:
            accessory = OverflowMenuElement(
                action_id=ids.STAKEHOLDER_MENU,
                options=[
                    Option(value=_menu("edit", entry.stakeholder_id, listing), text="Edit"),
                    Option(value=_menu("remove", entry.stakeholder_id, listing), text="Remove"),
                ],
            )
        blocks.append(
            mrkdwn_section(
                text, block_id=list_row_block_id(entry.stakeholder_id), accessory=accessory
            )
        )
    actions = _list_actions(listing)
    if actions is not None:
        blocks.append(actions)
    if not listing.is_open:
        blocks.append(
            context(
                "The stakeholders phase is over, so this list is read-only. A facilitator can "
                "take the workshop back to it from the board."
            )
        )
    return cap_blocks(blocks, text_budget=None)  # the caller keeps it within the text budget


def _menu(what: str, stakeholder_id: int, listing: StakeholderList) -> str:
    return StakeholderMenu(what=what, stakeholder_id=stakeholder_id, offset=listing.offset).encode()


def _list_actions(listing: StakeholderList) -> ActionsBlock | None:
    buttons = []
    if listing.is_open:
        buttons.append(
            ButtonElement(
                text="Add stakeholder",
                action_id=ids.ADD_STAKEHOLDER,
                value=WorkshopValue(workshop_id=listing.workshop_id).encode(),
            )
        )
    if listing.offset > 0:
        buttons.append(
            ButtonElement(
                text="◀ Previous",
                action_id=ids.STAKEHOLDER_LIST_PREVIOUS,
                value=ListOffset(
                    workshop_id=listing.workshop_id,
                    offset=max(listing.offset - LIST_PAGE_SIZE, 0),
                ).encode(),
            )
        )
    if listing.has_more:
        shown_to = listing.offset + len(listing.stakeholders)
        buttons.append(
            ButtonElement(
                text=f"Next ▶ ({listing.total - shown_to} more)",
                action_id=ids.STAKEHOLDER_LIST_NEXT,
                value=ListOffset(workshop_id=listing.workshop_id, offset=shown_to).encode(),
            )
        )
    return ActionsBlock(elements=buttons) if buttons else None


# The grid as text ----------------------------------------------------------------------------


def grid_message_text(result: GridResult) -> Mrkdwn:
    """Notification and screen-reader fallback for the grid message."""
    if not result.stakeholders:
        return md("Workshop #{} has no stakeholders, so there is no grid.", result.workshop_id)
    counts = ", ".join(
        f"{len(result.in_quadrant(q))} to {QUADRANT_NAMES[q].lower()}" for q in QUADRANT_ORDER
    )
    unrated = f", {len(result.unrated)} not rated yet" if result.unrated else ""
    return md("Stakeholder map for “{}”: {}{}.", result.title, counts, unrated)


GRID_NOTE_ROOM = 500  # block text kept for the note at the end


def build_grid_message(result: GridResult, note: str | None = None) -> list[Block]:
    """The grid as text; `note` (e.g. that the chart could not be uploaded) goes at the end.
    The quadrants share the message's block-text budget: when full ones would pass it, each
    section shows fewer lines (and says how many more there are)."""
    for limit in range(MAX_SECTION_TEXT, 0, -250):
        blocks = _grid_blocks(result, limit)
        if block_text_length(blocks) <= MAX_MESSAGE_TEXT - GRID_NOTE_ROOM:
            break
    if note:
        blocks = [*blocks[: MAX_MESSAGE_BLOCKS - 1], context(note)]
    return blocks


def _grid_blocks(result: GridResult, limit: int) -> list[Block]:
    title = result.title
    if not result.stakeholders:
        return [
            mrkdwn_section(
                f"No stakeholders were added to workshop #{result.workshop_id} “{title}”, "
                "so there is no stakeholder grid to show."
            )
        ]
    raters = result.rater_count
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Stakeholder map: {result.title}", 150)),
        context(
            f"{len(result.stakeholders)} stakeholders · rated by "
            f"{plural(raters, 'participant')} · each sits at the mean of its ratings "
            f"({RATING_MIN}–{RATING_MAX}; {SCALE_MIDPOINT:g} or more is high) · "
            "± is how far the raters disagree (standard deviation)"
        ),
    ]
    if not result.rated:
        blocks.append(
            mrkdwn_section("Nobody has rated the stakeholders yet, so there is no grid to draw.")
        )
    else:
        for quadrant in QUADRANT_ORDER:
            blocks += [DividerBlock(), _quadrant_section(result, quadrant, limit)]
    if result.unrated:
        blocks += [DividerBlock(), _unrated_section(result.unrated, limit)]
    # room for the note; the caller keeps the text within the budget
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS - 1, text_budget=None)


def _quadrant_section(result: GridResult, quadrant, limit: int) -> SectionBlock:
    members = result.in_quadrant(quadrant)
    head = (
        f"*{QUADRANT_NAMES[quadrant]}* ({QUADRANT_AXES[quadrant]}) · {len(members)}\n"
        f"_{ENGAGEMENT_ADVICE[quadrant]}_"
    )
    lines = [f"• {_grid_line(s)}" for s in members] or ["Nobody here."]
    return mrkdwn_section(_fit_lines(head, lines, limit))


def _grid_line(stakeholder: GridStakeholder) -> str:
    raters = stakeholder.raters
    return (
        f"{describe(stakeholder.name, stakeholder.category, stakeholder.attitude)} · "
        f"influence {_score(stakeholder.influence)}, interest {_score(stakeholder.interest)} · "
        f"{plural(raters, 'rater')}"
    )


def _score(score: AxisScore | None) -> str:
    if score is None:
        return "–"
    if score.spread is None:  # one rater: nothing to disagree about
        return format_score(score.mean)
    return f"{format_score(score.mean)} ±{score.spread:.1f}"


def _unrated_section(unrated: Sequence[GridStakeholder], limit: int) -> SectionBlock:
    head = f"*Not rated yet* · {len(unrated)}"
    lines = [f"• {describe(s.name, s.category, s.attitude)}" for s in unrated]
    return mrkdwn_section(_fit_lines(head, lines, limit))


def _fit_lines(head: str, lines: list[str], limit: int) -> str:
    """The head and as many lines as fit `limit` characters (and MAX_LINES_PER_QUADRANT), then
    "… and N more" for the rest."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        more = f"… and {rest - 1} more" if rest > 1 else ""
        candidate = "\n".join([head, *shown, line] + ([more] if more else []))
        if index >= MAX_LINES_PER_QUADRANT or len(candidate) > limit:
            return "\n".join([head, *shown, f"… and {rest} more"])
        shown.append(line)
    return "\n".join([head, *shown])
