"""One listener shape for the buttons that open a modal built from the database
(bot/slack/openers.py)."""

from contextlib import contextmanager

from bot.slack.openers import modal_opener
from bot.slack.values import BadValue, WorkshopValue
from flows.errors import NotAllowed
from tests.bot.slack.test_answers import request


class FakeDatabase:
    def __init__(self):
        self.sessions = []

    @contextmanager
    def session(self):
        self.sessions.append("open")
        yield "the session"
        self.sessions[-1] = "committed"


class FakeClient:
    def __init__(self):
        self.opened = []

    def views_open(self, **kwargs):
        self.opened.append(kwargs)


def click_args(value="12"):
    args = request(trigger_id="T1", response_url="https://hooks.slack.com/actions/1")
    args.action = args.payload = {"action_id": "open", "value": value}
    args.client = FakeClient()
    db = FakeDatabase()
    args.context = {"db": db, "team_id": "T-A", "user_id": "U1"}
    return args, db


def test_a_click_is_acked_and_opens_the_view_built_in_one_session_from_what_it_says():
    seen = []

    def build(session, click):
        seen.append((session, click))
        return f"the form of workshop {WorkshopValue.of(click.action).workshop_id}"

    args, db = click_args()
    modal_opener(build)(args)
    assert args.ack.calls == [{}]
    [(session, click)] = seen
    assert session == "the session"
    assert (click.team_id, click.user_id, click.action, click.body) == (
        "T-A",
        "U1",
        args.action,
        args.body,
    )
    assert click.response_url == "https://hooks.slack.com/actions/1"
    assert db.sessions == ["committed"]
    assert args.client.opened == [{"trigger_id": "T1", "view": "the form of workshop 12"}]
    assert args.respond.sent == []


def test_a_refusal_while_building_is_told_privately_and_opens_nothing():
    def build(session, click):
        raise NotAllowed("Only facilitators can do that.")

    args, _ = click_args()
    modal_opener(build)(args)
    assert args.ack.calls == [{}]
    assert args.client.opened == []
    assert [sent["text"] for sent in args.respond.sent] == ["Only facilitators can do that."]


def test_a_value_that_no_longer_parses_is_told_as_stale():
    def build(session, click):
        WorkshopValue.of(click.action)
        raise AssertionError("a bad value stops the build")

    args, _ = click_args(value="12|dancing")
    modal_opener(build, "That button is out of date; use the latest board.")(args)
    assert args.ack.calls == [{}]
    assert args.client.opened == []
    assert [sent["text"] for sent in args.respond.sent] == [
        "That button is out of date; use the latest board."
    ]


def test_the_listener_bears_the_builders_name():
    def _proposal_form(session, click):
        raise BadValue("unused")

    assert modal_opener(_proposal_form).__name__ == "_proposal_form"
