"""Customers' voice on Slack: the import form, its confirmation, the "Blind spots" section (in
the gap results and the customers' report) and the customers' report itself."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    Option,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    Mrkdwn,
    calendar_day,
    cap_blocks,
    context,
    escape,
    fit,
    join_lines,
    md,
    mrkdwn_section,
    truncate,
)
from bot.slack.files import FileInputElement
from bot.slack.inputs import select_input, text_input
from bot.slack.modals import modal
from bot.slack.values import WorkshopMetadata
from flows.customers.figures import MIN_CUSTOMER_ANSWERS
from flows.customers.fixes import FixByCustomerGap
from flows.customers.importing import (
    DEFAULT_SCALE,
    EXAMPLE_AGGREGATE,
    EXAMPLE_RAW,
    SCALES,
    CustomerImportResult,
    scale_label,
)
from flows.customers.reports import BlindSpot, Comparison, CustomerReport
from flows.customers.text import (
    BLIND_SPOTS_IN_SUMMARY,
    BLIND_SPOTS_TITLE,
    HOW_TO_READ,
    blind_spot_clause,
    blind_spot_words,
    change_words,
    no_blind_spot_text,
    number,
    test_words,
)
from flows.formatting import plural
from flows.gaps.statistics import signed

MAX_PASTE = 3000  # Slack's limit for a plain-text input
TABLE_ROWS = 20
# Meaning never by colour alone: a shape and words say which way the team is wrong.
MARKS = {True: "▲", False: "▼"}  # ▲ the team's figure is below the customers', ▼ above


# The import form --------------------------------------------------------------------------------


def build_import_modal(workshop_id: int, title: str, channel_id: str) -> View:
    """`/workshop customers`: paste customers' answers (a CSV with a header), choose the scale."""
    return modal(
        "Customers' answers",
        [
            context(
                f"Workshop #{workshop_id} “{truncate(title, 100)}” · a CSV file (up to 2 MB) or "
                "pasted answers; bigger files with `workshop-bot customers import FILE`. "
                "Importing the same answers twice adds nothing."
            ),
            InputBlock(
                block_id=ids.CUSTOMERS_FIELD_FILE,
                label="A CSV file",
                optional=True,
                hint="Or paste the answers below.",
                element=FileInputElement(
                    action_id=ids.INPUT, filetypes=["csv", "txt"], max_files=1
                ),
            ),
            text_input(
                ids.CUSTOMERS_FIELD_ANSWERS,
                "…or the answers, pasted",
                optional=True,
                hint=f"One row per customer: {EXAMPLE_RAW} … (columns named after your "
                f"touchpoints or stages). Or aggregates: {EXAMPLE_AGGREGATE}.",
                multiline=True,
                max_length=MAX_PASTE,
                placeholder="Checkout expectation,Checkout experience\n7,3\n6,4",
            ),
            select_input(
                ids.CUSTOMERS_FIELD_SCALE,
                "The survey's scale",
                hint="Other scales are converted linearly to the workshop's 1–7.",
                options=[_scale_option(scale) for scale in SCALES],
                initial_option=_scale_option(DEFAULT_SCALE),
            ),
            InputBlock(
                block_id=ids.CUSTOMERS_FIELD_DATE,
                label="When the survey ran",
                optional=True,
                hint="Leave empty to use the answers' latest date (or today's).",
                element=DatePickerElement(action_id=ids.INPUT),
            ),
        ],
        callback_id=ids.CUSTOMERS_IMPORT_MODAL,
        submit="Import",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop_id, channel_id=channel_id).encode(),
    )


def _scale_option(scale: str) -> Option:
    label = scale_label(scale) + (" (the workshop's scale)" if scale == DEFAULT_SCALE else "")
    return Option(value=scale, text=label)


