"""The fix form, the list of fixes (`/workshop fixes`), and the remove and merge forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    OverflowMenuElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    context,
    join_lines,
    md,
    mention,
    mrkdwn_section,
    page_buttons,
    truncate,
    truncate_mrkdwn,
)
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.mrkdwn import Mrkdwn
from bot.slack.values import OPTION_VALUE_LIMIT, ButtonValue, Id, Offset, ViewMetadata
from flows.fixes import MAX_FIX_DESCRIPTION, MAX_FIX_TITLE, FixSummary
from flows.formatting import plural, signed
from flows.journey import StageChoices
from storage.models import Effort, Impact

MAX_OPTION_TEXT = 75
MAX_SELECT_OPTIONS = 100
MAX_DESCRIPTION_EXCERPT = 280

EFFORT_LABELS = {Effort.small: "S · days", Effort.medium: "M · weeks", Effort.large: "L · months"}
IMPACT_LABELS = {Impact.low: "Low", Impact.medium: "Medium", Impact.high: "High"}

GAP_EXPLAINED = "Gap = experience − expectation; the most negative gaps are the widest shortfalls."


def format_gap(gap: float | None) -> str:
    """ "gap −1.8" with a true minus sign, or "not rated"."""
    if gap is None:
        return "not rated"
    return f"gap {signed(gap)}"


def fix_where(fix: FixSummary) -> str:
    return f"{fix.stage} › {fix.touchpoint}"


def fix_facts(fix: FixSummary, gap: float | None) -> str:
    """One line: where the fix applies, its touchpoint's gap, effort and impact."""
    facts = [f"_{fix_where(fix)}_", format_gap(gap)]
    if fix.effort:
        facts.append(f"effort {fix.effort.value}")
    if fix.impact:
        facts.append(f"{fix.impact.value} impact")
    return " · ".join(facts)


def excerpt(text: str | None, limit: int = MAX_DESCRIPTION_EXCERPT) -> str:
    return truncate(" ".join((text or "").split()), limit)


# the fix form --------------------------------------------------------------------------------


def touchpoint_option(touchpoint_id: int, name: str, gap: float | None, rated: bool) -> Option:
    text = f"{name} · {format_gap(gap)}" if rated else name
    return Option(value=str(touchpoint_id), text=truncate(text, MAX_OPTION_TEXT))


def _stage_groups(stages: Sequence[StageChoices]) -> list[OptionGroup]:
    groups, room = [], MAX_SELECT_OPTIONS  # a select holds 100 options in all its groups
    for stage in stages:
        touchpoints = stage.touchpoints[:room]
        if not touchpoints:
            continue
        room -= len(touchpoints)
        groups.append(
            OptionGroup(
                label=truncate(stage.name, MAX_OPTION_TEXT),
                options=[
                    touchpoint_option(t.touchpoint_id, t.name, None, False) for t in touchpoints
                ],
            )
        )
    return groups


def widest_gap_groups(
    stages: Sequence[StageChoices], gaps: Mapping[int, float]
) -> list[OptionGroup]:
    """Rated touchpoints by gap, most negative (widest) first, ties in journey order; then the
    unrated ones in journey order. At most 100 options in all."""
    journey = [(stage.name, t) for stage in stages for t in stage.touchpoints]
    rated = sorted(
        (item for item in journey if item[1].touchpoint_id in gaps),
        key=lambda item: gaps[item[1].touchpoint_id],
    )  # a stable sort keeps journey order among equal gaps
    unrated = [item for item in journey if item[1].touchpoint_id not in gaps]
    groups, room = [], MAX_SELECT_OPTIONS
    for label, items in (("Widest gap first", rated), ("Not rated yet", unrated)):
        items = items[:room]
        if not items:
            continue
        room -= len(items)
        options = [
            touchpoint_option(
                t.touchpoint_id, f"{t.name} ({stage})", gaps.get(t.touchpoint_id), True
            )
            for stage, t in items
        ]
        groups.append(OptionGroup(label=label, options=options))
    return groups


