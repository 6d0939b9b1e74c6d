"""`/workshop digest`, `digest list`, `digest now` end to end, through the real Bolt app."""

import json
from datetime import UTC, datetime

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE
from flows.schedules import DigestRule, ScheduleSpec, create_schedule
from standin import blockkit
from storage.models import Cadence, DigestDelivery, DigestSchedule, Phase, ScheduleStatus
from tests.factories import make_workshop

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
OMAR = OUTSIDER.user_id
SLOW = 20  # building a digest draws its charts: an upper bound for a busy machine
DAILY = ScheduleSpec(DigestRule(Cadence.daily, "UTC", 9, 0), channel_id=CHANNEL_ID)


def schedules(local):
    with local.db.session() as session:
        return session.exec(select(DigestSchedule).order_by(DigestSchedule.id)).all()


def open_form(local, user=ANA):
    local.sim.slash_command(user, CHANNEL_ID, "digest")
    return local.standin.wait_for(lambda: local.standin.top_view(user))


def listings(local, user):
    return [e for e in local.standin.ephemerals(user=user) if "Digests of" in str(e.get("blocks"))]


def block(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def choose_cadence(local, cadence, user=ANA):
    """Pick a frequency in the open form: the bot redraws it with that frequency's fields."""
    local.sim.click(user, ids.INPUT, block_id=ids.DIGEST_CADENCE, selected=cadence)
    return local.standin.wait_for(
        lambda: (
            (view := local.standin.top_view(user))
            and block(view, ids.DIGEST_CADENCE)["element"]["initial_option"]["value"] == cadence
            and view
        )
    )


def block_ids(view):
    return [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]


def create(local, values=None, cadence=None):
    open_form(local)
    if cadence:
        choose_cadence(local, cadence)
    response = local.sim.submit_view(ANA, {ids.DIGEST_RECIPIENTS: [OMAR], **(values or {})})
    assert (response.json or {}).get("response_action") is None, response.json
    return local.standin.wait_for(lambda: schedules(local))[-1]


def test_the_form_starts_in_the_creators_time_zone_and_channel(local):
    local.start_workshop(ANA)
    view = open_form(local)
    assert view["callback_id"] == ids.DIGEST_MODAL
    zone = block(view, ids.DIGEST_TIMEZONE)["element"]
    assert zone["initial_option"]["value"] == "Europe/Lisbon"  # Ana's zone in Slack
    assert all(len(group["options"]) <= 100 for group in zone["option_groups"])
    assert block(view, ids.DIGEST_CHANNEL)["element"]["initial_conversation"] == CHANNEL_ID
    assert block(view, ids.DIGEST_TIME)["element"]["initial_time"] == "09:00"
    # Quiet by default: weekly, Monday 09:00; only the weekly fields are shown.
    assert block(view, ids.DIGEST_CADENCE)["element"]["initial_option"]["value"] == "weekly"
    assert block(view, ids.DIGEST_WEEKDAY)["element"]["initial_option"]["value"] == "0"
    assert block_ids(view) == [
        ids.DIGEST_CADENCE,
        ids.DIGEST_WEEKDAY,
        ids.DIGEST_TIME,
        ids.DIGEST_TIMEZONE,
        ids.DIGEST_CHANNEL,
        ids.DIGEST_RECIPIENTS,
    ]


def test_the_form_shows_only_the_fields_of_the_chosen_frequency(local):
    local.start_workshop(ANA)
    open_form(local)
    view = choose_cadence(local, "cron")
    assert ids.DIGEST_CRON in block_ids(view) and ids.DIGEST_TIME not in block_ids(view)
    assert ids.DIGEST_WEEKDAY not in block_ids(view)
    assert block(view, ids.DIGEST_TIMEZONE)["element"]["initial_option"]["value"] == (
        "Europe/Lisbon"
    )
    view = choose_cadence(local, "monthly")
    assert block_ids(view)[:3] == [ids.DIGEST_CADENCE, ids.DIGEST_DAY_OF_MONTH, ids.DIGEST_TIME]
    view = choose_cadence(local, "daily")
    assert block_ids(view)[:2] == [ids.DIGEST_CADENCE, ids.DIGEST_TIME]
    assert len(view["blocks"]) <= 8  # short on a phone


def test_only_facilitators_open_the_form(local):
    local.start_workshop(ANA)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "digest")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))
    assert "Only the facilitator can set up digests" in reply[-1]["text"]
    assert local.standin.top_view(CHLOE) is None


