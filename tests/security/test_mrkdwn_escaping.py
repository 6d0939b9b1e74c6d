"""People's text never reaches Slack as mrkdwn markup.

The whole demo workshop runs with hostile text in every field people type (workshop title, stage
and touchpoint names, stakeholder names and notes, fix titles and details, rating comments,
KPI names, units and sources, a mistyped command), then every Web API call and response_url
post the bot made is scanned: in mrkdwn (blocks *and* fallback `text`, file comments) no
`<!here>`, `<!channel>` or `<!everyone>`, no user-typed `<`, `>` or `&` raw, nothing escaped
twice and no mention, channel link or date token of the bot's own broken by escaping; in
plain_text the people's text as typed. Every public function of a builder module must have run
during the scenario, so that a new builder is covered without anyone remembering to add it.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import io
import json
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import select

import bot
from bot.slack import ids
from demo import gaps as demo_gaps
from demo import kpi_scenes, runner, stakeholder_scenes, voting_scenes
from demo.local import CHANNEL_ID
from demo.script import DemoScript
from flows.actions import due_field, owner_field, today_utc
from flows.journey import DEFAULT_JOURNEY, StageSpec
from standin.server import Call
from storage.models import Fix, Phase, Stakeholder, Touchpoint

HOSTILE = " <!here> & <b>"
PINGS = ("<!here>", "<!channel>", "<!everyone>")
# What escaping wrongly (or twice) leaves behind in mrkdwn: nobody types these in the scenario.
OVER_ESCAPED = ("&amp;amp;", "&amp;lt;", "&amp;gt;", "&lt;@", "&lt;#", "&lt;!date", "&lt;http")
# Free-text fields the demo types into (names used to find things again are patched below).
FREE_TEXT_FIELDS = (
    ids.FIX_DESCRIPTION,
    ids.STAKEHOLDER_NOTE,
    ids.KPI_FIELD_BENCHMARK_SOURCE,
    ids.KPI_DEFINE_NAME,
)

# Builder modules not named `blocks` (see builder_modules).
SHARED_BUILDER_MODULES = ("bot.slack.mrkdwn",)
# Public functions of the builder modules that may stay uncalled by the scenario, each with why.
NOT_BUILDERS = {
    "bot.home.blocks.pager": "page numbers only (and it takes more workshops than a Home page)",
    "bot.slack.mrkdwn.unescape": "reads text back (the demo's Markdown files)",
    "bot.slack.mrkdwn.link": "bot markup from a URL and a constant label",
    "bot.fixes.blocks.voting.ranking_pager": "a workshop id and page numbers only (over 10 fixes)",
    "bot.fixes.blocks.voting.results_page_text": "page numbers only (results over 10 fixes)",
    "bot.action_items.blocks.not_the_owner_text": "a mention of an owner's user id, no one's text",
    "bot.home.blocks.newcomer_blocks": "the bot's own words for someone in no workshop",
    "bot.home.blocks.build_start_channel_modal": "the bot's own words and a channel picker",
    "bot.gaps.blocks.build_how_to_read_modal": "a round number and the bot's own statistics note",
}


def hostile(text: str) -> str:
    return text if not text.strip() or HOSTILE in text else text + HOSTILE


# the scenario ---------------------------------------------------------------------------------


def make_the_demo_hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name the demo types gets HOSTILE appended, consistently, so that the demo still
    finds its stakeholders, touchpoints and fixes by name."""
    monkeypatch.setattr(runner, "WORKSHOP_TITLE", hostile(runner.WORKSHOP_TITLE))
    journey = tuple(
        StageSpec(hostile(stage.name), tuple(map(hostile, stage.touchpoints)))
        for stage in DEFAULT_JOURNEY
    )
    monkeypatch.setattr(runner, "DEFAULT_JOURNEY", journey)
    for name in ("ROUND_ONE", "ROUND_TWO"):
        rounds = getattr(demo_gaps, name)
        monkeypatch.setattr(demo_gaps, name, {hostile(tp): v for tp, v in rounds.items()})
    comments = {(who, hostile(tp)): hostile(c) for (who, tp), c in demo_gaps.COMMENTS.items()}
    monkeypatch.setattr(demo_gaps, "COMMENTS", comments)
    history_csv = kpi_scenes.history_csv  # a stage named in the CSV the demo imports
    monkeypatch.setattr(
        kpi_scenes,
        "history_csv",
        lambda periods: history_csv(periods).replace(",Purchase\n", f",{hostile('Purchase')}\n"),
    )
    change_answer = demo_gaps.change_answer
    monkeypatch.setattr(
        demo_gaps,
        "change_answer",
        lambda script, person, name, answer: change_answer(script, person, hostile(name), answer),
    )
    stakeholders = tuple(
        dataclasses.replace(
            s,
            name=hostile(s.name),
            note=hostile(s.note),
            touchpoints=tuple(map(hostile, s.touchpoints)),
        )
        for s in stakeholder_scenes.STAKEHOLDERS
    )
    monkeypatch.setattr(stakeholder_scenes, "STAKEHOLDERS", stakeholders)
    ids_by_name = stakeholder_scenes._stakeholder_ids
    monkeypatch.setattr(  # found by their names as typed, or as the demo spells them
        stakeholder_scenes,
        "_stakeholder_ids",
        lambda script: {
            key: id
            for name, id in ids_by_name(script).items()
            for key in (name, name.replace(HOSTILE, ""))
        },
    )
    proposals = tuple(
        (who, hostile(title), hostile(tp), effort, impact)
        for who, title, tp, effort, impact in voting_scenes.PROPOSALS
    )
    monkeypatch.setattr(voting_scenes, "PROPOSALS", proposals)
    monkeypatch.setattr(voting_scenes, "DUPLICATE", proposals[5][1])
    monkeypatch.setattr(voting_scenes, "ORIGINAL", proposals[0][1])
    ballots = {who: tuple(map(hostile, picks)) for who, picks in voting_scenes.BALLOTS.items()}
    monkeypatch.setattr(voting_scenes, "BALLOTS", ballots)

    submit = DemoScript.submit

    def submit_hostile(self: DemoScript, person, values: dict, what: str):  # type: ignore[no-untyped-def]
        values = {
            key: hostile(value) if key in FREE_TEXT_FIELDS and isinstance(value, str) else value
            for key, value in values.items()
        }
        if values.get(ids.STAKEHOLDER_NAME) == "  cfo ":  # the duplicate the demo shows refused
            values[ids.STAKEHOLDER_NAME] = f"  cfo{HOSTILE} "
        if isinstance(values.get(ids.FIX_TITLE), str) and values[ids.FIX_TITLE].strip():
            values.setdefault(ids.FIX_DESCRIPTION, hostile("Details: R&D <more>"))
        return submit(self, person, values, what)

    monkeypatch.setattr(DemoScript, "submit", submit_hostile)