def build_fix_modal(
    workshop_id: int,
    workshop_title: str,
    stages: Sequence[StageChoices],
    gaps: Mapping[int, float],
    fix: FixSummary | None = None,
    title: str = "",
    response_url: str | None = None,
    list_page: int = 0,
) -> View:
    """Propose a fix (or edit `fix`). Before the team has rated, touchpoints are grouped by
    stage; once it has, the widest gaps come first (each with its gap and stage), then the
    touchpoints nobody rated."""
    rated = bool(gaps)
    groups = widest_gap_groups(stages, gaps) if rated else _stage_groups(stages)
    initial_touchpoint = None
    if fix is not None:
        initial_touchpoint = next(
            (o for g in groups for o in g.options or [] if o.value == str(fix.touchpoint_id)), None
        )
    guidance = f"For workshop #{workshop_id} “{truncate(workshop_title, 100)}”."
    if rated:
        guidance += f" {GAP_EXPLAINED}"
    return modal(
        "Edit fix" if fix else "Propose a fix",
        [
            context(guidance),
            text_input(
                ids.FIX_TITLE,
                "Fix",
                initial_value=(fix.title if fix else title[:MAX_FIX_TITLE]) or None,
                max_length=MAX_FIX_TITLE,
                placeholder="e.g. Let customers check out without an account",
            ),
            select_input(
                ids.FIX_TOUCHPOINT,
                "Touchpoint it improves",
                placeholder="Choose a touchpoint",
                option_groups=groups,
                initial_option=initial_touchpoint,
            ),
            text_input(
                ids.FIX_DESCRIPTION,
                "Details",
                optional=True,
                multiline=True,
                initial_value=(fix.description if fix else None) or None,
                max_length=MAX_FIX_DESCRIPTION,
                placeholder="What would change for the customer, and how?",
            ),
            _radio_input(ids.FIX_EFFORT, "Effort", EFFORT_LABELS, fix.effort if fix else None),
            _radio_input(
                ids.FIX_IMPACT, "Expected impact", IMPACT_LABELS, fix.impact if fix else None
            ),
        ],
        callback_id=ids.FIX_MODAL,
        submit="Save" if fix else "Propose",
        close="Cancel",
        private_metadata=_form_metadata(
            response_url, list_page, workshop_id=workshop_id, fix_id=fix.id if fix else None
        ),
    )


def _radio_input(block_id: str, label: str, labels: Mapping, initial) -> InputBlock:
    options = [Option(value=key.value, text=text) for key, text in labels.items()]
    chosen = next((o for o in options if initial is not None and o.value == initial.value), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=RadioButtonsElement(action_id=ids.INPUT, options=options, initial_option=chosen),
    )


# the list ------------------------------------------------------------------------------------


FIXES_PER_LIST_PAGE = 15
# A row's text is cut to this, so a full page stays within the message budget
# (15 × 560 characters, plus ~35 characters of menu options each, header and buttons).
MAX_LIST_ROW_TEXT = 560


