import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.action_items.blocks import (
    action_item_line,
    action_items_post,
    build_action_items_modal,
    build_action_list,
    build_owner_dm,
    build_pick_modal,
    owner_dm_text,
)
from bot.slack import ids
from bot.slack.blocks import fits_message
from flows.actions import ActionItemSummary, due_field, owner_field
from flows.voting import RankedFix
from storage.models import ActionStatus
from tests.factories import fix_summary


def fix(fix_id, title=None):
    return fix_summary(fix_id, title=title or f"Fix {fix_id}")


def item(item_id=1, status=ActionStatus.open, overdue=False, owner="UO"):
    return ActionItemSummary(
        id=item_id,
        workshop_id=7,
        fix_id=item_id,
        title=f"Fix {item_id}",
        touchpoint="Checkout",
        stage="Purchase",
        owner_id=owner,
        due_date=date(2026, 5, 24),
        status=status,
        overdue=overdue,
        assigned_by="UF",
        dm_channel_id=None,
        dm_ts=None,
    )


def dump(value):
    if isinstance(value, list):
        return json.dumps([b.to_dict() for b in value], ensure_ascii=False)
    return json.dumps(value.to_dict(), ensure_ascii=False)


DATE_TOKEN = re.compile(r"<!date\^(\d+)\^[^|>]*\|[^>]*>")
# From the first time zone to see a new day (UTC+14) to the last (UTC−12), and ones between.
READER_ZONES = (
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Tongatapu",  # UTC+13
    "Pacific/Auckland",  # UTC+12 in May
    "Asia/Tokyo",
    "UTC",
    "America/Los_Angeles",
    "Pacific/Pago_Pago",  # UTC−11
    "Etc/GMT+12",  # UTC−12
)


def as_seen_in(zone: str, mrkdwn: str) -> str:
    """`mrkdwn` as a reader in `zone` sees it: Slack shows each <!date^…> token in the reader's
    own time zone (here always as "Sun 24 May 2026")."""

    def local_day(match: re.Match) -> str:
        day = datetime.fromtimestamp(int(match.group(1)), ZoneInfo(zone)).date()
        return f"{day:%a} {day.day} {day:%b %Y}"

    return DATE_TOKEN.sub(local_day, mrkdwn)


def test_a_due_date_shows_as_that_date_for_every_reader():
    due = item()  # due 24 May 2026, a Sunday
    texts = {
        "DM": dump(build_owner_dm(due, "W", "C1", "UF")),
        "DM notification": owner_dm_text(due, "W"),
        "list and Home tab": action_item_line(due),
    }
    for where, text in texts.items():
        for zone in READER_ZONES:
            seen = as_seen_in(zone, text)
            assert "Sun 24 May 2026" in seen, (where, zone, seen)
            assert not re.search(r"\b(2[35]) May", seen), (where, zone, seen)


def test_pick_form_preselects_the_top_fixes_and_searches_every_fix():
    ranked = [RankedFix(n, fix(n, "x" * 90 if n == 2 else None), 10 - n, None) for n in range(1, 4)]
    view = build_pick_modal(7, ranked).to_dict()
    select = view["blocks"][1]["element"]
    assert select["type"] == "multi_external_select"
    assert (select["action_id"], select["min_query_length"]) == (ids.ACTION_ITEMS_FIX_SEARCH, 0)
    assert [o["value"] for o in select["initial_options"]] == ["1", "2", "3"]
    assert select["initial_options"][0]["text"]["text"] == "1. Fix 1 (9 votes)"
    assert all(len(o["text"]["text"]) <= 75 for o in select["initial_options"])
    assert select["max_selected_items"] == 20
    assert "The top 3 fixes by votes are picked" in dump(build_pick_modal(7, ranked))
    assert "The top fix by votes is picked" in dump(build_pick_modal(7, ranked[:1]))


