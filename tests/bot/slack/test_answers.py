"""One place turns a refusal into what the user sees (bot/slack/answers.py)."""

from types import SimpleNamespace

import pytest

from bot.slack.answers import answers_refusals
from bot.slack.values import BadValue
from flows.errors import InvalidInput, NotAllowed


class FakeAck:
    def __init__(self):
        self.response = None
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        self.response = kwargs or "ok"


class FakeRespond:
    response_url = "https://hooks.slack.com/actions/1"

    def __init__(self):
        self.sent = []

    def __call__(self, **kwargs):
        self.sent.append(kwargs)


def request(kind="block_actions", **extra):
    """What Bolt hands a listener (its `args`), with the context's keys such as db."""
    body = {"type": kind, "user": {"id": "U1"}, "channel": {"id": "C1"}, **extra}
    return SimpleNamespace(
        body=body,
        ack=FakeAck(),
        respond=FakeRespond(),
        client=None,
        view=body.get("view"),
        action={"value": "12"},
        context={"db": "the database"},
    )


def test_the_listener_gets_what_it_names_including_the_contexts_keys():
    seen = {}

    @answers_refusals()
    def listener(ack, action, db):
        seen.update(ack=ack, action=action, db=db)

    args = request()
    listener(args)
    assert seen == {"ack": args.ack, "action": {"value": "12"}, "db": "the database"}


def test_a_refused_click_is_acknowledged_and_told_privately_in_the_flows_words():
    @answers_refusals()
    def listener(ack):
        raise NotAllowed("Only facilitators can do that.")

    args = request()
    listener(args)
    assert args.ack.calls == [{}]
    assert args.respond.sent == [
        {
            "text": "Only facilitators can do that.",
            "response_type": "ephemeral",
            "replace_original": False,
        }
    ]


def test_an_out_of_date_value_is_told_as_stale_and_a_click_is_acknowledged_once():
    @answers_refusals("That button is out of date; use the latest board.")
    def listener(ack):
        ack()
        raise BadValue("12|dancing")

    args = request()
    listener(args)
    assert args.ack.calls == [{}]
    assert args.respond.sent[0]["text"] == "That button is out of date; use the latest board."


def test_a_forms_refusals_show_inline_under_their_fields():
    @answers_refusals(field="title")
    def invalid(ack):
        raise InvalidInput({"effort": "Pick one."})

    @answers_refusals(field="title")
    def refused(ack):
        raise NotAllowed("Proposing is closed.")

    @answers_refusals(field=lambda view: view["blocks"][0]["block_id"])
    def elsewhere(ack):
        raise NotAllowed("No.")

    for listener, errors in [
        (invalid, {"effort": "Pick one."}),
        (refused, {"title": "Proposing is closed."}),
        (elsewhere, {"first": "No."}),
    ]:
        args = request("view_submission", view={"blocks": [{"block_id": "first"}]})
        listener(args)
        assert args.ack.calls == [{"response_action": "errors", "errors": errors}]
        assert args.respond.sent == []


def test_a_form_may_be_replaced_by_a_notice_instead():
    @answers_refusals(notice=lambda text: f"notice: {text}")
    def listener(ack):
        raise NotAllowed("Only the author can remove it.")

    args = request("view_submission", view={})
    listener(args)
    assert args.ack.calls == [
        {"response_action": "update", "view": "notice: Only the author can remove it."}
    ]


def test_a_refused_search_offers_nothing():
    @answers_refusals()
    def listener(ack):
        raise NotAllowed("Facilitators only.")

    args = request("block_suggestion")
    listener(args)
    assert args.ack.calls == [{"options": []}]
    assert args.respond.sent == []


def test_anything_else_goes_on_to_the_apps_error_handler():
    @answers_refusals()
    def listener(ack):
        raise RuntimeError("a bug")

    args = request()
    with pytest.raises(RuntimeError):
        listener(args)
    assert args.ack.calls == [] and args.respond.sent == []


def test_bolt_sees_only_the_wrappers_args_and_the_listeners_name():
    @answers_refusals()
    def handle_something(ack, body, db):
        """Docs."""

    assert handle_something.__name__ == "handle_something"
    assert handle_something.__doc__ == "Docs."
    assert not hasattr(handle_something, "__wrapped__")  # Bolt would read the listener's args