def test_saving_a_schedule_confirms_it_in_the_users_own_terms(local):
    workshop_id, _ = local.start_workshop(ANA)
    schedule = create(local)  # the defaults: weekly, Monday 09:00, in Ana's time zone
    assert (schedule.workshop_id, schedule.created_by, schedule.cadence, schedule.weekday) == (
        workshop_id,
        ANA,
        "weekly",
        0,
    )
    assert (schedule.timezone, schedule.hour, schedule.minute) == ("Europe/Lisbon", 9, 0)
    assert (schedule.channel_id, schedule.dm_user_ids) == (CHANNEL_ID, [OMAR])
    confirmation = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if "scheduled" in e["text"]]
    )[0]["text"]
    assert "Every Monday at 09:00 (Europe/Lisbon)" in confirmation
    assert f"<#{CHANNEL_ID}> and DMs to <@{OMAR}>" in confirmation
    assert "<!date^" in confirmation  # the first one, in each reader's own time zone


def test_bad_fields_come_back_inline_and_nothing_is_saved(local):
    local.start_workshop(ANA)
    open_form(local)
    choose_cadence(local, "cron")
    response = local.sim.submit_view(
        ANA, {ids.DIGEST_CRON: "every monday", ids.DIGEST_CHANNEL: None}
    )
    assert response.json["response_action"] == "errors"
    errors = response.json["errors"]
    assert set(errors) == {ids.DIGEST_CRON, ids.DIGEST_CHANNEL}
    assert "not a valid cron expression" in errors[ids.DIGEST_CRON]
    assert "Choose a channel, or people" in errors[ids.DIGEST_CHANNEL]
    # The form keeps what was typed; now only the destination is missing.
    choose_cadence(local, "monthly")
    response = local.sim.submit_view(ANA, {ids.DIGEST_DAY_OF_MONTH: "15"})
    assert set(response.json["errors"]) == {ids.DIGEST_CHANNEL}
    assert schedules(local) == []


def test_a_channel_without_the_bot_is_refused_inline(local):
    local.standin.add_channel("C0SECRET", "leadership", [ANA], bot_is_member=False, is_private=True)
    local.start_workshop(ANA)
    open_form(local)
    response = local.sim.submit_view(ANA, {ids.DIGEST_CHANNEL: "C0SECRET"})
    assert "invite me" in response.json["errors"][ids.DIGEST_CHANNEL]
    assert schedules(local) == []


def test_forged_metadata_naming_another_workspaces_workshop_changes_nothing(local):
    local.start_workshop(ANA)
    with local.db.session() as session:
        foreign = make_workshop(session, team="T0OTHER", facilitator=ANA)
    view = open_form(local)
    # A tampering client edits private_metadata; Slack would still sign what it delivers.
    view["private_metadata"] = json.dumps({"workshop_id": foreign.id, "channel_id": CHANNEL_ID})
    view["state"] = {"values": blockkit.state_values(view["blocks"], view["state"]["values"])}
    payload = {**local.sim._interaction_base("view_submission", ANA), "view": view}
    response = local.sim._post_interaction(payload)
    assert response.json["errors"] == {
        ids.DIGEST_CADENCE: f"There is no workshop #{foreign.id} in this workspace."
    }
    assert schedules(local) == []


def test_list_pause_resume_and_delete(local):
    local.start_workshop(ANA)
    schedule = create(local)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest list")
    listing = local.standin.wait_for(lambda: listings(local, ANA))[-1]
    assert "Every Monday at 09:00 (Europe/Lisbon)" in str(listing["blocks"])

    def press(action_id, expected_status):
        local.sim.click(ANA, action_id, channel=CHANNEL_ID, value=str(schedule.id))
        local.standin.wait_for(
            lambda: (
                [s.status for s in schedules(local)] == [expected_status]
                if expected_status
                else schedules(local) == []
            )
        )

    press(ids.SCHEDULE_PAUSE, ScheduleStatus.paused)
    redrawn = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if e["text"].startswith("Paused")]
    )[-1]
    assert ":double_vertical_bar: Paused" in str(redrawn["blocks"])  # the list, redrawn
    press(ids.SCHEDULE_RESUME, ScheduleStatus.active)
    press(ids.SCHEDULE_DELETE, None)


def test_someone_else_cannot_change_a_schedule(local):
    local.start_workshop(ANA)
    schedule = create(local)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "digest list")
    local.standin.wait_for(lambda: listings(local, CHLOE))
    local.sim.click(CHLOE, ids.SCHEDULE_DELETE, channel=CHANNEL_ID, value=str(schedule.id))
    refusal = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=CHLOE) if "Only the person" in e["text"]]
    )
    assert refusal
    assert [s.status for s in schedules(local)] == [ScheduleStatus.active]