def test_details_form_asks_owner_and_due_date_per_fix():
    existing = {2: item(2, owner="UX")}
    view = build_action_items_modal(7, [fix(1), fix(2)], {1: 4}, existing, date(2026, 6, 1))
    by_id = {b.block_id: b.to_dict() for b in view.blocks if b.block_id}
    assert by_id[owner_field(1)]["element"]["type"] == "users_select"
    assert "initial_user" not in by_id[owner_field(1)]["element"]
    assert by_id[owner_field(2)]["element"]["initial_user"] == "UX"
    assert by_id[due_field(1)]["element"]["initial_date"] == "2026-06-01"
    assert by_id[due_field(2)]["element"]["initial_date"] == "2026-05-24"
    assert "*Fix 1* · 4 votes" in dump(view) and "*Fix 2* · 0 votes" in dump(view)
    assert json.loads(view.private_metadata) == {"workshop_id": 7, "fix_ids": [1, 2]}
    twenty = build_action_items_modal(7, [fix(n) for n in range(20)], {}, {}, date(2026, 6, 1))
    assert len(twenty.blocks) <= 100 and twenty.to_dict()


def test_owner_dm_marks_the_current_status_and_overdue():
    blocks = build_owner_dm(item(status=ActionStatus.in_progress, overdue=True), "W", "C1", "UF")
    text = dump(blocks)
    assert "assigned by <@UF>" in text and "in <#C1>" in text
    assert ":warning: *Overdue*" in text and ":large_yellow_circle: In progress" in text
    actions = next(b for b in blocks if b.type == "actions")
    assert [(e.action_id, e.text.text, e.value, e.style) for e in actions.elements] == [
        (ids.ACTION_ITEM_STATUS_OPEN, "Open", "1|open", None),
        # The current status is ticked, not green: the green button is the next change.
        (ids.ACTION_ITEM_STATUS_IN_PROGRESS, "✓ In progress", "1|in_progress", None),
        (ids.ACTION_ITEM_STATUS_DONE, "Done", "1|done", "primary"),
    ]
    opened = build_owner_dm(item(status=ActionStatus.open), "W", "C1", "UF")
    actions = next(b for b in opened if b.type == "actions")
    assert [e.text.text for e in actions.elements if e.style == "primary"] == ["In progress"]
    done = build_owner_dm(item(status=ActionStatus.done), "W", "C1", "UF")
    actions = next(b for b in done if b.type == "actions")
    assert [e.style for e in actions.elements] == [None, None, None]


def test_action_list_counts_and_marks_overdue_items():
    items = [item(1, overdue=True), item(2, status=ActionStatus.done)]
    text = dump(build_action_list(7, "Onboarding", items, can_create=True))
    assert "2 action items · 1 overdue" in text
    assert text.count(":warning: *Overdue*") == 1
    assert "before today (UTC)" in text and '"action_id": "action_items_create"' in text
    none = dump(build_action_list(7, "Onboarding", [], can_create=False))
    assert "No action items yet" in none and "action_items_create" not in none


def test_a_long_action_list_pages_within_the_message_budget_leaving_none_out():
    items = [
        ActionItemSummary(**{**item(n).__dict__, "title": f"Item {n:03d} " + "&<>" * 60})
        for n in range(200)
    ]
    first = build_action_list(7, "W", items, can_create=True)
    assert fits_message(first)
    pages = [first]
    while pages[-1][-1].block_id == "action_list_pages" and any(
        b.action_id == ids.ACTION_LIST_NEXT for b in pages[-1][-1].elements
    ):
        pages.append(build_action_list(7, "W", items, can_create=True, page=len(pages)))
    assert all(fits_message(page) for page in pages) and len(pages) > 2
    shown = re.findall(r"Item (\d{3}) ", "".join(dump(page) for page in pages))
    assert shown == [f"{n:03d}" for n in range(200)]
    assert f"Page 2 of {len(pages)}" in dump(pages[1])
    assert [b.value for b in pages[1][-1].elements] == ["7|0", "7|2"]
    assert dump(build_action_list(7, "W", items, can_create=True, page=999)) == dump(pages[-1])


def test_thread_post_lists_owners():
    text, blocks = action_items_post([item(1), item(2, owner="UP")])
    assert text.startswith(":white_check_mark: 2 action items assigned")
    assert "<@UO>" in dump(blocks) and "<@UP>" in dump(blocks)