def more_hostile_steps(script: DemoScript) -> None:
    """What the demo does not do: a custom KPI and a replaced value, action items handed to
    someone else, a mistyped command, and a second workshop where a stakeholder and a fix are
    removed and the gaps are asked for before anyone rated."""
    ana = script.facilitator
    script.command(ana, f"kpi define #{script.workshop_id}")
    script.submit(
        ana,
        {
            ids.KPI_DEFINE_NAME: "Setup <!channel>",
            ids.KPI_DEFINE_UNIT: "%",
            ids.KPI_DEFINE_DIRECTION: ids.KPI_HIGHER_IS_BETTER,
        },
        "a KPI of her own",
    )
    script.command(ana, f"kpi #{script.workshop_id}")
    first_period = kpi_scenes.month_ends(4, date.today())[0]  # imported from the CSV
    values = {
        ids.KPI_FIELD_KPI: "ces",
        ids.KPI_FIELD_VALUE: "4",
        ids.KPI_FIELD_PERIOD_END: first_period,
    }
    script.submit(ana, values, "a CES value replacing an imported one")
    script.command(ana, f"kpis #{script.workshop_id}")
    hand_the_action_items_over(script)
    script.command(ana, "<!everyone> & <unknown>")
    script.command(ana, "list")
    a_second_workshop(script)
    script.command(ana, "")  # `/workshop` alone: the second workshop's title, her next action


def hand_the_action_items_over(script: DemoScript) -> None:
    ana = script.facilitator
    results = voting_scenes.results_message(script)
    script.click(
        ana, ids.ACTION_ITEMS_CREATE, "Create action items", channel=CHANNEL_ID, ts=results["ts"]
    )
    script.submit(ana, {}, "the first action-items form")
    view = script.local.standin.top_view(ana.user_id)
    chosen = json.loads(view["private_metadata"])["fix_ids"]
    values: dict = {}
    for chosen_id, owner in zip(chosen, reversed(voting_scenes.OWNERS), strict=True):
        values[owner_field(chosen_id)] = voting_scenes.person(script, owner).user_id
        values[due_field(chosen_id)] = today_utc() + timedelta(days=7)
    script.submit(ana, values, "new owners")


def is_grid_post(params: dict) -> bool:
    """The phase's results in the board's thread (not the phase announcement)."""
    text = str(params.get("text") or "")
    return bool(params.get("thread_ts")) and not text.startswith((":arrow_forward:", ":checkered"))


