"""Personas in Block Kit: the form that adds one, the form where a rater picks theirs, and the
results per persona with the persona splits (definitions in flows/personas.py)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    InputBlock,
    Option,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    Mrkdwn,
    cap_blocks,
    context,
    join_lines,
    md,
    mention,
    mrkdwn_section,
    truncate,
)
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.values import WorkshopMetadata
from flows.gaps.statistics import display, signed
from flows.personas import (
    MAX_PERSONAS,
    PERSONA_CHOICE,
    PERSONA_DESCRIPTION,
    PERSONA_NAME,
    PERSONA_STAKEHOLDER,
    SPLIT_AT,
    PersonaResults,
)
from storage.models.lanes import MAX_PERSONA_DESCRIPTION, MAX_PERSONA_NAME

SPLITS_LISTED = 10


class PersonaChoiceMetadata(WorkshopMetadata):
    """The persona picker: the workshop, the channel, and whether the rating form follows."""

    then_rate: bool | None = None


def _persona_line(name: str, description: str) -> Mrkdwn:
    if description:
        return md("• *{}*: {}", name, description)
    return md("• *{}*", name)


def build_persona_add_modal(
    workshop_id: int,
    title: str,
    channel_id: str,
    existing: Sequence[tuple[str, str]],  # (name, description) of the personas so far
    customers: Sequence[tuple[int, str]],  # (id, name) of the customer stakeholders
) -> View:
    """Add a persona: a name and a one-line description, or a customer stakeholder."""
    if existing:
        intro = md(
            "Personas of *{}* so far ({} of at most {}):\n{}",
            truncate(title, 150),
            len(existing),
            MAX_PERSONAS,
            join_lines(_persona_line(n, truncate(d, 150)) for n, d in existing),
        )
    else:
        intro = md(
            "Whose journey is *{}*? Add a few personas; each participant then rates for the one "
            "they know best, and the results show where the personas' journeys split.",
            truncate(title, 150),
        )
    blocks: list[Block] = [
        mrkdwn_section(intro),
        text_input(
            PERSONA_NAME,
            "Name",
            optional=bool(customers),
            hint="Leave it empty to use the customer stakeholder's name." if customers else None,
            max_length=MAX_PERSONA_NAME,
            placeholder="e.g. Busy parent",
        ),
        text_input(
            PERSONA_DESCRIPTION,
            "One line about them",
            optional=True,
            max_length=MAX_PERSONA_DESCRIPTION,
            placeholder="e.g. Orders at night from a phone",
        ),
    ]
    if customers:
        blocks.append(
            select_input(
                PERSONA_STAKEHOLDER,
                "From a customer stakeholder",
                optional=True,
                placeholder="None",
                options=[
                    Option(value=str(sid), text=truncate(name, 75)) for sid, name in customers[:100]
                ],
            )
        )
    return modal(
        "Add a persona",
        callback_id=ids.PERSONA_ADD_MODAL,
        submit="Add",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop_id, channel_id=channel_id).encode(),
        blocks=blocks,
    )


def build_persona_choice_modal(
    workshop_id: int,
    title: str,
    channel_id: str,
    personas: Sequence[tuple[int, str, str]],  # (id, name, description)
    chosen: int | None,
    then_rate: bool = False,
) -> View:
    """Pick the persona one knows best; from the rating button, saving opens the rating form."""
    options = [
        Option(
            value=str(pid),
            text=truncate(name, 75),
            description=truncate(description, 75) if description else None,
        )
        for pid, name, description in personas
    ]
    initial = next(
        (o for o, (pid, _, _) in zip(options, personas, strict=True) if pid == chosen), None
    )
    blocks: list[Block] = [
        mrkdwn_section(
            md(
                "*{}* is mapped for several personas. Rate for the one whose journey you know "
                "best; you can change it later with `/workshop persona`.",
                truncate(title, 150),
            )
        ),
        InputBlock(
            block_id=PERSONA_CHOICE,
            label="I know this persona's journey best",
            element=RadioButtonsElement(
                action_id=ids.INPUT, options=options, initial_option=initial
            ),
        ),
    ]
    return modal(
        "Whose journey?",
        callback_id=ids.PERSONA_CHOICE_MODAL,
        submit="Next: rate" if then_rate else "Save",
        close="Cancel",
        private_metadata=PersonaChoiceMetadata(
            workshop_id=workshop_id, channel_id=channel_id, then_rate=then_rate
        ).encode(),
        blocks=blocks,
    )


def persona_added_text(name: str, count: int) -> Mrkdwn:
    return md(
        "Added the persona *{}* ({} of at most {}). Participants pick theirs when they rate, "
        "or with `/workshop persona`.",
        name,
        count,
        MAX_PERSONAS,
    )


def persona_chosen_text(name: str, moved: int) -> Mrkdwn:
    text = md("You rate for *{}* from now on.", name)
    if moved:
        ratings = "rating" if moved == 1 else "ratings"
        text = md("{} Your {} {} of this round count for them too.", text, moved, ratings)
    return text


# Results ------------------------------------------------------------------------------------


def _persona_lines(results: PersonaResults) -> Mrkdwn:
    lines = [md("Everyone: journey gap *{}*", signed(results.overall.mean_gap))]
    for persona in results.personas:
        if persona.stats.n:
            raters = "rater" if persona.raters == 1 else "raters"
            earlier = persona.round and persona.round != results.round
            lines.append(
                md(
                    "*{}*: journey gap *{}* ({} {}, {} {}{})",
                    persona.name,
                    signed(persona.stats.mean_gap),
                    persona.raters,
                    raters,
                    persona.stats.n,
                    "rating" if persona.stats.n == 1 else "ratings",
                    f", in its round {persona.round}" if earlier else "",
                )
            )
        else:
            lines.append(md("*{}*: nobody rated for them yet", persona.name))
    return join_lines(lines)


def _splits_text(results: PersonaResults) -> Mrkdwn:
    if not results.splits:
        return md(
            ":heavy_equals_sign: No persona split: at every touchpoint the personas' gaps are "
            "within {} point of each other.",
            f"{float(SPLIT_AT):.1f}",
        )
    lines = [
        md(
            ":twisted_rightwards_arrows: *Persona splits* (gaps {} point or more apart)",
            f"{float(SPLIT_AT):.1f}",
        )
    ]
    for split in results.splits[:SPLITS_LISTED]:
        lines.append(
            md(
                "• *{}* ({}): {} {} against {} {}, *{}* apart",
                split.touchpoint,
                split.stage,
                split.low[0],
                signed(split.low[1]),
                split.high[0],
                signed(split.high[1]),
                f"{display(split.difference):.1f}",
            )
        )
    hidden = len(results.splits) - SPLITS_LISTED
    if hidden > 0:
        lines.append(md("… and {} more (in the export)", hidden))
    return join_lines(lines)


PERSONA_LEGEND = (
    "A persona's gap pools the ratings given for that persona in the latest round rated for it "
    "(experience − expectation on 1–7); Everyone is this round's ratings, with raters who chose "
    "no persona. A persona split is ours: two personas' mean gaps at a touchpoint at least 1.0 "
    "point apart."
)


def persona_round_text(number: int, persona: str, user_id: str, opened: bool) -> Mrkdwn:
    """The board thread's announcement of a round rated for one persona."""
    what = "opened *rating round {}* for" if opened else "gave *rating round {}* to"
    return md(
        ":busts_in_silhouette: {} " + what + " the persona *{}*: everyone rates the journey as "
        "*{}* lives it, with *Rate touchpoints* on the board (or `/workshop rate`).",
        mention(user_id),
        number,
        persona,
        persona,
    )


def build_persona_results(results: PersonaResults) -> list[Block]:
    """The results per persona, posted in the board's thread after the gap results."""
    blocks: list[Block] = [
        HeaderBlock(text=f"Personas · round {results.round}"),
        mrkdwn_section(_persona_lines(results)),
        mrkdwn_section(_splits_text(results)),
        context(PERSONA_LEGEND),
    ]
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def persona_results_text(results: PersonaResults) -> Mrkdwn:
    count = len(results.splits)
    splits = "no persona split" if not count else f"personas split at {count}"
    if count == 1:
        splits += " touchpoint"
    elif count:
        splits += " touchpoints"
    return md("Personas, round {}: {}.", results.round, splits)
