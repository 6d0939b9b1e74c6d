"""The demo's vocabulary: simulated people acting in Slack, and a transcript of what the bot did.

Each step sends a real signed request to the running bot, waits for the bot's follow-up work to
settle, and narrates every Web API call the bot made in the meantime.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from demo.local import CHANNEL_ID, CHANNEL_NAMES, OUTSIDER, PEOPLE, LocalSlack, Person
from demo.preview.timeline import Step
from standin import SimResponse, blockkit
from standin.server import RESPONSE_URL_CALL

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.models import Workshop


@dataclass
class DemoScript:
    local: LocalSlack
    out: Path
    console: Console
    quiet: bool = False
    workshop_id: int | None = None
    board_ts: str | None = None
    lines: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)  # for the HTML preview
    _seen_calls: int = 0
    _board_snapshots: int = 0
    _actor: Person | None = None

    @property
    def people(self) -> tuple[Person, ...]:
        return PEOPLE

    @property
    def facilitator(self) -> Person:
        return PEOPLE[0]

    @property
    def participants(self) -> tuple[Person, ...]:
        return PEOPLE[1:]

    # narration -------------------------------------------------------------------------------

    def narrate(self, text: str, style: str = "", *, step: bool = True) -> None:
        self.lines.append(text)
        if step:
            self.steps.append(Step(len(self.local.standin.calls), text))
        if not self.quiet:
            self.console.print(text, style=style, highlight=False, markup=False)

    def section(self, title: str) -> None:
        self.lines.append(f"\n## {title}")
        self.steps.append(Step(len(self.local.standin.calls), title, section=True))
        if not self.quiet:
            self.console.rule(title)

    def _person_says(self, person: Person, what: str) -> None:
        self._actor = person
        self.narrate(f"  {person.real_name} ({person.team}): {what}")
        self.steps[-1].actor = person.real_name

    @contextmanager
    def cli_import(self, args: str, what: str) -> Iterator[tuple[Session, Workshop]]:
        """The facilitator runs `workshop-bot <args>` (narrated: the command line is no Slack
        step): the session and the demo's workshop to import into. A refusal here is a bug in
        the demo, so it is let surface."""
        # Imported here: importing flows.kpis registers its board figure, and the board lists
        # the figures in the order they registered, which the demo's imports must not change.
        from flows.kpi_import import workshop_for_import

        ana = self.facilitator
        self.narrate(f"  {ana.real_name} ({ana.team}): runs `workshop-bot {args}` {what}")
        with self.local.db.session() as session:
            yield session, workshop_for_import(session, self.workshop_id or 0)

    # acting in Slack -------------------------------------------------------------------------

    def command(self, person: Person, text: str, *, in_dm: bool = False) -> SimResponse:
        """`/workshop text` in the team's channel, or in the person's DM with the bot."""
        self._person_says(
            person, f"/workshop {text}" + (" (in a DM with the bot)" if in_dm else "")
        )
        channel = person.user_id if in_dm else CHANNEL_ID  # a user id means the bot DM
        response = self.local.sim.slash_command(person.user_id, channel, text)
        self._keep_answer(response)
        self.settle()
        return response

    def click_board(self, person: Person, action_id: str, label: str) -> SimResponse:
        self._person_says(person, f"clicks “{label}” on the board")
        response = self.local.sim.click(
            person.user_id, action_id, channel=CHANNEL_ID, ts=self.board_ts
        )
        self.settle()
        return response

    def click(self, person: Person, action_id: str, label: str, **where) -> SimResponse:
        self._person_says(person, f"clicks “{label}”")
        response = self.local.sim.click(person.user_id, action_id, **where)
        self.settle()
        return response

    def search(self, person: Person, action_id: str, query: str) -> list[dict]:
        """Type `query` into an external select of the person's open form: what it offers."""
        self._person_says(person, f"types “{query}” in the form's search")
        response = self.local.sim.suggest(person.user_id, action_id, query)
        return blockkit.suggested_options(response.json)

    def submit(self, person: Person, values: dict, what: str) -> SimResponse:
        self._person_says(person, f"submits {what}")
        response = self.local.sim.submit_view(person.user_id, values)
        self._keep_answer(response, person.user_id)
        if response.json and response.json.get("response_action") == "errors":
            for block_id, message in response.json["errors"].items():
                self.narrate(f"    ↳ the form shows under “{block_id}”: {message}")
        self.settle()
        return response

    def _keep_answer(self, response: SimResponse, user_id: str | None = None) -> None:
        """Keep the bot's direct answer for the preview when it drew something (with the form
        as submitted, when the answer lists errors)."""
        if not isinstance(response.json, dict) or not self.steps:
            return
        answer = dict(response.json)
        if answer.get("response_action") == "errors" and user_id:
            answer["submitted_view"] = self.local.standin.top_view(user_id)
        self.steps[-1].answer = answer

    # watching the bot ------------------------------------------------------------------------

    def settle(self) -> None:
        """Wait until the bot has finished its after-ack work, then narrate its Web API calls."""
        self.local.wait_until_idle()
        calls = self.local.standin.calls[self._seen_calls :]
        self._seen_calls += len(calls)
        actor = self._actor.real_name.split()[0] if self._actor else "the user"
        for call in calls:
            line = describe_call(call.method, call.params, call.response, actor, self.board_ts)
            if line:
                self.narrate(f"    bot: {with_names(line)}", step=False)

    def save_board(self, label: str) -> None:
        """Write the board as it stands (Block Kit JSON, pasteable into Block Kit Builder)."""
        if self.board_ts is None:
            return
        message = self.local.standin.message(CHANNEL_ID, self.board_ts)
        self._board_snapshots += 1
        path = self.out / "boards" / f"{self._board_snapshots:02d}-{label}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"blocks": message["blocks"]}, indent=2, ensure_ascii=False))

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path


