"""The setup form `/workshop new` opens, in two steps: the workshop (title, a journey template,
voting), then its journey stage by stage (one row per stage: its name and its touchpoints, one
per line), pre-filled from the template."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    OptionGroup,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import Mrkdwn, context, md, truncate
from bot.slack.inputs import text_input, whole_number_input
from bot.slack.modals import modal
from bot.slack.values import ViewMetadata, WorkshopMetadata
from flows.journey import MAX_NAME_LENGTH, MAX_STAGES, MAX_TOUCHPOINTS_PER_STAGE
from flows.journey_templates import (
    DEFAULT_TEMPLATE,
    StageRow,
    Template,
    TemplateChoices,
    stage_field,
)
from flows.workshops import MAX_TITLE_LENGTH, MAX_VOTE_BUDGET, WorkshopSpec


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _template_option(template: Template) -> Option:
    stages, touchpoints = len(template.stages), template.touchpoint_count
    detail = f" · {_count(stages, 'stage')}, {_count(touchpoints, 'touchpoint')}"
    return Option(value=template.key, text=truncate(template.name, 75 - len(detail)) + detail)


def template_select(choices: TemplateChoices) -> StaticSelectElement:
    """The ready-made journeys, then the workspace's own saved ones."""
    ready = [_template_option(t) for t in choices.built_in]
    groups = [OptionGroup(label="Ready-made", options=ready)]
    if choices.saved:
        saved = [_template_option(t) for t in choices.saved][: 100 - len(ready)]
        groups.append(OptionGroup(label="Saved in this workspace", options=saved))
    return StaticSelectElement(
        action_id=ids.INPUT,
        option_groups=groups,
        initial_option=_template_option(DEFAULT_TEMPLATE),
    )


def build_setup_modal(
    channel_id: str, title: str = "", choices: TemplateChoices | None = None
) -> View:
    """Step 1: the workshop. Its submit button leads to the journey's stages."""
    choices = choices or TemplateChoices((DEFAULT_TEMPLATE,), ())
    return modal(
        "New journey workshop",
        [
            text_input(
                ids.SETUP_TITLE,
                "Title",
                initial_value=title[:MAX_TITLE_LENGTH] or None,
                max_length=MAX_TITLE_LENGTH,
                placeholder="e.g. Onboarding journey, Q3",
            ),
            InputBlock(
                block_id=ids.SETUP_TEMPLATE,
                label="Journey to start from",
                hint="You can edit its stages and touchpoints on the next page.",
                element=template_select(choices),
            ),
            whole_number_input(
                ids.SETUP_VOTE_BUDGET,
                "Votes per participant",
                hint="How many dots each participant spends on fixes.",
                initial_value="3",
                min_value="1",
                max_value=str(MAX_VOTE_BUDGET),
            ),
            whole_number_input(
                ids.SETUP_MAX_VOTES_PER_FIX,
                "Most votes one person may give one fix",
                initial_value="1",
                min_value="1",
                max_value=str(MAX_VOTE_BUDGET),
            ),
            InputBlock(
                block_id=ids.SETUP_OPTIONS,
                label="Voting",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.INPUT,
                    options=[
                        Option(
                            value=ids.OPTION_LIVE_TALLIES,
                            text="Show running tallies while voting is open",
                        )
                    ],
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_CO_FACILITATORS,
                label="Co-facilitators",
                optional=True,
                hint="They can move the workshop through its phases too.",
                element=UserMultiSelectElement(action_id=ids.INPUT, placeholder="Choose people"),
            ),
        ],
        callback_id=ids.SETUP_MODAL,
        submit="Next: stages ▶",
        close="Cancel",
        private_metadata=WorkshopMetadata(channel_id=channel_id).encode(),
    )


class SetupDraft(ViewMetadata):
    """What step 1 settled, carried in step 2's private metadata (checked again on submit):
    channel, title, vote budget, most votes per fix, live tallies, co-facilitators, and the
    name of the template the stages came from."""

    c: str | None = None
    t: str | None = None
    b: int | None = None
    m: int | None = None
    l: bool | None = None  # noqa: E741
    f: list[str] | None = None
    n: str | None = None
    k: str | None = None  # the template's key when it has channels: given on creation


def draft_metadata(
    channel_id: str, spec: WorkshopSpec, template_name: str, template_key: str = ""
) -> str:
    return SetupDraft(
        c=channel_id,
        t=spec.title,
        b=spec.vote_budget,
        m=spec.max_votes_per_fix,
        l=spec.live_tallies,
        f=spec.co_facilitators[:50],
        n=template_name,
        k=template_key or None,
    ).encode()


def build_stages_modal(
    draft: str, template_name: str, rows: Sequence[StageRow], has_channels: bool = False
) -> View:
    """Step 2: the journey, one row per stage (a name, then its touchpoints one per line). A
    template with channels says they are kept for the touchpoints left as they are."""
    channels = (
        " The template's channels stay with the touchpoints you keep as they are; change them "
        "with `/workshop channels` after setup."
        if has_channels
        else ""
    )
    blocks: list[Block] = [
        context(
            md(
                "Starting from *{}*. Rename, reword, add or remove touchpoints: one per line. "
                "Empty a stage's name and touchpoints to drop it.{}",
                truncate(template_name, 100),
                Mrkdwn(channels),
            )
        )
    ]
    for index, row in enumerate(rows[:MAX_STAGES]):
        blocks += stage_row(index, row)
    if len(rows) < MAX_STAGES:
        blocks.append(
            ActionsBlock(
                block_id="setup_stage_actions",
                elements=[
                    ButtonElement(text="+ Add a stage", action_id=ids.SETUP_ADD_STAGE, value="1")
                ],
            )
        )
    return modal(
        "Journey stages",
        blocks,
        callback_id=ids.SETUP_STAGES_MODAL,
        submit="Create workshop",
        close="Cancel",
        private_metadata=draft,
    )


def stage_row(index: int, row: StageRow) -> list[Block]:
    """One stage: its name and its touchpoints (optional both, so that a row can be emptied)."""
    return [
        text_input(
            stage_field("name", index),
            f"Stage {index + 1}",
            optional=True,
            initial_value=(row.name or "")[:MAX_NAME_LENGTH] or None,
            max_length=MAX_NAME_LENGTH,
            placeholder="e.g. Awareness",
        ),
        text_input(
            stage_field("touchpoints", index),
            f"Stage {index + 1} touchpoints",
            optional=True,
            hint=f"One per line, at most {MAX_TOUCHPOINTS_PER_STAGE}.",
            multiline=True,
            initial_value=(row.touchpoints or "")[:3000] or None,
            max_length=3000,
            placeholder="e.g. Search results",
        ),
    ]