def import_confirmation(result: CustomerImportResult, report: CustomerReport) -> Mrkdwn:
    if result.already_imported:
        return md(
            "These answers are already in workshop #{} (survey of {}): nothing was added.",
            result.workshop_id,
            calendar_day(result.survey_date),
        )
    note = f" ({result.scale_note})" if result.scale_note else ""
    spots = len(report.blind_spots)
    return md(
        ":white_check_mark: Imported {} customer answer{}{} into workshop #{}, survey of {}: {}. "
        "{} I posted the comparison in the board's thread.",
        result.answers,
        "s" * (result.answers != 1),
        note,
        result.workshop_id,
        calendar_day(result.survey_date),
        ", ".join(result.places),
        f"{plural(spots, 'blind spot')} found." if spots else "No blind spots found.",
    )


# The "Blind spots" section ----------------------------------------------------------------------


def blind_spot_line(spot: BlindSpot) -> Mrkdwn:
    """ "▲ *Checkout*: the team underestimates …" with the test behind it, in words first."""
    mark = MARKS[spot.customers > spot.team]
    return md("{} *{}*: {}", mark, spot.place.name, blind_spot_clause(spot))


def build_blind_spots_section(
    report: CustomerReport, limit: int = BLIND_SPOTS_IN_SUMMARY
) -> list[Block]:
    """The "Blind spots" section: where the team's view of customers is wrong, the widest first
    (plain words; the statistics in a context line). Nothing when no customer answers are in."""
    if not report.has_answers:
        return []
    spots = report.blind_spots
    latest = report.imports[-1]
    heading = md(
        "*{}* · what {:,} customer answers (latest survey {}) say against the team's round {}",
        BLIND_SPOTS_TITLE,
        report.answers,
        calendar_day(latest.survey_date),
        report.round,
    )
    if not spots:
        body = escape(no_blind_spot_text(report.touchpoints))
        return [mrkdwn_section(join_lines([heading, body])), context(_notes(report))]
    lines = [heading, *(blind_spot_line(spot) for spot in spots[:limit])]
    if len(spots) > limit:
        lines.append(md("…and {} more in `/workshop customers show`.", len(spots) - limit))
    details = "; ".join(f"{spot.place.name}: {test_words(spot.test)}" for spot in spots[:limit])
    return [mrkdwn_section(join_lines(lines)), context(details + ". " + _notes(report))]


def _notes(report: CustomerReport) -> str:
    notes = "; ".join([*report.scale_notes, "▲ customers' figure above the team's, ▼ below"])
    return truncate(f"{notes[:1].upper()}{notes[1:]}. {HOW_TO_READ}", 2000)


# The customers' report --------------------------------------------------------------------------


def comparison_table(report: CustomerReport, limit: int = TABLE_ROWS) -> str:
    """Touchpoint | customers → team, for expectation and experience | customers' gap | n."""
    head = f"{'Touchpoint':<20} {'Expect C/T':>10} {'Get C/T':>9} {'Gap C':>6} {'n C':>4}"
    lines = [head]
    for c in report.touchpoints[:limit]:
        lines.append(
            f"{fit(c.place.name, 20)} {_pair(c.customer_expectation, c.team_expectation):>10} "
            f"{_pair(c.customer_experience, c.team_experience):>9} "
            f"{signed(c.customer_gap):>6} {_n(c):>4}"
        )
    if len(report.touchpoints) > limit:
        lines.append(f"… {len(report.touchpoints) - limit} more in the export")
    return "\n".join(lines)


def _pair(customers, team) -> str:
    return f"{number(customers.mean if customers else None)}/{number(team.mean if team else None)}"


def _n(c: Comparison) -> str:
    counts = [s.n for s in (c.customer_expectation, c.customer_experience) if s]
    return str(max(counts)) if counts else "0"


