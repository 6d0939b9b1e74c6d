"""The digest: a short, Slack-free summary of where a workshop stands and what changed since the
previous digest, assembled from sections that each feature contributes.

Adding a section is one function in the feature's flows module:

    @register_digest_section(order=20)
    def widest_gaps(session, workshop, since):
        rows = ...  # one GROUP BY query
        if not rows:
            return None  # nothing to report: the section is left out
        return DigestSection(
            key="gaps",
            title="Widest gaps",
            items=tuple(DigestItem(text(f"{r.name}: {r.gap:+.1f}")) for r in rows[:10]),
            total=len(rows),  # the renderers say "… and N more"
            chart=DigestChart("gap_bars", data=rows, alt_text="Gap per touchpoint"),
        )

`since` is when the previous digest was generated (None for the first one). A section that
compares with how things stood at the previous digest (not only with what happened since) gives
a JSON-able `memo`; it is stored with the delivery when the digest is sent, and the next digest's
provider reads it back with `previous_memo(session, workshop, since, key)`. Sections are shown
in `order` (built-ins: 10 progress, 90 participation; features take the numbers in between). A
section with nothing to say returns None. Text is a tuple of spans: plain strings, `Mention`s
and `When`s, which each renderer turns into its own form (a Slack mention and a date every reader
sees in their own time zone; "@name" and UTC in files). Register chart renderers for a chart key
in `bot/charts` (`register_chart`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.board import journey_stages
from flows.formatting import plural, utc_moment
from flows.reads import known, shared_reads
from flows.registry import Registry
from flows.scope import of_workshop, rows_of
from flows.workshops import PHASE_NAMES, PHASE_ORDER, get_workshop, participant_count
from storage.models import (
    DeliveryStatus,
    DigestDelivery,
    Participant,
    Phase,
    PhaseChange,
    Workshop,
    pk,
    utcnow,
)

logger = logging.getLogger(__name__)

SECTION_ITEM_LIMIT = 50
PROGRESS_SUMMARY_ORDER = 5  # the headline starts with the phase
PARTICIPATION_SUMMARY_ORDER = 50  # a provider never needs to hand over more than this many items


# Slack-free rich text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A person, shown as a Slack mention in Slack and as @name (or @id) in files."""

    user_id: str


@dataclass(frozen=True)
class When:
    """A moment, shown in each reader's own time zone in Slack and in UTC in files."""

    at: datetime


Span = str | Mention | When
Text = tuple[Span, ...]


def text(*spans: Span) -> Text:
    return tuple(span for span in spans if span != "")


def plain_text(spans: Sequence[Span], names: Mapping[str, str] | None = None) -> str:
    """Render spans for files and terminals: @name (or @user-id) and UTC times."""
    parts = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(f"@{(names or {}).get(span.user_id, span.user_id)}")
        elif isinstance(span, When):
            parts.append(utc_label(span.at))
        else:
            parts.append(span)
    return "".join(parts)


def utc_label(moment: datetime) -> str:
    return utc_moment(moment)


# Sections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestField:
    label: str
    value: Text


@dataclass(frozen=True)
class DigestItem:
    text: Text
    fields: tuple[DigestField, ...] = ()


@dataclass(frozen=True)
class DigestChart:
    """An optional picture for a section: `key` names a renderer registered in bot/charts,
    which draws `data` (any flows result object) as a PNG; `alt_text` describes it."""

    key: str
    data: object
    alt_text: str
    title: str = ""


@dataclass(frozen=True)
class DigestSummary:
    """What a section puts in the digest's top message, which a manager reads in thirty seconds
    on a phone: a clause of the headline sentence ("the journey gap narrowed from −1.6 to
    −0.4") and at most SUMMARY_LINES short lines under a short title, in words ("Support:
    customers expect 6.8, get 3.0 (gap −3.8), widened since round 1"). The top message shows
    the summaries in `order` (shortfalls 10, action items 20, KPIs 30); everything else the
    section has goes in its own reply in the message's thread."""

    order: int
    title: str = ""
    lines: tuple[Text, ...] = ()
    headline: str = ""  # plain text; lower case start, no full stop


