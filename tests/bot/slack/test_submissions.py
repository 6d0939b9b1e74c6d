"""A workshop's settings form saved once (bot/slack/submissions.py) and its sender told
privately (bot/slack/replies.tell_privately)."""

import pytest

from bot.slack.replies import tell_privately
from bot.slack.submissions import save_workshop_form_once
from bot.slack.values import WorkshopMetadata
from flows.errors import NotFound
from storage.models import pk
from tests.factories import TEAM, make_workshop


def form(workshop_id, view_id="V1"):
    meta = WorkshopMetadata(workshop_id=workshop_id, channel_id="C1").encode()
    return {"id": view_id, "private_metadata": meta}


def titled(session, workshop):
    return workshop.title


@pytest.fixture
def workshop_id(db):
    with db.session() as session:
        return pk(make_workshop(session, title="Onboarding"))


def test_a_submission_saves_for_its_workshop_once_and_a_repeat_saves_nothing(db, workshop_id):
    saved = []

    def save(session, workshop):
        saved.append(pk(workshop))
        return workshop.title

    assert save_workshop_form_once(db, TEAM, form(workshop_id), save) == "Onboarding"
    assert save_workshop_form_once(db, TEAM, form(workshop_id), save) is None
    assert saved == [workshop_id]
    assert save_workshop_form_once(db, TEAM, form(workshop_id, "V2"), titled) == "Onboarding"


def test_a_refused_save_claims_nothing_so_the_submission_can_be_sent_again(db, workshop_id):
    def refuse(session, workshop):
        raise NotFound("gone")

    with pytest.raises(NotFound):
        save_workshop_form_once(db, TEAM, form(workshop_id), refuse)
    assert save_workshop_form_once(db, TEAM, form(workshop_id), titled) == "Onboarding"


@pytest.mark.parametrize("team, meta_id", [("T-OTHER", "same"), (TEAM, None)])
def test_another_workspaces_workshop_or_none_is_not_found(db, workshop_id, team, meta_id):
    with pytest.raises(NotFound):
        save_workshop_form_once(db, team, form(workshop_id if meta_id else None), titled)


class Client:
    def __init__(self):
        self.calls = []

    def chat_postEphemeral(self, **kwargs):
        self.calls.append(("ephemeral", kwargs))

    def chat_postMessage(self, **kwargs):
        self.calls.append(("message", kwargs))


def test_the_sender_is_told_in_the_forms_channel_or_else_by_dm():
    client = Client()
    tell_privately(client, "U1", "C1", "Saved <3")
    tell_privately(client, "U1", None, "Saved")
    assert client.calls == [
        ("ephemeral", {"channel": "C1", "user": "U1", "text": "Saved &lt;3"}),
        ("message", {"channel": "U1", "text": "Saved"}),
    ]
