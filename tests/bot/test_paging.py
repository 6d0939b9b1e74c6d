"""Lists that never drop an item, at 500 fixes: every fix can be reached for edit, remove and
merge from `/workshop fixes`, chosen as an action item through the pick form's search, and read
in the ranked results; every message the bot sends stays within the message budget (and the
stand-in, like Slack, refuses one over 12,000 characters of block text)."""

import json
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.slack import ids
from bot.slack.blocks import fits_message
from demo.local import CHANNEL_ID, PEOPLE
from flows.actions import ActionItemDraft, save_action_items
from flows.fixes import FixDraft, propose_fix
from standin import blockkit
from storage.models import Fix, FixStatus, Phase, Touchpoint
from tests.helpers import close_voting, pick_in_fix_menu

ANA, BEN, CHLOE = (p.user_id for p in PEOPLE[:3])
FIXES = 500


def title(n: int) -> str:
    """Unique, searchable ("Fix 042"), and long, with characters escaping lengthens."""
    return f"Fix {n:03d}: customers & staff <see> the same order status, live, at every step"


@pytest.fixture
def many_fixes(local):
    """A workshop in the fixes phase with 500 fixes by Chloé, spread over its touchpoints."""
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        touchpoints = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).all()
        ids_by_n = {
            n: propose_fix(
                session,
                local.team_id,
                workshop_id,
                CHLOE,
                FixDraft(title(n), touchpoints[n % len(touchpoints)], description="<&>" * 200),
            ).id
            for n in range(FIXES)
        }
    return workshop_id, board_ts, ids_by_n


def newest(local, user, text):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if e["text"].startswith(text)]
    )[-1]


def on_page(local, user, number):
    """The user's newest fix list, once it shows page `number`."""
    return local.standin.wait_for(
        lambda: (
            (e := newest(local, user, "Fixes"))
            and f"page {number} of" in json.dumps(e["blocks"], ensure_ascii=False)
            and e
        )
    )


def menu_values(listing) -> list[str]:
    return [
        o["value"]
        for b in listing["blocks"]
        if b.get("accessory", {}).get("type") == "overflow"
        for o in b["accessory"]["options"]
    ]


def top_form(local, user, callback_id):
    return local.standin.wait_for(
        lambda: (v := local.standin.top_view(user)) and v["callback_id"] == callback_id and v
    )


def walk_fix_list(local, user):
    """Every page of `user`'s `/workshop fixes`, by its Next button."""
    local.sim.slash_command(user, CHANNEL_ID, "fixes")
    pages = [on_page(local, user, 1)]
    while ids.FIX_LIST_NEXT in json.dumps(pages[-1]["blocks"]):
        local.sim.click(user, ids.FIX_LIST_NEXT, channel=CHANNEL_ID, ts=pages[-1]["ts"])
        pages.append(on_page(local, user, len(pages) + 1))
    return pages


def test_every_fix_is_reachable_for_edit_remove_and_merge_from_the_list_pages(local, many_fixes):
    _, _, ids_by_n = many_fixes
    pages = walk_fix_list(local, ANA)
    assert len(pages) == 34  # 15 a page
    assert all(fits_message(page["blocks"]) for page in pages)
    values = [v for page in pages for v in menu_values(page)]
    for what in ("edit", "remove", "merge"):
        reachable = {int(v.split("|")[1]) for v in values if v.startswith(what + "|")}
        assert reachable == set(ids_by_n.values()), what
    # the last page goes back too, and its Previous shows page 33 again
    local.sim.click(ANA, ids.FIX_LIST_PREVIOUS, channel=CHANNEL_ID, ts=pages[-1]["ts"])
    assert on_page(local, ANA, 33)["ts"] == pages[-1]["ts"]  # replaced, not posted again

    # a fix on the last page is edited from there; the list comes back on that page
    last = pages[-1]
    local.sim.click(ANA, ids.FIX_LIST_NEXT, channel=CHANNEL_ID, ts=last["ts"])
    on_page(local, ANA, 34)
    fix_id = int(menu_values(last)[0].split("|")[1])
    pick_in_fix_menu(local, ANA, "edit", fix_id, 33)
    top_form(local, ANA, ids.FIX_MODAL)
    assert local.sim.submit_view(ANA, {ids.FIX_TITLE: "Renamed on the last page"}).problems == []
    local.standin.wait_for(
        lambda: "Renamed on the last page" in json.dumps(on_page(local, ANA, 34)["blocks"])
    )

    # merging a fix from page 1 into one only a search can find among 499
    source, target = ids_by_n[0], ids_by_n[377]
    open_merge_form(local, source)
    opened = local.sim.suggest(ANA, ids.FIX_MERGE_SEARCH, "")
    assert opened.problems == [] and len(blockkit.suggested_options(opened.json)) == 100
    found = local.sim.suggest(ANA, ids.FIX_MERGE_SEARCH, "fix 377")
    (option,) = blockkit.suggested_options(found.json)
    assert option["value"] == str(target)
    assert local.sim.submit_view(ANA, {ids.FIX_MERGE_TARGET: option}).problems == []
    with local.db.session() as session:
        merged = session.get(Fix, source)
        assert (merged.status, merged.merged_into_id) == (FixStatus.merged, target)


