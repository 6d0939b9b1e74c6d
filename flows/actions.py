"""Action items: once voting has closed, the winning fixes become work with an owner, a due
date and a status (open, in progress, done).

Overdue means: the due date is before today in UTC and the item is not done. An item is due
at the end of its due date, so it becomes overdue on the next day (UTC).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.fixes import FixSummary, list_fixes
from flows.scope import rows_of
from flows.workshops import get_workshop, is_facilitator, require_facilitator
from storage.models import ActionItem, ActionStatus, Phase, Workshop, pk, utcnow

DEFAULT_TOP_N = 3
MAX_ITEMS_PER_FORM = 20  # three blocks each in one modal, within Slack's 100
DEFAULT_DUE_IN_DAYS = 14
# A due date picked as "today" by someone far from UTC can be yesterday in UTC.
DUE_DATE_SLACK_DAYS = 1

STATUS_NAMES = {
    ActionStatus.open: "Open",
    ActionStatus.in_progress: "In progress",
    ActionStatus.done: "Done",
}


class NotTheOwner(NotAllowed):
    """Someone other than the owner (or a facilitator) tried to change an action item; the bot
    names the owner from `owner_id` in its own markup."""

    def __init__(self, owner_id: str) -> None:
        super().__init__(
            "This action item is someone else's; only its owner or a facilitator can change "
            "its status."
        )
        self.owner_id = owner_id


@dataclass(frozen=True)
class ActionItemDraft:
    fix_id: int
    owner_id: str
    due_date: date


@dataclass(frozen=True)
class ActionItemSummary:
    id: int
    workshop_id: int
    fix_id: int
    title: str
    touchpoint: str
    stage: str
    owner_id: str
    due_date: date
    status: ActionStatus
    overdue: bool
    assigned_by: str
    dm_channel_id: str | None
    dm_ts: str | None


@dataclass(frozen=True)
class SavedActionItem:
    item: ActionItemSummary
    created: bool
    # When the item changed hands: the previous owner and their DM (to mark it reassigned).
    previous_owner_id: str | None = None
    previous_dm: tuple[str, str] | None = None

    @property
    def owner_needs_dm(self) -> bool:
        return self.created or self.previous_owner_id is not None


@dataclass(frozen=True)
class StatusChange:
    item: ActionItemSummary
    previous: ActionStatus
    changed: bool  # False when the item already had this status (a repeated click)


def today_utc() -> date:
    return datetime.now(UTC).date()


def is_overdue(due_date: date, status: ActionStatus, today: date) -> bool:
    return status != ActionStatus.done and due_date < today


def owner_field(fix_id: int) -> str:
    return f"owner-{fix_id}"


def due_field(fix_id: int) -> str:
    return f"due-{fix_id}"


def default_due_date(today: date) -> date:
    return today + timedelta(days=DEFAULT_DUE_IN_DAYS)


# choosing and validating ---------------------------------------------------------------------


def choose_fixes(
    session: Session, team_id: str, workshop_id: int, user_id: str, raw_ids: Sequence[str]
) -> list[FixSummary]:
    """Check the fixes a facilitator picked to turn into action items (field "fixes")."""
    workshop = workshop_for_action_items(session, team_id, workshop_id, user_id)
    ids = {int(raw) for raw in raw_ids if str(raw).isdecimal()}
    if not ids:
        raise InvalidInput({"fixes": "Pick at least one fix."})
    if len(ids) > MAX_ITEMS_PER_FORM:
        raise InvalidInput({"fixes": f"Pick at most {MAX_ITEMS_PER_FORM} fixes at a time."})
    fixes = list_fixes(session, workshop, fix_ids=sorted(ids))
    if len(fixes) != len(ids):
        raise InvalidInput({"fixes": "Some of those fixes no longer exist; pick again."})
    return fixes


def validate_action_items(
    fix_ids: Sequence[int],
    owners: Mapping[int, str | None],
    due_dates: Mapping[int, str | None],
    today: date,
) -> list[ActionItemDraft]:
    """Owner and due date for every fix; errors keyed by `owner_field` / `due_field`."""
    errors: dict[str, str] = {}
    drafts = []
    earliest = today - timedelta(days=DUE_DATE_SLACK_DAYS)
    for fix_id in fix_ids:
        owner = (owners.get(fix_id) or "").strip()
        if not owner:
            errors[owner_field(fix_id)] = "Choose who owns this action item."
        raw_due = due_dates.get(fix_id)
        due = _parse_date(raw_due)
        if due is None:
            errors[due_field(fix_id)] = "Pick a due date."
        elif due < earliest:
            errors[due_field(fix_id)] = "Pick a due date that has not passed yet."
        if owner and due is not None and due >= earliest:
            drafts.append(ActionItemDraft(fix_id, owner, due))
    if errors:
        raise InvalidInput(errors)
    return drafts


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# saving --------------------------------------------------------------------------------------


def save_action_items(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    drafts: Sequence[ActionItemDraft],
    today: date | None = None,
) -> list[SavedActionItem]:
    """Create an action item per fix, or update the owner and due date of an existing one.

    One item per fix (a unique constraint); the workshop row is locked so that two submissions of
    the same form apply one after the other, and the second finds the items the first created.
    """
    today = today or today_utc()
    workshop = workshop_for_action_items(session, team_id, workshop_id, user_id, lock=True)
    wanted = {draft.fix_id: draft for draft in drafts}
    fixes = {fix.id: fix for fix in list_fixes(session, workshop, fix_ids=sorted(wanted))}
    missing = set(wanted) - set(fixes)
    if missing:
        raise NotFound("Some of those fixes no longer exist in this workshop; nothing was saved.")
    existing = {
        item.fix_id: item
        for item in session.exec(
            select(ActionItem).where(
                ActionItem.team_id == team_id, col(ActionItem.fix_id).in_(sorted(wanted))
            )
        )
    }
    saved = []
    for fix_id, draft in wanted.items():
        item = existing.get(fix_id)
        previous_owner = previous_dm = None
        if item is None:
            item = ActionItem(
                team_id=team_id,
                workshop_id=pk(workshop),
                fix_id=fix_id,
                owner_id=draft.owner_id,
                due_date=draft.due_date,
                created_by=user_id,
            )
        else:
            if item.owner_id != draft.owner_id:
                previous_owner = item.owner_id
                if item.dm_channel_id and item.dm_ts:
                    previous_dm = (item.dm_channel_id, item.dm_ts)
                item.dm_channel_id = item.dm_ts = None
            item.owner_id, item.due_date, item.updated_at = draft.owner_id, draft.due_date, utcnow()
        session.add(item)
        session.flush()
        saved.append(
            SavedActionItem(
                _summarise(item, fixes[fix_id], today),
                created=fix_id not in existing,
                previous_owner_id=previous_owner,
                previous_dm=previous_dm,
            )
        )
    return saved


def record_dm(session: Session, team_id: str, item_id: int, channel_id: str, ts: str) -> None:
    """Remember the owner's DM so a status change can edit it in place."""
    session.execute(
        update(ActionItem)
        .where(col(ActionItem.id) == item_id, col(ActionItem.team_id) == team_id)
        .values(dm_channel_id=channel_id, dm_ts=ts)
    )