SUMMARY_LINES = 3


@dataclass(frozen=True)
class DigestSection:
    key: str  # stable and unique, e.g. "gaps"
    title: str
    items: tuple[DigestItem, ...] = ()  # most important first; renderers show the top few
    total: int | None = None  # how many items exist in all (None: len(items))
    figures: tuple[DigestField, ...] = ()  # key numbers, shown side by side
    note: Text = ()  # one line under the title
    chart: DigestChart | None = None
    memo: object = None  # JSON-able: what the next digest compares with (see previous_memo)
    summary: DigestSummary | None = None  # its part of the top message (None: thread only)

    @property
    def item_count(self) -> int:
        return max(self.total or 0, len(self.items))


@dataclass(frozen=True)
class Digest:
    workshop_id: int
    team_id: str
    channel_id: str
    board_ts: str | None
    title: str
    phase: Phase
    started_at: datetime
    since: datetime | None  # the previous digest (None: this is the first)
    until: datetime
    sections: tuple[DigestSection, ...]

    @property
    def summaries(self) -> tuple[DigestSummary, ...]:
        """The sections' parts of the top message, in their order."""
        found = [s.summary for s in self.sections if s.summary is not None]
        return tuple(sorted(found, key=lambda summary: summary.order))

    @property
    def headline(self) -> str:
        """One sentence on what changed since the previous digest (or, in the first, where the
        workshop stands), from the sections' headline clauses in the summaries' order."""
        clauses = [s.headline for s in self.summaries if s.headline]
        lead = "So far" if self.since is None else "Since the previous digest"
        if not clauses:
            return f"{lead}: nothing new to report." if self.since else f"{lead}: no results yet."
        return f"{lead}: {join_clauses(clauses)}."

    @property
    def thread_sections(self) -> tuple[DigestSection, ...]:
        """Every section, each its own reply in the top message's thread, in section order."""
        return self.sections


