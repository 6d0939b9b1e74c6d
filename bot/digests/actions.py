"""Schedule buttons (Send now, Pause, Resume, Delete) in `/workshop digest list` and on Home.

Only the schedule's creator or the workshop's facilitators may use them (checked here, on the
server); a schedule id from another workspace is simply not found, and nothing changes.
"""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.digests.blocks.schedules import build_schedule_list
from bot.digests.posts import Outcome, send_schedule_digest
from bot.home.publish import publish_home, refresh_homes
from bot.scheduler import schedules_changed
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.blocks import context as context_block
from bot.slack.mrkdwn import escape
from bot.slack.requests import ActionRequest
from bot.slack.values import parse_id
from flows.errors import NotAllowed
from flows.schedules import (
    ScheduleAction,
    can_manage,
    change_schedule,
    get_schedule,
    workshop_schedules,
)
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import DigestSchedule, pk, utcnow

ACTION_BY_ID = {
    ids.SCHEDULE_PAUSE: ScheduleAction.pause,
    ids.SCHEDULE_RESUME: ScheduleAction.resume,
    ids.SCHEDULE_DELETE: ScheduleAction.delete,
}
DONE = {
    ScheduleAction.pause: "Paused: no digests go out until it is resumed.",
    ScheduleAction.resume: "Resumed: the next digest goes out at its next scheduled time.",
    ScheduleAction.delete: "Deleted.",
}
NOT_YOURS = "Only the person who set up this digest, or the workshop's facilitators, can {}."


@answers_refusals()
def handle_schedule_button(request: ActionRequest) -> None:
    """Pause, Resume and Delete ack once saved (bot/slack/acks.py); Send now posts the digest, which
    takes longer, so it acks first."""
    team_id, user_id, client, db = request.team_id, request.user_id, request.client, request.db
    sending = request.action_id == ids.SCHEDULE_SEND_NOW
    if sending:
        request.ack()
    schedule_id = parse_id(request.action.get("value"))

    def save() -> DigestSchedule:
        with db.session() as session:
            return change_schedule(
                session, team_id, schedule_id, user_id, ACTION_BY_ID[request.action_id]
            )

    if sending:
        workshop_id, message = send_now(client, db, team_id, schedule_id, user_id)
    else:
        schedule = request.save_then_ack(save)
        workshop_id, message = schedule.workshop_id, DONE[ACTION_BY_ID[request.action_id]]
    if not sending:
        schedules_changed(request.context)
        others = [schedule.created_by] if schedule.created_by != user_id else []
        refresh_homes(client, db, team_id, others)
    if request.view.get("type") == "home":
        publish_home(client, db, team_id, user_id)
        return
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        schedules = workshop_schedules(session, workshop)
    request.respond(
        text=escape(message),
        blocks=[
            context_block(message),
            *build_schedule_list(pk(workshop), workshop.title, schedules)[:49],
        ],
        response_type="ephemeral",
        replace_original=True,
    )


def send_now(
    client: WebClient, db: Database, team_id: str, schedule_id: int, user_id: str
) -> tuple[int, str]:
    with db.session() as session:
        schedule = get_schedule(session, team_id, schedule_id)
        if not can_manage(session, schedule, user_id):
            raise NotAllowed(NOT_YOURS.format("send it"))
        workshop_id = schedule.workshop_id
    # Claimed per minute: a double click, or a click at the scheduled minute, sends it once.
    minute = utcnow().replace(second=0, microsecond=0)
    report = send_schedule_digest(client, db, team_id, schedule_id, minute, requested_by=user_id)
    if report.outcome is Outcome.duplicate:
        return workshop_id, "This digest was already sent this minute."
    failed = ", ".join(f"{where} ({error})" for where, error in report.errors.items())
    sent = f"Sent to {len(report.posted)} destination{'s' * (len(report.posted) != 1)}."
    return workshop_id, sent + (f" Could not post to {failed}." if failed else "")


def register(app: App) -> None:
    for action_id in ids.SCHEDULE_ACTIONS:
        app.action(action_id)(handle_schedule_button)
