"""`/workshop stakeholder …`, `/workshop stakeholders` and `/workshop grid` end to end."""

import json

import pytest

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.stakeholders import save_ratings
from storage.models import Phase
from tests.factories import add_cfo
from tests.helpers import reply_to

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id


def test_stakeholder_add_opens_the_form(local):
    local.start_workshop(ANA, phase=Phase.stakeholders)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "stakeholder add")
    view = local.standin.wait_for(lambda: local.standin.top_view(CHLOE))
    assert view["callback_id"] == ids.STAKEHOLDER_MODAL
    assert view["title"]["text"] == "Add a stakeholder"


def test_stakeholder_rate_with_nothing_to_rate_says_how_to_add(local):
    local.start_workshop(ANA, phase=Phase.stakeholders)
    assert "no stakeholders to rate yet" in reply_to(local, CHLOE, "stakeholder rate")["text"]
    assert local.standin.top_view(CHLOE) is None


def test_stakeholder_add_before_the_phase_explains(local):
    local.start_workshop(ANA, phase=Phase.setup)
    reply = reply_to(local, CHLOE, "stakeholder add")
    assert "only in the stakeholders phase" in reply["text"]
    assert "in the setup phase" in reply["text"]
    assert local.standin.top_view(CHLOE) is None


def test_stakeholder_without_what_to_do_lists_the_choices(local):
    local.start_workshop(ANA, phase=Phase.stakeholders)
    reply = reply_to(local, CHLOE, "stakeholder frobnicate")
    assert "`/workshop stakeholder add`" in reply["text"]


def test_grid_on_demand_goes_in_the_thread_and_the_user_is_told_where(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        cfo = add_cfo(session, local.team_id, workshop_id, ANA)
        save_ratings(session, local.team_id, workshop_id, BEN, {cfo.id: (5, 5)})
    reply = reply_to(local, CHLOE, f"grid #{workshop_id}")
    assert (
        f"I posted the stakeholder grid in the thread of workshop #{workshop_id}'s board"
        in (reply["text"])
    )
    (chart,) = local.standin.files(CHANNEL_ID)
    assert chart["shares"]["public"][CHANNEL_ID][0]["thread_ts"] == board_ts
    text = [m for m in local.standin.thread(CHANNEL_ID, board_ts) if m["text"].startswith("Stake")]
    assert "*Manage closely* (high influence, high interest) · 1" in json.dumps(
        text[-1]["blocks"], ensure_ascii=False
    )
    assert f"?thread_ts={board_ts}" in reply["text"]  # the permalink points into the thread
    # `/workshop stakeholders` does the same.
    reply_to(local, CHLOE, "stakeholders")
    assert len(local.standin.files(CHANNEL_ID)) == 2


@pytest.mark.parametrize(
    "fault", [{"omit": ("permalink",)}, {"error": "message_not_found"}], ids=["no field", "error"]
)
def test_grid_without_a_permalink_says_where_in_words(local, fault):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    local.standin.inject_fault("chat.getPermalink", **fault)
    reply = reply_to(local, CHLOE, "grid")
    assert reply["text"] == (
        f"I posted that there are no stakeholders yet in the thread of workshop #{workshop_id}'s "
        "board."
    )


def test_grid_without_stakeholders_posts_no_chart(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    reply = reply_to(local, CHLOE, "grid")
    assert "that there are no stakeholders yet" in reply["text"]
    (message,) = [m for m in local.standin.thread(CHANNEL_ID, board_ts) if "blocks" in m]
    assert message["text"] == f"Workshop #{workshop_id} has no stakeholders, so there is no grid."
    assert local.standin.files() == []


def test_a_failed_chart_upload_still_posts_the_list_and_says_so(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        cfo = add_cfo(session, local.team_id, workshop_id, ANA)
        save_ratings(session, local.team_id, workshop_id, BEN, {cfo.id: (2, 2)})
    local.standin.inject_fault("files.getUploadURLExternal", status=200, error="missing_scope")
    reply_to(local, CHLOE, "grid")
    (message,) = [m for m in local.standin.thread(CHANNEL_ID, board_ts) if "blocks" in m]
    body = json.dumps(message["blocks"], ensure_ascii=False)
    assert "*Monitor* (low influence, low interest) · 1" in body
    assert "I couldn't upload the chart (missing_scope)" in body
    assert local.standin.files() == []


def test_help_lists_the_stakeholder_commands(local):
    reply = reply_to(local, BEN, "help")
    text = json.dumps(reply["blocks"])
    assert "/workshop stakeholder add | rate | list [#N]" in text
    assert "/workshop grid [#N]" in text and "/workshop stakeholders [#N]" in text