def a_second_workshop(script: DemoScript) -> None:
    local, ana = script.local, script.facilitator
    journey = {ids.SETUP_JOURNEY: f"{hostile('Stage 1')}: {hostile('R&D')}, {hostile('Other')}"}
    workshop_id, board_ts = local.start_workshop(
        ana.user_id, hostile("Second"), Phase.stakeholders, values=journey
    )
    script.click(ana, ids.ADD_STAKEHOLDER, "Add stakeholder", channel=CHANNEL_ID, ts=board_ts)
    stakeholder = {
        ids.STAKEHOLDER_NAME: hostile("Temp"),
        ids.STAKEHOLDER_CATEGORY: "customer",
        ids.STAKEHOLDER_ATTITUDE: "neutral",
    }
    script.submit(ana, stakeholder, "a stakeholder")
    with local.db.session() as session:
        stakeholder_id = session.exec(
            select(Stakeholder.id).where(Stakeholder.workshop_id == workshop_id)
        ).one()
    script.click(ana, ids.RATE_STAKEHOLDERS, "Rate stakeholders", channel=CHANNEL_ID, ts=board_ts)
    script.submit(ana, {f"influence:{stakeholder_id}": "3"}, "a rating")
    stakeholder_scenes.choose_from_the_list(script, ana, "remove", stakeholder_id, "Remove")
    script.submit(ana, {}, "the remove form")
    script.click(ana, ids.ADD_STAKEHOLDER, "Add stakeholder", channel=CHANNEL_ID, ts=board_ts)
    script.submit(ana, stakeholder | {ids.STAKEHOLDER_NAME: hostile("Again")}, "another")
    script.click(ana, ids.RATE_STAKEHOLDERS, "Rate stakeholders", channel=CHANNEL_ID, ts=board_ts)
    # The stakeholder grid's thread post fails: the facilitator is told, and posts it again.
    local.standin.inject_fault("chat.postMessage", matching=is_grid_post, status=500)
    script.click(ana, ids.PHASE_ADVANCE, "Next", channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    script.click(ana, ids.RESULTS_POST_AGAIN, "Post it again", channel=CHANNEL_ID)
    script.submit(ana, {}, "the rating form after the phase moved on (refused)")
    script.command(ana, "gaps")  # nobody has rated yet
    script.command(ana, "customers show")  # no customer answers yet
    # A persona with a hostile name, and the unrated round given to it (its announcement).
    script.command(ana, "personas")
    script.submit(ana, {"persona_name": hostile("Parent"), "persona_description": ""}, "a persona")
    script.command(ana, f"round persona {hostile('Parent')}")
    script.click(ana, ids.PHASE_ADVANCE, "Next", channel=CHANNEL_ID, ts=board_ts)
    with local.db.session() as session:
        touchpoint = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).first()
    script.command(ana, "fix")
    script.submit(
        ana, {ids.FIX_TITLE: hostile("Temp fix"), ids.FIX_TOUCHPOINT: str(touchpoint)}, "a fix"
    )
    with local.db.session() as session:
        fix = session.exec(select(Fix.id).where(Fix.workshop_id == workshop_id)).one()
    script.command(ana, "fixes")
    script.click(
        ana,
        ids.FIX_MENU,
        "Remove",
        channel=CHANNEL_ID,
        selected=f"remove|{fix}|0",
        block_id=f"fix-{fix}",
    )
    script.submit(ana, {}, "the remove form")


# checking what reached Slack --------------------------------------------------------------------


def text_fields(value: object, mrkdwn: bool = False) -> Iterator[tuple[str, bool]]:
    """Every string Slack renders in `value` (blocks, a view, a message), with whether Slack
    reads it as mrkdwn."""
    if isinstance(value, dict):
        kind = value.get("type")
        if kind in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["text"], kind == "mrkdwn"
        for key, item in value.items():
            if key != "text" or kind not in ("mrkdwn", "plain_text"):
                yield from text_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from text_fields(item)


