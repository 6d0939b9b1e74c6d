"""Stakeholder mapping end to end: signed clicks and modal submissions into the real Bolt app,
reading back what the bot sent to the Slack stand-in."""

import json

from sqlmodel import select

from bot.slack import ids
from bot.stakeholders.chart import PIXEL_SIZE
from demo.local import CHANNEL_ID, PEOPLE
from flows.stakeholders import StakeholderSpec, add_stakeholder
from flows.workshops import PhaseAction, change_phase
from storage.models import (
    Attitude,
    Phase,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
    StakeholderTouchpoint,
    Touchpoint,
)
from tests.factories import add_cfo
from tests.helpers import board_field as board_figure
from tests.helpers import png_size

ANA, BEN, CHLOE, DEV = (p.user_id for p in PEOPLE[:4])


def open_form(local, user, action_id, board_ts, callback_id):
    local.sim.click(user, action_id, channel=CHANNEL_ID, ts=board_ts)
    view = local.standin.wait_for(lambda: local.standin.top_view(user))
    assert view["callback_id"] == callback_id
    return view


def submit_stakeholder(local, user, name, category="customer", attitude="neutral", **more):
    values = {
        ids.STAKEHOLDER_NAME: name,
        ids.STAKEHOLDER_CATEGORY: category,
        ids.STAKEHOLDER_ATTITUDE: attitude,
        **more,
    }
    return local.sim.submit_view(user, values)


def stakeholders(local):
    with local.db.session() as session:
        return {s.name: s for s in session.exec(select(Stakeholder))}


def ratings(local):
    with local.db.session() as session:
        rows = session.exec(select(StakeholderRating)).all()
    return sorted((r.rater_id, r.stakeholder_id, r.influence, r.interest) for r in rows)