def test_a_forged_schedule_id_from_another_workspace_is_refused(local):
    local.start_workshop(ANA)
    mine = create(local)
    with local.db.session() as session:
        foreign_workshop = make_workshop(session, team="T0OTHER", facilitator=ANA)
        foreign = create_schedule(session, foreign_workshop, ANA, DAILY)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest list")
    local.standin.wait_for(lambda: listings(local, ANA))
    for action_id in (ids.SCHEDULE_DELETE, ids.SCHEDULE_SEND_NOW):
        before = len(local.standin.ephemerals(user=ANA))
        local.sim.click(
            ANA, action_id, channel=CHANNEL_ID, value=str(mine.id), forge_value=str(foreign.id)
        )
        local.standin.wait_for(
            lambda before=before: len(local.standin.ephemerals(user=ANA)) > before
        )
        assert "no longer exists" in local.standin.ephemerals(user=ANA)[-1]["text"]
    assert {s.id for s in schedules(local)} == {mine.id, foreign.id}
    assert local.standin.dms(OMAR) == []


def test_digest_now_posts_in_the_channel_with_a_link_to_the_board_and_a_chart(local):
    joiners = [person.user_id for person in PEOPLE[1:3]]
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.rating, joiners=joiners)
    local.standin.wait_for(lambda: len(local.standin.calls_to("chat.update")) >= 4)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest now")
    digest = local.standin.wait_for(
        lambda: [m for m in local.standin.messages(CHANNEL_ID) if m["text"].startswith("Digest")],
        timeout=SLOW,
    )[0]
    text = str(digest["blocks"])
    assert "Digest: Onboarding journey" in text
    assert "everything since it started" in text
    assert "So far: the workshop is in the Gap rating phase and 3 people take part." in text

    def replies_in_thread():
        return [m for m in local.standin.thread(CHANNEL_ID, digest["ts"]) if m.get("blocks")]

    replies = local.standin.wait_for(lambda: len(replies_in_thread()) >= 2, timeout=SLOW)
    replies = replies_in_thread()
    assert [r["text"].split(" · ")[0] for r in replies] == ["Phase and progress", "Participation"]
    thread = str([r["blocks"] for r in replies])
    assert "Gap rating (step 3 of 6)" in thread
    # Quiet: people are named, never mentioned.
    assert (
        "Ben Okafor joined" in thread
        and "Chloé Martin joined" in thread
        and "<@" not in thread + text
    )
    link = digest["blocks"][-2]["elements"][0]
    assert link["url"] == local.standin.calls_to("chat.getPermalink")[-1].response["permalink"]
    chart = local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID), timeout=SLOW)[-1]
    assert chart["name"] == "phase_timeline.png"
    assert local.standin.file_bytes(chart["id"]).startswith(b"\x89PNG")
    assert local.standin.thread(CHANNEL_ID, digest["ts"])  # the chart is in the digest's thread

    def sent_deliveries():
        with local.db.session() as session:
            query = select(DigestDelivery).where(DigestDelivery.status == "sent")
            return session.exec(query).all()

    (delivery,) = local.standin.wait_for(sent_deliveries, timeout=SLOW)
    assert (delivery.workshop_id, delivery.requested_by) == (workshop_id, ANA)


def test_send_now_reaches_the_channel_and_the_managers_dms_once(local, monkeypatch):
    # Both clicks land in the same minute, whatever the wall clock does meanwhile.
    click_time = datetime(2026, 11, 23, 9, 41, 7, tzinfo=UTC)
    monkeypatch.setattr("bot.digests.actions.utcnow", lambda: click_time)
    local.start_workshop(ANA)
    schedule = create(local)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest list")
    local.standin.wait_for(lambda: listings(local, ANA))
    local.sim.click(ANA, ids.SCHEDULE_SEND_NOW, channel=CHANNEL_ID, value=str(schedule.id))
    local.standin.wait_for(lambda: local.standin.dms(OMAR), timeout=SLOW)
    local.standin.wait_for(
        lambda: "Sent to 2 destinations" in local.standin.ephemerals(user=ANA)[-1]["text"]
    )
    # A second click in the same minute sends nothing more.
    local.sim.slash_command(ANA, CHANNEL_ID, "digest list")
    local.standin.wait_for(lambda: len(listings(local, ANA)) >= 2)
    local.sim.click(ANA, ids.SCHEDULE_SEND_NOW, channel=CHANNEL_ID, value=str(schedule.id))
    local.standin.wait_for(
        lambda: "already sent this minute" in local.standin.ephemerals(user=ANA)[-1]["text"]
    )
    digests_in_channel = [
        m for m in local.standin.messages(CHANNEL_ID) if m["text"].startswith("Digest")
    ]
    assert len(digests_in_channel) == 1
    assert len([m for m in local.standin.dms(OMAR) if m["text"].startswith("Digest")]) == 1
    with local.db.session() as session:
        (delivery,) = session.exec(select(DigestDelivery)).all()
    assert delivery.fire_time.replace(tzinfo=UTC) == datetime(2026, 11, 23, 9, 41, tzinfo=UTC)
