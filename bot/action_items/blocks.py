"""Action items: the two-step form that creates them, the owner's DM with status buttons, and
the `/workshop actions` list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    ExternalDataMultiSelectElement,
    HeaderBlock,
    InputBlock,
    Option,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.fixes.blocks.fixes import MAX_OPTION_TEXT, fix_where
from bot.fixes.blocks.voting import create_action_items_block
from bot.slack import ids
from bot.slack.blocks import (
    Mrkdwn,
    calendar_day,
    cap_rows,
    context,
    escape,
    md,
    mention,
    mrkdwn_section,
    pack_blocks,
    page_buttons,
    truncate,
)
from bot.slack.modals import modal
from bot.slack.values import ButtonValue, Id, ViewMetadata
from flows.actions import (
    MAX_ITEMS_PER_FORM,
    STATUS_NAMES,
    ActionItemSummary,
    due_field,
    owner_field,
)
from flows.fixes import FixSummary
from flows.formatting import plural
from flows.voting import RankedFix
from storage.models import ActionStatus

STATUS_ICONS = {
    ActionStatus.open: ":white_circle:",
    ActionStatus.in_progress: ":large_yellow_circle:",
    ActionStatus.done: ":large_green_circle:",
}
STATUS_ACTION_IDS = {
    ActionStatus.open: ids.ACTION_ITEM_STATUS_OPEN,
    ActionStatus.in_progress: ids.ACTION_ITEM_STATUS_IN_PROGRESS,
    ActionStatus.done: ids.ACTION_ITEM_STATUS_DONE,
}
OVERDUE_RULE = "Overdue: the due date is before today (UTC) and the item is not done."


class StatusValue(ButtonValue):
    """An owner's status buttons: "7|in_progress", the item and the status to set (setting it
    twice changes nothing)."""

    item_id: Id
    status: ActionStatus


class ActionItemsMetadata(ViewMetadata):
    """The pick form (the workshop) and the items form (the workshop and the fixes picked)."""

    workshop_id: Id | None = None
    fix_ids: list[Id] | None = None


def status_label(status: ActionStatus) -> str:
    return f"{STATUS_ICONS[status]} {STATUS_NAMES[status]}"


# the form ------------------------------------------------------------------------------------


def pick_option(ranked: RankedFix) -> Option:
    label = f"{ranked.rank}. {ranked.fix.title} ({plural(ranked.votes, 'vote')})"
    return Option(value=str(ranked.fix.id), text=truncate(label, MAX_OPTION_TEXT))


def build_pick_modal(workshop_id: int, top: Sequence[RankedFix]) -> View:
    """Step 1: which fixes become action items. The `top` fixes are preselected; the menu
    searches every fix of the workshop (`ranked_matching` answers it, best ranked first)."""
    options = [pick_option(r) for r in top]
    preselected = (
        f"The top {len(options)} fixes by votes are picked"
        if len(options) != 1
        else "The top fix by votes is picked"
    )
    return modal(
        "Action items",
        callback_id=ids.ACTION_ITEMS_PICK_MODAL,
        submit="Next",
        close="Cancel",
        private_metadata=ActionItemsMetadata(workshop_id=workshop_id).encode(),
        blocks=[
            mrkdwn_section(
                f"Which fixes become action items? {preselected}; add or remove any. "
                "Next, you choose an owner and a due date for each."
            ),
            InputBlock(
                block_id=ids.ACTION_ITEMS_FIXES,
                label="Fixes",
                hint="The menu lists the fixes by rank; type any words of a title or "
                "touchpoint to search them all.",
                element=ExternalDataMultiSelectElement(
                    action_id=ids.ACTION_ITEMS_FIX_SEARCH,
                    placeholder="Choose or search fixes",
                    min_query_length=0,
                    initial_options=options or None,
                    max_selected_items=MAX_ITEMS_PER_FORM,
                ),
            ),
        ],
    )


def build_action_items_modal(
    workshop_id: int,
    fixes: Sequence[FixSummary],
    votes: Mapping[int, int],
    existing: Mapping[int, ActionItemSummary],
    default_due: date,
) -> View:
    """Step 2: an owner and a due date per chosen fix (prefilled for items that exist)."""
    blocks: list[Block] = []
    for fix in fixes:
        item = existing.get(fix.id)
        blocks += [
            mrkdwn_section(
                md(
                    "*{}* · {}\n_{}_",
                    truncate(fix.title, 150),
                    plural(votes.get(fix.id, 0), "vote"),
                    fix_where(fix),
                )
            ),
            InputBlock(
                block_id=owner_field(fix.id),
                label="Owner",
                element=UserSelectElement(
                    action_id=ids.INPUT,
                    placeholder="Who drives it",
                    initial_user=item.owner_id if item else None,
                ),
            ),
            InputBlock(
                block_id=due_field(fix.id),
                label="Due",
                element=DatePickerElement(
                    action_id=ids.INPUT,
                    initial_date=(item.due_date if item else default_due).isoformat(),
                ),
            ),
        ]
    blocks.append(context("Each owner gets a DM with buttons to update the status."))
    return modal(
        "Action items",
        callback_id=ids.ACTION_ITEMS_MODAL,
        submit="Create",
        close="Cancel",
        private_metadata=ActionItemsMetadata(
            workshop_id=workshop_id, fix_ids=[f.id for f in fixes]
        ).encode(),
        blocks=blocks,
    )


# the owner's DM ------------------------------------------------------------------------------


def owner_dm_text(item: ActionItemSummary, workshop_title: str) -> Mrkdwn:
    return escape(
        f"You own an action item from “{truncate(workshop_title, 80)}”: {item.title} "
        f"(due {calendar_day(item.due_date)}, {STATUS_NAMES[item.status].lower()})"
    )


def not_the_owner_text(owner_id: str) -> Mrkdwn:
    """Why a status button did nothing for someone else: who owns the item (flows.actions)."""
    return md(
        "This action item is owned by {}; only they or a facilitator can change its status.",
        mention(owner_id),
    )


def build_owner_dm(
    item: ActionItemSummary, workshop_title: str, channel_id: str, assigned_by: str
) -> list[Block]:
    """The owner's DM: what, where, when, and a button per status (the current one marked)."""
    overdue = "  :warning: *Overdue*" if item.overdue else ""
    return [
        mrkdwn_section(
            md(
                ":pushpin: You own an action item from the workshop *{}* in <#{}>, assigned by {}.",
                truncate(workshop_title, 150),
                channel_id,
                mention(assigned_by),
            )
        ),
        mrkdwn_section(
            md("*{}*\n_{} › {}_", truncate(item.title, 200), item.stage, item.touchpoint)
        ),
        mrkdwn_section(
            "",
            fields=[
                f"*Due*\n{calendar_day(item.due_date)}{overdue}",
                f"*Status*\n{status_label(item.status)}",
            ],
        ),
        ActionsBlock(block_id=f"action_item-{item.id}", elements=status_buttons(item)),
        context("Update the status here as the work moves; the team sees it in the workshop."),
    ]


