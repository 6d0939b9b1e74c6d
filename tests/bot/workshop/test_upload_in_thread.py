"""Charts go into the board's thread with their alt text; a failed upload is logged, not raised."""

import logging

import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

from bot.workshop.board import MAX_ALT_TEXT, upload_in_thread
from storage.models import Workshop


class Uploads:
    """Records every upload; raises `error` instead when one is given."""

    def __init__(self, error: Exception | None = None):
        self.calls: list[dict] = []
        self.error = error

    def files_upload_v2(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error


def slack_error(code: str) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/files.completeUploadExternal",
        req_args={},
        data={"ok": False, "error": code},
        headers={},
        status_code=200,
    )
    return SlackApiError(code, response)


@pytest.fixture
def workshop():
    return Workshop(id=7, team_id="T1", channel_id="C1", board_ts="1700000000.000100")


def test_the_chart_goes_into_the_boards_thread_with_its_alt_text(workshop):
    client = Uploads()
    failure = upload_in_thread(
        client, workshop, b"png", "gaps-7.png", "Journey gaps", "Three stages, worst first"
    )
    assert failure is None
    assert client.calls == [
        {
            "channel": "C1",
            "thread_ts": "1700000000.000100",
            "content": b"png",
            "filename": "gaps-7.png",
            "title": "Journey gaps",
            "alt_txt": "Three stages, worst first",
            "initial_comment": None,
        }
    ]


def test_an_initial_comment_goes_with_the_chart(workshop):
    client = Uploads()
    upload_in_thread(client, workshop, b"png", "a.png", "A", "alt", initial_comment="Votes")
    assert client.calls[0]["initial_comment"] == "Votes"


def test_alt_text_longer_than_slack_takes_is_cut_to_fit(workshop):
    client = Uploads()
    upload_in_thread(client, workshop, b"png", "a.png", "A", "x" * 1500)
    sent = client.calls[0]["alt_txt"]
    assert len(sent) == MAX_ALT_TEXT == 1000 and sent.endswith("…")


def test_a_board_never_posted_gets_the_chart_in_the_channel(workshop):
    workshop.board_ts = None
    client = Uploads()
    upload_in_thread(client, workshop, b"png", "a.png", "A", "alt")
    assert client.calls[0]["channel"] == "C1" and client.calls[0]["thread_ts"] is None


def test_a_refused_upload_is_logged_with_its_context_and_returns_slacks_code(workshop, caplog):
    client = Uploads(slack_error("not_in_channel"))
    with caplog.at_level(logging.WARNING, logger="bot.workshop.board"):
        failure = upload_in_thread(client, workshop, b"png", "gaps-7.png", "A", "alt")
    assert failure == "not_in_channel"
    [record] = caplog.records
    assert record.getMessage() == (
        "chart gaps-7.png of workshop 7 (team T1) not uploaded: not_in_channel"
    )


def test_a_client_error_is_logged_and_not_raised(workshop, caplog):
    client = Uploads(SlackRequestError("connection reset"))
    with caplog.at_level(logging.WARNING, logger="bot.workshop.board"):
        failure = upload_in_thread(client, workshop, b"png", "a.png", "A", "alt")
    assert failure == "connection reset"
    assert "connection reset" in caplog.text and "workshop 7 (team T1)" in caplog.text


def test_other_failures_are_not_hidden(workshop):
    client = Uploads(ValueError("a bug"))
    with pytest.raises(ValueError):
        upload_in_thread(client, workshop, b"png", "a.png", "A", "alt")