def open_merge_form(local, fix_id):
    """Ana's merge form for `fix_id`, from its menu on page 1 of a fresh `/workshop fixes`."""
    local.sim.slash_command(ANA, CHANNEL_ID, "fixes")
    first = on_page(local, ANA, 1)
    pick_in_fix_menu(local, ANA, "merge", fix_id, ts=first["ts"])
    return top_form(local, ANA, ids.FIX_MERGE_MODAL)


def suggestion_from(local, user, view, action_id, query, block_id=ids.FIX_MERGE_TARGET):
    """A signed block_suggestion as `user` for `view`, whatever its metadata says."""
    payload = {
        "type": "block_suggestion",
        "user": {"id": user, "team_id": local.team_id},
        "team": {"id": local.team_id, "domain": "x"},
        "api_app_id": local.standin.app_id,
        "token": local.standin.verification_token,
        "container": {"type": "view", "view_id": view["id"]},
        "action_id": action_id,
        "block_id": block_id,
        "value": query,
        "view": view,
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return local.sim.post(body, "application/x-www-form-urlencoded")


def test_the_merge_search_answers_facilitators_of_this_workspace_only(local, many_fixes):
    _, _, ids_by_n = many_fixes
    form = open_merge_form(local, ids_by_n[0])
    answer = suggestion_from(local, ANA, form, ids.FIX_MERGE_SEARCH, "fix 01")
    assert len(blockkit.suggested_options(answer.json)) == 10  # the control: Ana is answered
    # Chloé, not a facilitator, sends the same search: nothing is offered
    answer = suggestion_from(local, CHLOE, form, ids.FIX_MERGE_SEARCH, "fix 01")
    assert answer.status == 200 and blockkit.suggested_options(answer.json) == []
    # metadata naming no fix of this workspace, or nothing at all, offers nothing
    forgeries = (json.dumps({"fix_id": 10**9}), "not json", json.dumps({"fix_id": "x"}))
    for forged in forgeries:
        answer = suggestion_from(
            local, ANA, {**form, "private_metadata": forged}, ids.FIX_MERGE_SEARCH, "fix"
        )
        assert answer.status == 200 and blockkit.suggested_options(answer.json) == []
    # a number past any id, or metadata that is not text, is refused before the listener
    # (bot/slack/middleware.py)
    for forged in (json.dumps({"fix_id": 10**12}), 123):
        answer = suggestion_from(
            local, ANA, {**form, "private_metadata": forged}, ids.FIX_MERGE_SEARCH, "fix"
        )
        assert answer.status == 400


def test_every_fix_can_become_an_action_item_through_the_search(local, many_fixes):
    _, board_ts, ids_by_n = many_fixes
    close_voting(local, ANA, board_ts)
    local.wait_until_idle()
    local.sim.slash_command(ANA, CHANNEL_ID, "actions")
    newest(local, ANA, "Action items")
    local.sim.click(ANA, ids.ACTION_ITEMS_CREATE, channel=CHANNEL_ID)
    pick = top_form(local, ANA, ids.ACTION_ITEMS_PICK_MODAL)
    assert len(pick["blocks"][1]["element"]["initial_options"]) == 3
    # "fix 0" … "fix 4" each match 100 fixes: five searches offer all 500
    offered = {}
    for hundred in range(5):
        answer = local.sim.suggest(ANA, ids.ACTION_ITEMS_FIX_SEARCH, f"fix {hundred}")
        assert answer.problems == []
        options = blockkit.suggested_options(answer.json)
        assert len(options) == 100
        offered |= {int(o["value"]): o for o in options}
    assert set(offered) == set(ids_by_n.values())
    # Chloé, not a facilitator, gets nothing from the same search
    answer = suggestion_from(
        local, CHLOE, pick, ids.ACTION_ITEMS_FIX_SEARCH, "fix", ids.ACTION_ITEMS_FIXES
    )
    assert answer.status == 200 and blockkit.suggested_options(answer.json) == []
    chosen = [offered[ids_by_n[n]] for n in (499, 250, 7)]
    answer = local.sim.submit_view(ANA, {ids.ACTION_ITEMS_FIXES: chosen})
    assert answer.problems == []
    details = top_form(local, ANA, ids.ACTION_ITEMS_MODAL)
    chosen_ids = json.loads(details["private_metadata"])["fix_ids"]
    assert sorted(chosen_ids) == sorted(ids_by_n[n] for n in (499, 250, 7))


def test_500_ranked_fixes_are_all_posted_within_the_budget_and_paged_on_demand(local, many_fixes):
    _, board_ts, _ = many_fixes
    close_voting(local, ANA, board_ts)
    local.wait_until_idle()
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    posts = [m for m in thread if "Ranked fixes" in json.dumps(m.get("blocks", []))]
    posts = [m for m in thread if "Voting has closed" in m["text"]] + posts
    assert 2 < len(posts) <= 12  # several fixes a block, as many a message as fit
    assert all(fits_message(m["blocks"]) for m in posts)
    seen = re.findall(r"Fix (\d{3}):", "".join(json.dumps(m["blocks"]) for m in posts))
    assert sorted(map(int, seen)) == list(range(FIXES))
    refused = [c for c in local.standin.calls if c.response.get("error") == "msg_blocks_too_long"]
    assert refused == []

    local.sim.slash_command(BEN, CHANNEL_ID, "ranking")
    pages = [newest(local, BEN, "Voting has closed")]
    while ids.RANKING_NEXT in json.dumps(pages[-1]["blocks"]):
        local.sim.click(BEN, ids.RANKING_NEXT, channel=CHANNEL_ID, ts=pages[-1]["ts"])
        number = len(pages) + 1
        pages.append(newest(local, BEN, f"Ranked fixes, continued (page {number} of"))
    assert len(pages) == len(posts)
    assert all(fits_message(p["blocks"]) for p in pages)
    seen = re.findall(r"Fix (\d{3}):", "".join(json.dumps(p["blocks"]) for p in pages))
    assert sorted(map(int, seen)) == list(range(FIXES))


def test_the_action_list_pages_through_every_item(local, many_fixes):
    workshop_id, board_ts, ids_by_n = many_fixes
    close_voting(local, ANA, board_ts)
    local.wait_until_idle()
    due = date.today() + timedelta(days=14)
    with local.db.session() as session:
        for start in range(0, 120, 20):
            drafts = [ActionItemDraft(ids_by_n[n], BEN, due) for n in range(start, start + 20)]
            save_action_items(session, local.team_id, workshop_id, ANA, drafts)
    local.sim.slash_command(ANA, CHANNEL_ID, "actions")
    pages = [newest(local, ANA, "Action items")]
    while ids.ACTION_LIST_NEXT in json.dumps(pages[-1]["blocks"]):
        local.sim.click(ANA, ids.ACTION_LIST_NEXT, channel=CHANNEL_ID, ts=pages[-1]["ts"])
        number = len(pages) + 1
        pages.append(
            local.standin.wait_for(
                lambda number=number: (
                    (e := newest(local, ANA, "Action items"))
                    and f"Page {number} of" in json.dumps(e["blocks"])
                    and e
                )
            )
        )
    assert len(pages) > 1 and {p["ts"] for p in pages} == {pages[0]["ts"]}  # replaced in place
    assert all(fits_message(p["blocks"]) for p in pages)
    seen = re.findall(r"Fix (\d{3}):", "".join(json.dumps(p["blocks"]) for p in pages))
    assert sorted(map(int, seen)) == list(range(120))