NEXT_STATUS = {
    ActionStatus.open: ActionStatus.in_progress,
    ActionStatus.in_progress: ActionStatus.done,
}


def status_buttons(item: ActionItemSummary) -> list[ButtonElement]:
    """A button per status (the owner's DM and the Home tab): the current one marked with a
    tick but plain (pressing it changes nothing), the next status change the primary one."""
    following = NEXT_STATUS.get(ActionStatus(item.status))
    return [
        ButtonElement(
            text=f"✓ {STATUS_NAMES[status]}" if status == item.status else STATUS_NAMES[status],
            action_id=STATUS_ACTION_IDS[status],
            value=StatusValue(item_id=item.id, status=status).encode(),
            style="primary" if status == following else None,
        )
        for status in ActionStatus
    ]


def build_reassigned_dm(item_title: str, new_owner_id: str) -> list[Block]:
    return [
        mrkdwn_section(
            md(
                "*{}* was reassigned to {}. Nothing more to do here.",
                truncate(item_title, 200),
                mention(new_owner_id),
            )
        )
    ]


# the list ------------------------------------------------------------------------------------


def action_item_line(item: ActionItemSummary) -> str:
    overdue = " · :warning: *Overdue*" if item.overdue else ""
    return md(
        "*{}*\n{} · due {} · {}{}",
        truncate(item.title, 200),
        mention(item.owner_id),
        calendar_day(item.due_date),
        status_label(item.status),
        overdue,
    )


def build_action_list(
    workshop_id: int,
    workshop_title: str,
    items: Sequence[ActionItemSummary],
    *,
    can_create: bool,
    page: int = 0,
) -> list[Block]:
    """One page of the workshop's action items: as many as fit one message, with Previous /
    Next while there are more (the page is clamped to the last one)."""
    overdue = sum(item.overdue for item in items)
    summary = f"Workshop #{workshop_id} · {plural(len(items), 'action item')}"
    if overdue:
        summary += f" · {overdue} overdue"
    head: list[Block] = [
        HeaderBlock(text=truncate(f"Action items for “{workshop_title}”", 150)),
        context(summary),
    ]
    if not items:
        head.append(
            mrkdwn_section(
                "No action items yet. Once voting closes, a facilitator turns the top fixes into "
                "action items with owners and due dates."
            )
        )
    tail: list[Block] = [context(f"{OVERDUE_RULE} Owners update the status from their DM.")]
    if can_create:
        tail.append(create_action_items_block("action_list_actions", workshop_id))
    rows: list[Block] = [mrkdwn_section(action_item_line(item)) for item in items]
    pager_room = _action_list_pager(workshop_id, 1, 3)
    pages = pack_blocks(rows, first=head, reserve=[*tail, *pager_room, context(PAGE_NOTE)])
    page = min(max(page, 0), len(pages) - 1)
    note = [context(f"Page {page + 1} of {len(pages)}")] if len(pages) > 1 else []
    pager = _action_list_pager(workshop_id, page, len(pages))
    return [*pages[page], *note, *tail, *pager]


PAGE_NOTE = "Page 999 of 999"


def _action_list_pager(workshop_id: int, page: int, pages: int) -> list[Block]:
    buttons = page_buttons(page, pages, ids.ACTION_LIST_PREVIOUS, ids.ACTION_LIST_NEXT, workshop_id)
    return [ActionsBlock(block_id="action_list_pages", elements=buttons)] if buttons else []


def action_items_post(items: Sequence[ActionItemSummary]) -> tuple[str, list[Block]]:
    """The thread post announcing new or changed action items."""
    text = f":white_check_mark: {plural(len(items), 'action item')} assigned:"
    rows: list[Block] = [mrkdwn_section(action_item_line(item)) for item in items]
    blocks = cap_rows(
        [mrkdwn_section(text)],
        rows,
        [context("`/workshop actions` lists them all, with overdue ones marked.")],
        more="… and {hidden} more action items",
    )
    assigned = Mrkdwn("; ").join(md("{} → {}", i.title, mention(i.owner_id)) for i in items[:10])
    return truncate(md("{} {}", text, assigned), 3000), blocks
