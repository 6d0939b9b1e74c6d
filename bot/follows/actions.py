"""The Follow / Unfollow buttons: on the Home tab's workshop cards and followed workshops (the
republished Home shows the change), and on digests (the clicker is also told, privately)."""

from __future__ import annotations

from slack_bolt import App

from bot.follows.blocks import follow_reply
from bot.home.publish import refresh_homes
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.requests import ActionRequest
from bot.slack.values import WorkshopValue
from flows.follows import FollowChange, follow_workshop, unfollow_workshop


@answers_refusals()
def handle_follow(request: ActionRequest) -> None:
    """Acks once the follow is saved (one row however many clicks); the reader's Home is
    republished after the ack, showing the workshop under "Workshops you follow"."""
    workshop_id = request.value(WorkshopValue).workshop_id
    team_id, user_id = request.team_id, request.user_id
    following = request.action_id == ids.FOLLOW_WORKSHOP
    change_follow = follow_workshop if following else unfollow_workshop

    def save() -> FollowChange:
        with request.db.session() as session:
            return change_follow(session, team_id, workshop_id, user_id)

    change = request.save_then_ack(save)
    in_a_message = (request.body.get("container") or {}).get("type") != "view"

    def follow_up() -> None:
        if in_a_message:  # a digest's button: say what happened, privately (Home shows it)
            title = change.workshop.title
            request.tell(follow_reply(workshop_id, title, following, change.changed))
        refresh_homes(request.client, request.db, team_id, [user_id])

    request.after_ack.run(None, follow_up)


def register(app: App) -> None:
    app.action(ids.FOLLOW_WORKSHOP)(handle_follow)
    app.action(ids.UNFOLLOW_WORKSHOP)(handle_follow)