def test_add_refuse_duplicate_rate_close_and_the_grid_lands_in_the_thread(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        pricing = session.exec(select(Touchpoint).where(Touchpoint.name == "Pricing page")).one()

    # Chloé adds the CFO from the board.
    open_form(local, CHLOE, ids.ADD_STAKEHOLDER, board_ts, ids.STAKEHOLDER_MODAL)
    response = submit_stakeholder(
        local,
        CHLOE,
        "CFO",
        "executive",
        "blocker",
        **{
            ids.STAKEHOLDER_NOTE: "Signs off pricing",
            ids.STAKEHOLDER_TOUCHPOINTS: [str(pricing.id)],
        },
    )
    assert response.status == 200 and response.json is None and not response.problems
    assert local.standin.top_view(CHLOE) is None
    local.standin.wait_for(lambda: board_figure(local, board_ts, "Stakeholders") == "1")
    told = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]
    assert "Added *CFO* to the stakeholders" in told["text"]

    # Ben tries " cfo ": refused inline, the form stays open, nothing saved.
    open_form(local, BEN, ids.ADD_STAKEHOLDER, board_ts, ids.STAKEHOLDER_MODAL)
    response = submit_stakeholder(local, BEN, " cfo ", "executive")
    assert response.json == {
        "response_action": "errors",
        "errors": {
            ids.STAKEHOLDER_NAME: "“CFO” is already on this workshop's list of stakeholders."
        },
    }
    assert not response.problems
    assert local.standin.top_view(BEN)["callback_id"] == ids.STAKEHOLDER_MODAL
    assert list(stakeholders(local)) == ["CFO"]
    # He fixes the name in the same form.
    response = submit_stakeholder(local, BEN, "Support agents", "employee", "supporter")
    assert response.json is None
    found = stakeholders(local)
    cfo, agents = found["CFO"], found["Support agents"]
    assert (cfo.category, cfo.attitude, cfo.note, cfo.author_id) == (
        "executive",
        "blocker",
        "Signs off pricing",
        CHLOE,
    )
    with local.db.session() as session:
        links = session.exec(select(StakeholderTouchpoint.touchpoint_id)).all()
    assert links == [pricing.id]
    local.standin.wait_for(lambda: board_figure(local, board_ts, "Stakeholders") == "2")

    # Chloé and Dev rate both.
    for user, answers in ((CHLOE, ("5", "2", "2", "5")), (DEV, ("4", "2", "3", "4"))):
        open_form(local, user, ids.RATE_STAKEHOLDERS, board_ts, ids.RATING_MODAL)
        response = local.sim.submit_view(
            user,
            {
                f"influence:{cfo.id}": answers[0],
                f"interest:{cfo.id}": answers[1],
                f"influence:{agents.id}": answers[2],
                f"interest:{agents.id}": answers[3],
            },
        )
        assert response.json is None and not response.problems
    local.standin.wait_for(
        lambda: board_figure(local, board_ts, "Rated by") == "2 of 4 participants"
    )

    # Chloé sees her answers again and changes one: it replaces, never adds.
    view = open_form(local, CHLOE, ids.RATE_STAKEHOLDERS, board_ts, ids.RATING_MODAL)
    initial = {
        b["block_id"]: b["element"].get("initial_option", {}).get("value")
        for b in view["blocks"]
        if b["type"] == "input"
    }
    assert initial == {
        f"influence:{cfo.id}": "5",
        f"interest:{cfo.id}": "2",
        f"influence:{agents.id}": "2",
        f"interest:{agents.id}": "5",
    }
    local.sim.submit_view(CHLOE, {f"influence:{cfo.id}": "4"})
    assert ratings(local) == sorted(
        [
            (CHLOE, cfo.id, 4, 2),
            (CHLOE, agents.id, 2, 5),
            (DEV, cfo.id, 4, 2),
            (DEV, agents.id, 3, 4),
        ]
    )

    # Ana moves on: the grid is uploaded in the board's thread, with its text version.
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    (chart,) = local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID))
    assert chart["shares"]["public"][CHANNEL_ID][0]["thread_ts"] == board_ts
    assert chart["name"] == f"stakeholder-grid-workshop-{workshop_id}.png"
    assert png_size(local.standin.file_bytes(chart["id"])) == PIXEL_SIZE
    assert chart["alt_txt"].endswith(
        "0 manage closely, 1 keep satisfied, 1 keep informed, 0 monitor."
    )
    text = local.standin.wait_for(
        lambda: next(
            (
                m
                for m in local.standin.thread(CHANNEL_ID, board_ts)
                if "blocks" in m and "Stakeholder map" in m["text"]
            ),
            None,
        )
    )
    body = json.dumps(text["blocks"], ensure_ascii=False)
    # CFO: influence 4, 4 → 4.0 ± 0; interest 2, 2 → Keep satisfied.
    # Support agents: influence 2, 3 → 2.5 ± 0.5; interest 5, 4 → 4.5 ± 0.5 → Keep informed.
    assert "*Keep satisfied* (high influence, low interest) · 1" in body
    assert (
        "• *CFO* · Executive · :red_circle: Blocker · influence 4.0 ±0.0, interest 2.0 ±0.0" in body
    )
    assert "*Keep informed* (low influence, high interest) · 1" in body
    assert (
        "• *Support agents* · Employee · :large_green_circle: Supporter · influence 2.5 ±0.5"
        in body
    )
    assert text["text"] == (
        "Stakeholder map for “Onboarding journey”: 0 to manage closely, 1 to keep satisfied, "
        "1 to keep informed, 0 to monitor."
    )
    upload_ts = chart["shares"]["public"][CHANNEL_ID][0]["ts"]
    assert float(upload_ts) < float(text["ts"])  # the picture first, then the list