def _action_item_row(
    session: Session, team_id: str, item_id: int, *, lock: bool = False
) -> ActionItem:
    """The item, in this workspace; with `lock`, row-locked until the transaction ends."""
    query = select(ActionItem).where(ActionItem.id == item_id, ActionItem.team_id == team_id)
    item = session.exec(query.with_for_update() if lock else query).first()
    if item is None:
        raise NotFound("That action item does not exist in this workspace.")
    return item


def set_action_status(
    session: Session, team_id: str, item_id: int, user_id: str, status: ActionStatus
) -> StatusChange:
    """Set an item's status (its owner or a facilitator). Setting the same status twice is a
    no-op, so a repeated click or a retried request changes nothing."""
    item = _action_item_row(session, team_id, item_id, lock=True)
    if item.owner_id != user_id and not is_facilitator(session, team_id, item.workshop_id, user_id):
        raise NotTheOwner(item.owner_id)
    previous = ActionStatus(item.status)
    if previous != status:
        item.status, item.updated_at = status, utcnow()
        session.add(item)
        session.flush()
    return StatusChange(action_item(session, team_id, item_id), previous, previous != status)


# reading -------------------------------------------------------------------------------------


def action_items(
    session: Session, workshop: Workshop, today: date | None = None
) -> list[ActionItemSummary]:
    """The workshop's action items, soonest due first (for `/workshop actions`, digests and
    exports)."""
    today = today or today_utc()
    items = rows_of(session, ActionItem, workshop, col(ActionItem.due_date), col(ActionItem.id))
    fixes = {
        fix.id: fix
        for fix in list_fixes(
            session, workshop, fix_ids=[item.fix_id for item in items], include_inactive=True
        )
    }
    return [_summarise(item, fixes[item.fix_id], today) for item in items]