def list_page_count(total: int) -> int:
    return max(1, -(-total // FIXES_PER_LIST_PAGE))


class FixMenu(ButtonValue):
    """A fix's overflow options in `/workshop fixes`: "edit|12|3", what to do, to which fix, from
    which list page (a list drawn before it had pages sent "edit|12")."""

    limit = OPTION_VALUE_LIMIT
    what: Literal["edit", "remove", "merge"]
    fix_id: Id
    page: Offset = 0


class FixFormMetadata(ViewMetadata):
    """The fix, remove and merge forms: the workshop, the fix, and the list page they came
    from."""

    workshop_id: Id | None = None
    fix_id: Id | None = None
    response_url: str | None = None
    list_page: Offset | None = None


def fix_menu(fix_id: int, page: int, can_edit: bool, can_merge: bool) -> OverflowMenuElement | None:
    """Option values look like "edit|12|3": what to do, to which fix, from which list page (the
    page the list shows again once the change is saved)."""
    options = []
    if can_edit:
        options += [
            Option(value=FixMenu(what="edit", fix_id=fix_id, page=page).encode(), text="Edit"),
            Option(value=FixMenu(what="remove", fix_id=fix_id, page=page).encode(), text="Remove"),
        ]
    if can_merge:
        merge = FixMenu(what="merge", fix_id=fix_id, page=page).encode()
        options.append(Option(value=merge, text="Merge into another fix…"))
    return OverflowMenuElement(action_id=ids.FIX_MENU, options=options) if options else None


def build_fix_list(
    workshop_id: int,
    workshop_title: str,
    fixes: Sequence[FixSummary],
    gaps: Mapping[int, float],
    *,
    manageable: set[int],
    can_merge: bool,
    proposing_open: bool,
    voting_open: bool,
    tallies: Mapping[int, int] | None = None,
    total: int | None = None,
    page: int = 0,
) -> list[Block]:
    """One page of the workshop's fixes (`fixes`, of `total`), with a menu on those the viewer
    may change and Previous / Next buttons, so that every fix can be reached. `tallies` is given
    only when votes may be shown (after voting closes, or with live tallies on)."""
    total = len(fixes) if total is None else total
    pages = list_page_count(total)
    summary = f"Workshop #{workshop_id} · {total} fix{'es' * (total != 1)}"
    if pages > 1:
        summary += f" · page {page + 1} of {pages}"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Fixes for “{workshop_title}”", 150)),
        context(
            summary + ("" if tallies is not None else " · votes stay hidden until voting closes")
        ),
    ]
    if not fixes:
        blocks.append(mrkdwn_section("No fixes yet." if not total else "No fixes on this page."))
    for fix in fixes:
        lines = [md("*{}*", fix.title), fix_facts(fix, gaps.get(fix.touchpoint_id))]
        if fix.description:
            lines.append(excerpt(fix.description))
        votes = "" if tallies is None else f" · *{plural(tallies.get(fix.id, 0), 'vote')}*"
        lines.append(md("proposed by {}{}", mention(fix.author_id), Mrkdwn(votes)))
        blocks.append(
            mrkdwn_section(
                truncate_mrkdwn(join_lines(lines), MAX_LIST_ROW_TEXT),
                block_id=f"fix-{fix.id}",
                accessory=fix_menu(fix.id, page, fix.id in manageable, can_merge and total > 1),
            )
        )
    return [*blocks, *_list_buttons(workshop_id, page, pages, proposing_open, voting_open)]


def _list_buttons(
    workshop_id: int, page: int, pages: int, proposing_open: bool, voting_open: bool
) -> list[Block]:
    buttons = page_buttons(page, pages, ids.FIX_LIST_PREVIOUS, ids.FIX_LIST_NEXT, workshop_id)
    if proposing_open:
        buttons.append(
            ButtonElement(text="Propose a fix", action_id=ids.FIX_PROPOSE, value=str(workshop_id))
        )
    if voting_open:
        buttons.append(
            ButtonElement(
                text="Vote", action_id=ids.VOTE_OPEN, value=str(workshop_id), style="primary"
            )
        )
    return [ActionsBlock(block_id="fix_list_actions", elements=buttons)] if buttons else []


# remove and merge ----------------------------------------------------------------------------


def _form_metadata(response_url: str | None, list_page: int, **values: int | None) -> str:
    """A fix form's metadata: the `values` it acts on and, when it was opened from the
    `/workshop fixes` list, the page of it to show again once saved."""
    reference = {"response_url": response_url, "list_page": list_page} if response_url else {}
    return FixFormMetadata.model_validate({**values, **reference}).encode()


def build_remove_modal(
    fix: FixSummary, response_url: str | None = None, list_page: int = 0
) -> View:
    return modal(
        "Remove fix",
        [
            mrkdwn_section(md("Remove *{}* ({})?", fix.title, fix_where(fix))),
            context("Any votes it has go back to their voters, who can spend them again."),
        ],
        callback_id=ids.FIX_REMOVE_MODAL,
        submit="Remove",
        close="Keep it",
        private_metadata=_form_metadata(response_url, list_page, fix_id=fix.id),
    )


def merge_option(fix: FixSummary) -> Option:
    return Option(
        value=str(fix.id), text=truncate(f"{fix.title} · {fix.touchpoint}", MAX_OPTION_TEXT)
    )


def build_merge_modal(
    source: FixSummary,
    max_votes_per_fix: int,
    response_url: str | None = None,
    list_page: int = 0,
) -> View:
    """Pick the fix that `source` duplicates, from a search over every fix of the workshop
    (`merge_candidates` answers it: the same touchpoint's fixes first)."""
    per_fix = plural(max_votes_per_fix, "vote")
    return modal(
        "Merge fixes",
        [
            mrkdwn_section(
                md("Merge *{}* ({}) into another fix.", source.title, fix_where(source))
            ),
            InputBlock(
                block_id=ids.FIX_MERGE_TARGET,
                label="Keep this fix",
                hint="The same touchpoint's fixes come first; type any words of a title or "
                "touchpoint to search them all.",
                element=ExternalDataSelectElement(
                    action_id=ids.FIX_MERGE_SEARCH,
                    placeholder="Choose or search a fix",
                    min_query_length=0,
                ),
            ),
            context(
                f"“{truncate(source.title, 80)}” disappears and its votes move to the "
                "fix you "
                f"keep. Nobody ends up with more than {per_fix} on one fix: a vote over that "
                "goes back to its voter to spend again."
            ),
        ],
        callback_id=ids.FIX_MERGE_MODAL,
        submit="Merge",
        close="Cancel",
        private_metadata=_form_metadata(response_url, list_page, fix_id=source.id),
    )