def test_a_half_done_rating_is_refused_inline_and_nothing_is_saved(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        cfo = add_cfo(session, local.team_id, workshop_id, ANA)
    open_form(local, BEN, ids.RATE_STAKEHOLDERS, board_ts, ids.RATING_MODAL)
    response = local.sim.submit_view(BEN, {f"influence:{cfo.id}": "3"})
    assert response.json == {
        "response_action": "errors",
        "errors": {f"interest:{cfo.id}": "Rate their interest too."},
    }
    assert not response.problems and ratings(local) == []


def test_many_stakeholders_are_rated_page_by_page(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        added = [
            add_stakeholder(
                session,
                local.team_id,
                workshop_id,
                ANA,
                StakeholderSpec(f"Partner {n:02d}", StakeholderCategory.partner, Attitude.neutral),
            ).id
            for n in range(17)
        ]
    first = open_form(local, DEV, ids.RATE_STAKEHOLDERS, board_ts, ids.RATING_MODAL)
    assert len(first["blocks"]) == 2 + 3 * 15
    assert first["submit"]["text"] == "Save & next page"
    response = local.sim.submit_view(
        DEV, {f"influence:{added[0]}": "5", f"interest:{added[0]}": "5"}
    )
    assert response.json["response_action"] == "update" and not response.problems
    second = local.standin.top_view(DEV)
    assert second["id"] == first["id"]  # the same modal, now showing page 2
    assert "Page 2 of 2 · 17 stakeholders" in json.dumps(second["blocks"], ensure_ascii=False)
    assert second["submit"]["text"] == "Save ratings"
    rated_on_page_2 = [b["block_id"] for b in second["blocks"] if b["type"] == "input"]
    assert rated_on_page_2 == [
        f"{axis}:{stakeholder_id}"
        for stakeholder_id in added[15:]
        for axis in ("influence", "interest")
    ]
    response = local.sim.submit_view(
        DEV, {f"influence:{added[16]}": "1", f"interest:{added[16]}": "2"}
    )
    assert response.json is None
    assert local.standin.top_view(DEV) is None
    assert ratings(local) == [(DEV, added[0], 5, 5), (DEV, added[16], 1, 2)]
    told = local.standin.wait_for(lambda: local.standin.ephemerals(user=DEV))[-1]
    assert "your ratings are saved" in told["text"]


def test_ratings_sent_after_the_phase_moved_on_are_not_saved(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        cfo = add_cfo(session, local.team_id, workshop_id, ANA)
    open_form(local, BEN, ids.RATE_STAKEHOLDERS, board_ts, ids.RATING_MODAL)
    with local.db.session() as session:
        change_phase(session, local.team_id, workshop_id, ANA, PhaseAction.advance)
    response = local.sim.submit_view(BEN, {f"influence:{cfo.id}": "3", f"interest:{cfo.id}": "3"})
    assert response.json["response_action"] == "update" and not response.problems
    notice = json.dumps(local.standin.top_view(BEN)["blocks"])
    assert "Nothing was saved" in notice and "only in the stakeholders phase" in notice
    assert ratings(local) == []


def test_the_add_button_outside_the_phase_explains_privately(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        change_phase(session, local.team_id, workshop_id, ANA, PhaseAction.advance)
    local.sim.click(BEN, ids.ADD_STAKEHOLDER, channel=CHANNEL_ID, ts=board_ts)
    told = local.standin.wait_for(lambda: local.standin.ephemerals(user=BEN))[-1]
    assert "only in the stakeholders phase" in told["text"]
    assert local.standin.top_view(BEN) is None


def test_closing_the_phase_without_stakeholders_says_so_and_posts_no_chart(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    message = local.standin.wait_for(
        lambda: next(
            (
                m
                for m in local.standin.thread(CHANNEL_ID, board_ts)
                if "no stakeholder grid" in json.dumps(m.get("blocks", []))
            ),
            None,
        )
    )
    assert "No stakeholders were added to workshop" in message["blocks"][0]["text"]["text"]
    assert local.standin.files() == []
    assert local.standin.calls_to("files.getUploadURLExternal") == []


def test_the_list_is_only_ever_refreshed_through_a_slack_response_url():
    from bot.stakeholders.views import is_response_url

    api = "https://slack.com/api/"
    assert is_response_url("https://hooks.slack.com/actions/T1/2/abc", api)
    assert not is_response_url("http://hooks.slack.com/actions/T1/2/abc", api)
    assert not is_response_url("https://hooks.slack.com.evil.example/x", api)
    assert not is_response_url("https://169.254.169.254/latest/meta-data", api)
    local = "http://127.0.0.1:8089/api/"
    assert is_response_url("http://127.0.0.1:8089/response/T0LOCAL/abc", local)
    assert not is_response_url("http://127.0.0.1:9999/response/x", local)