def open_action_items_of(
    session: Session, team_id: str, owner_id: str, today: date | None = None
) -> list[ActionItemSummary]:
    """The user's action items that are not done, in every workshop, soonest due first (so the
    overdue ones lead), for the Home tab."""
    today = today or today_utc()
    items = session.exec(
        select(ActionItem)
        .where(
            ActionItem.team_id == team_id,
            ActionItem.owner_id == owner_id,
            ActionItem.status != ActionStatus.done,
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    ).all()
    fixes: dict[int, FixSummary] = {}
    for workshop_id in sorted({item.workshop_id for item in items}):
        workshop = get_workshop(session, team_id, workshop_id)
        fix_ids = [item.fix_id for item in items if item.workshop_id == workshop_id]
        fixes |= {
            fix.id: fix
            for fix in list_fixes(session, workshop, fix_ids=fix_ids, include_inactive=True)
        }
    return [_summarise(item, fixes[item.fix_id], today) for item in items]


def action_item(
    session: Session, team_id: str, item_id: int, today: date | None = None
) -> ActionItemSummary:
    item = _action_item_row(session, team_id, item_id)
    workshop = get_workshop(session, team_id, item.workshop_id)
    (fix,) = list_fixes(session, workshop, fix_ids=[item.fix_id], include_inactive=True)
    return _summarise(item, fix, today or today_utc())


def _summarise(item: ActionItem, fix: FixSummary, today: date) -> ActionItemSummary:
    status = ActionStatus(item.status)
    return ActionItemSummary(
        id=pk(item),
        workshop_id=item.workshop_id,
        fix_id=item.fix_id,
        title=fix.title,
        touchpoint=fix.touchpoint,
        stage=fix.stage,
        owner_id=item.owner_id,
        due_date=item.due_date,
        status=status,
        overdue=is_overdue(item.due_date, status, today),
        assigned_by=item.created_by,
        dm_channel_id=item.dm_channel_id,
        dm_ts=item.dm_ts,
    )


def workshop_for_action_items(
    session: Session, team_id: str, workshop_id: int, user_id: str, *, lock: bool = False
) -> Workshop:
    """The workshop, if `user_id` facilitates it and its voting has closed."""
    query = select(Workshop).where(Workshop.id == workshop_id, Workshop.team_id == team_id)
    workshop = session.exec(query.with_for_update() if lock else query).first()
    if workshop is None:
        raise NotFound(f"There is no workshop #{workshop_id} in this workspace.")
    require_facilitator(session, workshop, user_id, "create action items")
    if workshop.phase != Phase.closed:
        raise Conflict("Action items are created once voting has closed.")
    return workshop