def build_customer_report(report: CustomerReport) -> list[Block]:
    """`/workshop customers show`: the blind spots, every touchpoint side by side, and whether
    the customers' gaps closed since an earlier survey."""
    if not report.has_answers:
        return [mrkdwn_section(no_answers_text(report.workshop_id))]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Customers' voice · {report.title}", 150)),
        *build_blind_spots_section(report, limit=5),
        mrkdwn_section(
            md(
                "*Customers (C) and the team (T), touchpoint by touchpoint*\n```{}```",
                comparison_table(report),
            )
        ),
    ]
    few = [
        c.place.name
        for c in report.touchpoints
        if _n(c) != "0" and int(_n(c)) < MIN_CUSTOMER_ANSWERS
    ]
    if few:
        blocks.append(
            context(
                f"Too few answers (under {MIN_CUSTOMER_ANSWERS}), never flagged: " + ", ".join(few)
            )
        )
    if report.changes:
        blocks.append(
            mrkdwn_section(
                join_lines(
                    [md("*Since the earlier survey*")]
                    + [escape(change_words(change)) for change in report.changes[:8]]
                )
            )
        )
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def no_answers_text(workshop_id: int) -> str:
    return (
        f"No customer answers in workshop #{workshop_id} yet. Paste a survey with "
        "`/workshop customers`, or import a file with `workshop-bot customers import`."
    )


def report_text(report: CustomerReport) -> Mrkdwn:
    """Notification and screen-reader fallback."""
    if not report.has_answers:
        return escape(no_answers_text(report.workshop_id))
    spots = report.blind_spots
    if not spots:
        return escape(f"Customers' voice: {no_blind_spot_text(report.touchpoints)}")
    return escape(
        f"Customers' voice: {plural(len(spots), 'blind spot')}. "
        + " ".join(f"{blind_spot_words(s)}." for s in spots[:BLIND_SPOTS_IN_SUMMARY])
    )


# The fixes ranked by the customers' gap ---------------------------------------------------------

FIXES_LISTED = 25


def build_fixes_by_customer_gap(title: str, ranked: list[FixByCustomerGap]) -> list[Block]:
    """`/workshop customers fixes`: the fixes, their touchpoint's customers' gap first."""
    if not ranked:
        return [mrkdwn_section(md("No fixes proposed in *{}* yet.", truncate(title, 150)))]
    with_data = [r for r in ranked if r.customer_gap is not None]
    lines = [md("*Fixes ranked by the customers' gap* · {}", truncate(title, 150))]
    for rank, row in enumerate(with_data[:FIXES_LISTED], start=1):
        lines.append(
            md(
                "{}. *{}* · {}: customers' gap {} (the team's {})",
                rank,
                truncate(row.fix.title, 120),
                row.fix.touchpoint,
                signed(row.customer_gap),
                signed(row.team_gap),
            )
        )
    rest = ranked[len(with_data) :]
    if not with_data:
        lines.append(
            md("No fix is at a touchpoint with {} or more customer answers.", MIN_CUSTOMER_ANSWERS)
        )
    blocks: list[Block] = [mrkdwn_section(truncate(join_lines(lines), 3000))]
    if rest:
        names = ", ".join(f"{r.fix.title} ({r.fix.touchpoint})" for r in rest[:FIXES_LISTED])
        blocks.append(
            context(
                f"Too few customer answers (under {MIN_CUSTOMER_ANSWERS}) to rank: {names}"
                + (f" and {len(rest) - FIXES_LISTED} more" if len(rest) > FIXES_LISTED else "")
            )
        )
    blocks.append(
        context(
            "Customers' gap = what customers get minus what they expect, from their latest "
            "survey (negative: expectations not met). The vote ranking stays as it is."
        )
    )
    return blocks


def fixes_by_customer_gap_text(title: str, ranked: list[FixByCustomerGap]) -> str:
    first = next((r for r in ranked if r.customer_gap is not None), None)
    if first is None:
        return f"Fixes of “{title}” by the customers' gap: none ranked yet."
    return (
        f"Fixes of “{title}” ranked by the customers' gap: first {first.fix.title} "
        f"({first.fix.touchpoint}, {signed(first.customer_gap)})."
    )