def join_clauses(clauses: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


DigestSectionProvider = Callable[[Session, Workshop, datetime | None], DigestSection | None]
_registry: Registry[DigestSectionProvider] = Registry()


def register_digest_section(
    order: int,
) -> Callable[[DigestSectionProvider], DigestSectionProvider]:
    """Decorator: `provider(session, workshop, since)` contributes a section to every digest,
    shown in `order` (lowest first). Registering the same function again replaces it."""
    return _registry.register(order)


def unregister_digest_section(provider: DigestSectionProvider) -> None:
    _registry.unregister(provider)


def digest_sections(
    session: Session, workshop: Workshop, since: datetime | None
) -> list[DigestSection]:
    """Every registered section that has something to say, in order.

    Providers only read, and what several of them read (the participants, the workshop, …) is
    read once (flows.reads). A provider that fails is logged and left out: one broken section
    must not cost managers their digest. The sections run under one savepoint; after a failure
    the transaction goes back to it (on PostgreSQL a failed query spoils the transaction until
    then) and a new one is set for the sections after it. One savepoint for all, rather than one
    per section, spares every digest two round trips per section.
    """
    sections = []
    with shared_reads(session):
        known(session, get_workshop, workshop.team_id, workshop.id, result=workshop)
        savepoint = session.begin_nested()
        for registration in _registry.in_order():
            try:
                section = registration.provider(session, workshop, since)
            except Exception:
                logger.exception(
                    "digest section %s failed for workshop %s (team %s)",
                    registration.name,
                    workshop.id,
                    workshop.team_id,
                )
                savepoint.rollback()
                savepoint = session.begin_nested()
                continue
            if section is not None:
                sections.append(section)
        savepoint.commit()
    return sections


def build_digest(
    session: Session, workshop: Workshop, since: datetime | None, until: datetime | None = None
) -> Digest:
    return Digest(
        workshop_id=pk(workshop),
        team_id=workshop.team_id,
        channel_id=workshop.channel_id,
        board_ts=workshop.board_ts,
        title=workshop.title,
        phase=Phase(workshop.phase),
        started_at=_aware(workshop.created_at),
        since=since,
        until=until or utcnow(),
        sections=tuple(digest_sections(session, workshop, since)),
    )


def section_memos(digest: Digest) -> dict[str, object]:
    """What the digest's sections remember for the next one, by section key."""
    return {s.key: s.memo for s in digest.sections if s.memo is not None}


def previous_memo(
    session: Session, workshop: Workshop, since: datetime | None, key: str
) -> object | None:
    """The memo section `key` left with the previous digest (the one generated at `since`),
    or None: the first digest, or the previous one had no such section."""
    if since is None:
        return None
    memos = session.exec(
        select(DigestDelivery.section_memos)
        .where(
            *of_workshop(DigestDelivery, workshop),
            DigestDelivery.status == DeliveryStatus.sent,
            col(DigestDelivery.generated_at) <= since,
        )
        .order_by(col(DigestDelivery.generated_at).desc(), col(DigestDelivery.id).desc())
        .limit(1)
    ).first()
    return (memos or {}).get(key)


def digest_as_text(digest: Digest, names: Mapping[str, str] | None = None) -> str:
    """A readable Markdown rendering (files, the demo, the export report), every item included."""
    lines = [f"# Digest: {digest.title}", "", f"_{plain_text(period_text(digest), names)}_"]
    lines += ["", digest.headline]
    for summary in digest.summaries:
        lines += ["", f"**{summary.title}**"] if summary.title else [""]
        lines += [f"- {plain_text(line, names)}" for line in summary.lines]
    for section in digest.sections:
        lines += ["", f"## {section.title}"]
        if section.note:
            lines.append(plain_text(section.note, names))
        lines += [f"- **{f.label}:** {plain_text(f.value, names)}" for f in section.figures]
        if section.figures and section.items:
            lines.append("")
        for item in section.items:
            details = "; ".join(f"{f.label}: {plain_text(f.value, names)}" for f in item.fields)
            lines.append(f"- {plain_text(item.text, names)}" + (f" ({details})" if details else ""))
        if section.item_count > len(section.items):
            lines.append(f"- … and {section.item_count - len(section.items)} more")
    return "\n".join(lines) + "\n"


def period_text(digest: Digest) -> Text:
    where = f"Workshop #{digest.workshop_id} · {PHASE_NAMES[digest.phase]} phase · "
    if digest.since is None:
        return text(where, "everything since it started ", When(digest.started_at))
    return text(where, "what changed since the previous digest, ", When(digest.since))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# Built-in sections: the data that exists for every workshop ----------------------------------


@dataclass(frozen=True)
class PhaseSpan:
    phase: Phase
    start: datetime
    end: datetime


def phase_timeline(
    session: Session,
    workshop: Workshop,
    until: datetime,
    changes: Sequence[PhaseChange] | None = None,
) -> list[PhaseSpan]:
    """How long the workshop spent in each phase, in order, from its phase history (`changes`,
    from phase_changes, when the caller has read it already)."""
    if changes is None:
        changes = phase_changes(session, workshop)
    spans, phase, start = [], Phase.setup, _aware(workshop.created_at)
    for change in changes:
        at = _aware(change.at)
        spans.append(PhaseSpan(phase, start, at))
        phase, start = Phase(change.to_phase), at
    if phase is not Phase.closed:
        spans.append(PhaseSpan(phase, start, max(start, _aware(until))))
    return spans


def phase_changes(session: Session, workshop: Workshop) -> list[PhaseChange]:
    """The workshop's phase history, oldest first (a few rows: one per move)."""
    return rows_of(session, PhaseChange, workshop, col(PhaseChange.at), col(PhaseChange.id))


@register_digest_section(order=10)
def progress_section(session: Session, workshop: Workshop, since: datetime | None) -> DigestSection:
    """Phase and progress: where the workshop stands, the board's figures, and phase changes."""
    phase = Phase(workshop.phase)
    stages = journey_stages(session, workshop)
    step = f"step {PHASE_ORDER.index(phase) + 1} of {len(PHASE_ORDER)}"
    touchpoints = sum(len(stage.touchpoints) for stage in stages)
    # The board's other figures (fixes, votes, KPIs, …) are each in their feature's own
    # section: shown here too, the digest would say them twice.
    figures = [
        DigestField("Phase", text(f"{PHASE_NAMES[phase]} ({step})")),
        DigestField("Journey", text(f"{len(stages)} stages · {touchpoints} touchpoints")),
    ]
    history = phase_changes(session, workshop)  # the timeline and the changes since, one read
    changes = [c for c in reversed(history) if since is None or _aware(c.at) > _aware(since)]
    items = tuple(
        DigestItem(
            text(
                Mention(change.user_id),
                f" {_phase_verb(change)} · ",
                When(_aware(change.at)),
            )
        )
        for change in changes[:SECTION_ITEM_LIMIT]
    )
    spans = phase_timeline(session, workshop, utcnow(), history)
    if since is None:
        headline = f"the workshop is in the {PHASE_NAMES[phase]} phase"
    else:
        headline = f"the workshop moved to {PHASE_NAMES[phase]}" if changes else ""
    return DigestSection(
        key="progress",
        title="Phase and progress",
        figures=tuple(figures),
        items=items,
        total=len(changes),
        summary=DigestSummary(order=PROGRESS_SUMMARY_ORDER, headline=headline),
        chart=DigestChart(
            "phase_timeline",
            data=spans,
            alt_text="How long the workshop spent in each phase",
            title="Phases so far",
        )
        if len(spans) > 1
        else None,
    )


def _phase_verb(change: PhaseChange) -> str:
    to_phase = PHASE_NAMES[Phase(change.to_phase)]
    return {
        "advance": f"moved the workshop on to {to_phase}",
        "skip": f"skipped ahead to {to_phase}",
        "back": f"took the workshop back to {to_phase}",
        "close": "closed the workshop",
        "reopen": f"reopened the workshop in {to_phase}",
    }.get(change.action, f"moved the workshop to {to_phase}")


@register_digest_section(order=90)
def participation_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection:
    """Who takes part, and who joined since the previous digest."""
    scope = of_workshop(Participant, workshop)
    everyone = participant_count(session, workshop)
    joined_query = select(Participant.user_id, Participant.joined_at).where(*scope)
    if since is None:
        joined_count = everyone
    else:
        joined_query = joined_query.where(col(Participant.joined_at) > since)
        joined_count = session.exec(select(func.count()).select_from(joined_query.subquery())).one()
    joined = session.exec(
        joined_query.order_by(col(Participant.joined_at).desc(), col(Participant.id).desc()).limit(
            SECTION_ITEM_LIMIT
        )
    ).all()
    new_label = "Joined" if since is None else "New since the previous digest"
    if since is None:
        verb = "takes" if everyone == 1 else "take"
        headline = f"{plural(everyone, 'person', 'people')} {verb} part" if everyone else ""
    else:
        headline = f"{plural(joined_count, 'person', 'people')} joined" if joined_count else ""
    return DigestSection(
        key="participation",
        title="Participation",
        figures=(
            DigestField("Participants", text(str(everyone))),
            DigestField(new_label, text(str(joined_count))),
        ),
        items=tuple(
            DigestItem(text(Mention(user_id), " joined · ", When(_aware(joined_at))))
            for user_id, joined_at in joined
        ),
        total=joined_count,
        summary=DigestSummary(order=PARTICIPATION_SUMMARY_ORDER, headline=headline),
    )


def mentioned_user_ids(digest: Digest) -> list[str]:
    """Everyone the digest mentions, in order of first mention (to look their names up)."""
    pieces: list[Text] = [period_text(digest)]
    for section in digest.sections:
        pieces += [section.note, *(f.value for f in section.figures)]
        for item in section.items:
            pieces += [item.text, *(f.value for f in item.fields)]
    mentioned = [span.user_id for piece in pieces for span in piece if isinstance(span, Mention)]
    return list(dict.fromkeys(mentioned))