def board_figures(params: dict) -> str:
    """The board's progress fields in one line, e.g. "Participants 3 · Journey 5 stages"."""
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    fields = [f["text"] for block in blocks for f in block.get("fields", [])]
    return " · ".join(field.replace("*", "").replace("\n", " ") for field in fields)


def with_names(text: str) -> str:
    """Show <@U0ANA> mentions as first names, as Slack would render them."""
    for person in (*PEOPLE, OUTSIDER):
        text = text.replace(f"<@{person.user_id}>", "@" + person.real_name.split()[0])
    return text


def describe_call(
    method: str, params: dict, response: dict, actor: str, board_ts: str | None = None
) -> str | None:
    """One line of transcript for a Web API call the bot made, or None for bookkeeping calls."""
    ok = response.get("ok", False)
    if not ok:
        return f"{method} failed: {response.get('error')}"
    text = (params.get("text") or "").split("\n")[0][:110]
    if method == RESPONSE_URL_CALL:
        private = params.get("response_type", "ephemeral") == "ephemeral"
        return f"tells {actor} privately: {text}" if private else f"replies: {text}"
    channel = CHANNEL_NAMES.get(str(params.get("channel")))
    where = f"#{channel}" if channel else "a DM"
    if method == "chat.postMessage":
        thread = ""
        if params.get("thread_ts"):
            board = params.get("channel") == CHANNEL_ID and params["thread_ts"] == board_ts
            thread = " (in the board's thread)" if board else " (in a thread)"
        return f"posts in {where}{thread}: {text}"
    if method == "chat.update" and params.get("channel") != CHANNEL_ID:
        return f"updates its message in {where}: {text}"
    if method == "chat.update":
        return f"updates the board in place: {board_figures(params) or text}"
    if method == "chat.postEphemeral":
        return f"tells {with_names('<@' + str(params.get('user')) + '>')} privately: {text}"
    if method in ("views.open", "views.push", "views.update"):
        view = params.get("view") or {}
        if isinstance(view, str):
            view = json.loads(view)
        title = (view.get("title") or {}).get("text", "")
        return f"{method.split('.')[1]}s the “{title}” form"
    if method == "views.publish":
        return f"refreshes {params.get('user_id')}'s Home tab"
    if method == "files.completeUploadExternal":
        files = params.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        names = ", ".join(f.get("title") or "a file" for f in files)
        named = CHANNEL_NAMES.get(str(params.get("channel_id")))
        target = f"#{named}" if named else "a DM"
        thread = " (in a thread)" if params.get("thread_ts") else ""
        return f"uploads {names} to {target}{thread}"
    return None
