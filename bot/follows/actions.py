"""The Follow / Unfollow buttons: on the Home tab's workshop cards and followed workshops (the
republished Home shows the change), and on digests (the clicker is also told, privately)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.follows.blocks import follow_reply
from bot.home.publish import refresh_homes
from bot.slack import ids
from bot.slack.acks import save_then_ack
from bot.slack.after_ack import AfterAck
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.values import WorkshopValue
from bot.slack.who import team_id_of, user_id_of
from flows.follows import FollowChange, follow_workshop, unfollow_workshop
from storage.db import Database


@answers_refusals()
def handle_follow(
    ack: Ack,
    body: dict,
    action: dict,
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    db: Database,
    after_ack: AfterAck,
) -> None:
    """Acks once the follow is saved (one row however many clicks); the reader's Home is
    republished after the ack, showing the workshop under "Workshops you follow"."""
    workshop_id = WorkshopValue.of(action).workshop_id
    team_id, user_id = team_id_of(context), user_id_of(context)
    following = action["action_id"] == ids.FOLLOW_WORKSHOP
    change_follow = follow_workshop if following else unfollow_workshop

    def save() -> FollowChange:
        with db.session() as session:
            return change_follow(session, team_id, workshop_id, user_id)

    change = save_then_ack(ack, context, save)
    in_a_message = (body.get("container") or {}).get("type") != "view"

    def follow_up() -> None:
        if in_a_message:  # a digest's button: say what happened, privately (Home shows it)
            title = change.workshop.title
            reply = follow_reply(workshop_id, title, following, change.changed)
            tell_user(client, body, reply, respond)
        refresh_homes(client, db, team_id, [user_id])

    after_ack.run(None, follow_up)


def register(app: App) -> None:
    app.action(ids.FOLLOW_WORKSHOP)(handle_follow)
    app.action(ids.UNFOLLOW_WORKSHOP)(handle_follow)