def rendered_texts(call: Call) -> Iterator[tuple[str, bool]]:
    params = dict(call.params)
    for key in ("blocks", "view", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    for key in ("text", "initial_comment"):  # a message's fallback text and a file's comment
        if isinstance(params.get(key), str):
            yield params[key], params.get("mrkdwn", True) is not False
    yield from text_fields([params.get("blocks"), params.get("view")])


def problems_in(text: str, mrkdwn: bool) -> list[str]:
    if not mrkdwn:
        return [
            f"escaped plain_text {entity}" for entity in ("&lt;", "&gt;", "&amp;") if entity in text
        ]
    found = [f"ping {ping}" for ping in PINGS if ping in text]
    found += [
        f"raw people's text {raw!r}" for raw in ("<b>", "<more>", "<unknown>", " & ") if raw in text
    ]
    found += [f"escaped twice or broken {bad!r}" for bad in OVER_ESCAPED if bad in text]
    return found


# every builder runs ----------------------------------------------------------------------------


def builder_modules() -> list[str]:
    """Every Block Kit builder module: each one named `blocks` (or inside a `blocks` package)
    anywhere under bot/, and the shared mrkdwn helpers."""
    root = Path(bot.__file__).parent.parent
    modules = [
        ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(Path(bot.__file__).parent.rglob("*.py"))  # namespace packages too
    ]
    return [
        name
        for name in modules
        if "blocks" in name.split(".")[1:] or name in SHARED_BUILDER_MODULES
    ]


def builder_functions() -> dict[str, Callable]:
    builders = {}
    for name in builder_modules():
        module = importlib.import_module(name)
        for name, function in vars(module).items():
            public = not name.startswith("_")
            if public and inspect.isfunction(function) and function.__module__ == module.__name__:
                builders[f"{module.__name__}.{name}"] = function
    return builders


def record_builder_calls(monkeypatch: pytest.MonkeyPatch, called: set[str]) -> dict[str, Callable]:
    """Wrap every public builder function (builder_modules), wherever bot/ imported it by name."""
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        if info.name not in ("bot.wsgi", "bot.__main__"):
            importlib.import_module(info.name)
    builders = builder_functions()
    wrappers = {}
    for qualified, function in builders.items():

        @functools.wraps(function)
        def wrapper(*args, __name=qualified, __function=function, **kwargs):  # type: ignore[no-untyped-def]
            called.add(__name)
            return __function(*args, **kwargs)

        wrappers[function] = wrapper
    for module in list(sys.modules.values()):
        if not (getattr(module, "__name__", "") or "").startswith("bot"):
            continue
        for name, value in list(vars(module).items()):
            if inspect.isfunction(value) and value in wrappers:
                monkeypatch.setattr(module, name, wrappers[value])
            elif isinstance(value, dict):  # registries, e.g. the board's phase buttons
                for key, item in list(value.items()):
                    monkeypatch.setitem(value, key, with_wrappers(item, wrappers))
            elif isinstance(value, list):
                monkeypatch.setattr(module, name, with_wrappers(value, wrappers))
    return builders


def with_wrappers(value: object, wrappers: dict) -> object:
    if isinstance(value, list):
        return [with_wrappers(item, wrappers) for item in value]
    return wrappers.get(value, value) if inspect.isfunction(value) else value


# the test ---------------------------------------------------------------------------------------


@pytest.fixture
def hostile_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    called: set[str] = set()
    builders = record_builder_calls(monkeypatch, called)
    make_the_demo_hostile(monkeypatch)
    play = runner.play

    def play_and_more(script: DemoScript) -> None:
        play(script)
        more_hostile_steps(script)
        script.calls = script.local.standin.calls  # type: ignore[attr-defined]

    monkeypatch.setattr(runner, "play", play_and_more)
    script = runner.run_demo(tmp_path / "demo", console=Console(file=io.StringIO()), quiet=True)
    return script, builders, called


def test_no_people_text_reaches_slack_as_markup_and_every_builder_ran(hostile_demo):
    script, builders, called = hostile_demo
    calls: list[Call] = script.calls
    assert len(calls) > 300, "the scenario ran"

    problems = []
    plain_hostile = 0
    for call in calls:
        for text, mrkdwn in rendered_texts(call):
            plain_hostile += (not mrkdwn) and HOSTILE in text
            problems += [f"{call.method}: {p} in {text[:300]!r}" for p in problems_in(text, mrkdwn)]
    assert not problems, "\n".join(dict.fromkeys(problems))
    assert plain_hostile > 50, "plain_text shows people's text as typed"

    uncalled = sorted(set(builders) - called - set(NOT_BUILDERS))
    assert not uncalled, (
        "Block Kit builders the hostile scenario never ran (extend more_hostile_steps, or list "
        f"them in NOT_BUILDERS with why they take no people's text): {uncalled}"
    )
    stale = sorted(set(NOT_BUILDERS) - set(builders))
    assert not stale, f"NOT_BUILDERS names functions no builder module has: {stale}"

    # the demo's HTML preview draws people's text as typed, never as markup or a ping (the
    # demo's own narration lines, which quote the bot's mrkdwn, are left out of the count)
    preview = (script.out / "preview.html").read_text(encoding="utf-8")
    drawn = re.sub(r'<p class="action">.*?</p>', "", preview)
    assert "&lt;!here&gt; &amp; &lt;b&gt;" in drawn
    assert "<!here>" not in preview and "&amp;lt;" not in drawn
