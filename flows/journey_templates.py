"""Journey templates: a few ready-made journeys practitioners will recognise, the workspace's own
saved ones, the stage-by-stage editing of a journey (one stage per row: a name and its
touchpoints, one per line), and saving a workshop's journey under a name.

Sources for the ready-made journeys: the stages of common journey maps in practice (e.g. the
SaaS lifecycle of sign-up, activation, adoption and expansion; the e-commerce path from
discovery to returns; a support case from noticing a problem to follow-up; the B2B buying
process from awareness to account management). Every one is editable before a workshop starts.

Channels (journey lanes, issue 17): a template may carry each touchpoint's channel (the ready-made
ones carry the usual one where a journey makes it clear; the general journey carries none, its
touchpoints differ too much between companies). Starting a workshop from a template gives each
touchpoint whose stage and name were kept in the stage editor the template's channel; saving a
workshop's journey saves its channels. The stage editor does not edit channels:
`/workshop channels` does, after setup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from flows.channels import set_channel, touchpoint_channels
from flows.errors import InvalidInput, NotFound
from flows.journey import (
    DEFAULT_JOURNEY,
    MAX_NAME_LENGTH,
    MAX_STAGES,
    MAX_TOUCHPOINTS,
    MAX_TOUCHPOINTS_PER_STAGE,
    StageSpec,
    touchpoint_choices,
)
from flows.scope import team_row
from flows.workshops import get_workshop, require_facilitator
from storage.db import insert_into
from storage.models import Channel, JourneyTemplate, Workshop, utcnow
from storage.models.journeys import MAX_TEMPLATE_NAME

MAX_SAVED_TEMPLATES = 50  # offered in one select beside the ready-made ones (100 options at most)
BUILT_IN_PREFIX = "builtin:"
SAVED_PREFIX = "saved:"


ChannelKey = tuple[str, str]  # (stage name, touchpoint name), both casefolded


def channel_key(stage: str, touchpoint: str) -> ChannelKey:
    return (stage.casefold(), touchpoint.casefold())


@dataclass(frozen=True)
class Template:
    key: str  # "builtin:saas" or "saved:12": what the setup form's select sends
    name: str
    stages: tuple[StageSpec, ...]
    channels: tuple[tuple[ChannelKey, Channel], ...] = ()  # the touchpoints that have one

    @property
    def touchpoint_count(self) -> int:
        return sum(len(stage.touchpoints) for stage in self.stages)

    def channel_of(self, stage: str, touchpoint: str) -> Channel | None:
        return dict(self.channels).get(channel_key(stage, touchpoint))


def _built_in(
    key: str, name: str, *stages: tuple[str, tuple[str, ...]], channels: str = ""
) -> Template:
    """`channels`: one channel per touchpoint in journey order, separated by spaces."""
    specs = tuple(StageSpec(n, t) for n, t in stages)
    names = [(stage.name, tp) for stage in specs for tp in stage.touchpoints]
    given = channels.split()
    assert not given or len(given) == len(names), f"{key}: one channel per touchpoint"
    return Template(
        BUILT_IN_PREFIX + key,
        name,
        specs,
        tuple((channel_key(*n), Channel(c)) for n, c in zip(names, given, strict=False)),
    )


BUILT_IN_TEMPLATES: tuple[Template, ...] = (
    Template(BUILT_IN_PREFIX + "default", "Customer journey (general)", DEFAULT_JOURNEY),
    _built_in(
        "saas",
        "SaaS onboarding",
        ("Sign-up", ("Pricing page", "Sign-up form", "Verification email")),
        ("First login", ("Welcome tour", "Setup checklist", "Empty state")),
        ("Activation", ("Data import", "Inviting teammates", "First key task done")),
        ("Adoption", ("In-app guidance", "Help centre", "Customer success check-in")),
        ("Expansion", ("Usage limits", "Upgrade prompt", "Billing and invoices")),
        channels="web web email app app app app email app app web phone app app email",
    ),
    _built_in(
        "ecommerce",
        "E-commerce purchase",
        ("Discover", ("Search engine", "Social ads", "Marketplace listing")),
        ("Browse", ("Category page", "Product page", "Ratings and reviews")),
        ("Buy", ("Basket", "Checkout", "Payment")),
        ("Delivery", ("Order confirmation", "Shipping updates", "Delivery")),
        ("After purchase", ("Returns and refunds", "Customer service", "Review request")),
        channels="web social partner web web web web web web email email partner web chat email",
    ),
    _built_in(
        "support",
        "Support case",
        ("Notice a problem", ("Error message", "Status page")),
        ("Look for help", ("Help centre", "Chatbot", "Community forum")),
        ("Contact us", ("Contact form", "Phone line", "Live chat")),
        ("Resolution", ("First response", "Escalation", "Fix or workaround")),
        ("Follow-up", ("Resolution email", "Satisfaction survey", "Reopening a case")),
        channels="app web web chat social web phone chat email phone other email email web",
    ),
    _built_in(
        "b2b",
        "B2B sales",
        ("Awareness", ("Industry events", "Webinars and content", "Outbound outreach")),
        ("Evaluation", ("Discovery call", "Product demo", "Case studies")),
        ("Proposal", ("Proposal", "Pricing negotiation", "Security review")),
        ("Contract", ("Legal review", "Procurement", "Contract signature")),
        ("Onboarding", ("Kick-off meeting", "Implementation", "Training")),
        ("Account management", ("Business reviews", "Renewal", "Expansion")),
        channels=(
            "other web email phone phone web email phone email email other web phone phone "
            "phone phone email phone"
        ),
    ),
)
DEFAULT_TEMPLATE = BUILT_IN_TEMPLATES[0]


@dataclass(frozen=True)
class TemplateChoices:
    built_in: tuple[Template, ...]
    saved: tuple[Template, ...]  # the workspace's own, by name


def template_choices(session: Session, team_id: str) -> TemplateChoices:
    rows = session.exec(
        select(JourneyTemplate)
        .where(JourneyTemplate.team_id == team_id)
        .order_by(col(JourneyTemplate.name_key))
        .limit(MAX_SAVED_TEMPLATES)
    ).all()
    return TemplateChoices(BUILT_IN_TEMPLATES, tuple(_saved(row) for row in rows))


def _saved(row: JourneyTemplate) -> Template:
    """A saved template; its stages' optional "channels" list runs beside "touchpoints" (None
    where a touchpoint has none; templates saved before channels have no such list)."""
    stages = tuple(
        StageSpec(str(stage["name"]), tuple(str(tp) for tp in stage["touchpoints"]))
        for stage in row.stages
    )
    channels = []
    for stage in row.stages:
        for tp, value in zip(stage["touchpoints"], stage.get("channels") or (), strict=False):
            if value in Channel.__members__:
                channels.append((channel_key(str(stage["name"]), str(tp)), Channel(value)))
    return Template(f"{SAVED_PREFIX}{row.id}", row.name, stages, tuple(channels))


def get_template(session: Session, team_id: str, key: str | None) -> Template:
    """A ready-made template or one of this workspace's by its key; NotFound otherwise."""
    key = key or ""
    for template in BUILT_IN_TEMPLATES:
        if template.key == key:
            return template
    number = key.removeprefix(SAVED_PREFIX)
    if key.startswith(SAVED_PREFIX) and number.isascii() and number.isdigit():
        row = team_row(session, JourneyTemplate, team_id, int(number))
        if row is not None:
            return _saved(row)
    raise NotFound("That journey template no longer exists; pick another.")


# Editing stage by stage --------------------------------------------------------------------------


def stage_field(field: str, index: int) -> str:
    """The key of one stage row's field ("stage_name:0", "stage_touchpoints:0"): the setup form's
    block ids, so that errors land on the right input."""
    return f"stage_{field}:{index}"


@dataclass(frozen=True)
class StageRow:
    """One row of the stage editor as typed: a name and touchpoints, one per line."""

    name: str | None
    touchpoints: str | None


def stage_rows(stages: Sequence[StageSpec]) -> list[StageRow]:
    return [StageRow(stage.name, "\n".join(stage.touchpoints)) for stage in stages]


def validate_stages(rows: Sequence[StageRow]) -> list[StageSpec]:
    """The journey from the stage rows, in order; rows left entirely empty are dropped. Raises
    InvalidInput with one message per bad field (keys from `stage_field`)."""
    errors: dict[str, str] = {}
    stages: list[StageSpec] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        name = (row.name or "").strip()
        touchpoints = [line.strip() for line in (row.touchpoints or "").splitlines()]
        touchpoints = [tp for tp in touchpoints if tp]
        if not name and not touchpoints:
            continue
        name_key, list_key = stage_field("name", index), stage_field("touchpoints", index)
        if not name:
            errors[name_key] = "Name this stage (or empty its touchpoints to drop it)."
        elif len(name) > MAX_NAME_LENGTH:
            errors[name_key] = f"Keep the stage name to {MAX_NAME_LENGTH} characters."
        elif name.casefold() in seen:
            errors[name_key] = f"Stage {seen[name.casefold()] + 1} has this name already."
        else:
            seen[name.casefold()] = index
        problem = _touchpoints_problem(touchpoints)
        if problem:
            errors[list_key] = problem
        stages.append(StageSpec(name, tuple(touchpoints)))
    if not stages and rows:
        errors[stage_field("name", 0)] = "Add at least one stage with its touchpoints."
    if len(stages) > MAX_STAGES:
        errors[stage_field("name", 0)] = f"At most {MAX_STAGES} stages ({len(stages)} given)."
    total = sum(len(stage.touchpoints) for stage in stages)
    if total > MAX_TOUCHPOINTS and not errors:
        errors[stage_field("touchpoints", 0)] = (
            f"At most {MAX_TOUCHPOINTS} touchpoints in all ({total} given)."
        )
    if errors:
        raise InvalidInput(errors)
    return stages


def _touchpoints_problem(touchpoints: list[str]) -> str | None:
    if not touchpoints:
        return "List this stage's touchpoints, one per line."
    if len(touchpoints) > MAX_TOUCHPOINTS_PER_STAGE:
        return (
            f"At most {MAX_TOUCHPOINTS_PER_STAGE} touchpoints per stage ({len(touchpoints)} given)."
        )
    long = next((tp for tp in touchpoints if len(tp) > MAX_NAME_LENGTH), None)
    if long is not None:
        return f"“{long[:30]}…” is too long: names have at most {MAX_NAME_LENGTH} characters."
    seen: set[str] = set()
    for tp in touchpoints:
        if tp.casefold() in seen:
            return f"“{tp}” is listed twice."
        seen.add(tp.casefold())
    return None


# Saving ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedTemplate:
    template: Template
    replaced: bool  # a template of that name existed and now holds this journey


def clean_template_name(name: str | None) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InvalidInput({"name": "Give the template a name."})
    if len(clean) > MAX_TEMPLATE_NAME:
        raise InvalidInput({"name": f"Keep the name to {MAX_TEMPLATE_NAME} characters."})
    if any(clean.casefold() == t.name.casefold() for t in BUILT_IN_TEMPLATES):
        raise InvalidInput({"name": "A ready-made template has that name; pick another."})
    return clean


def save_template(
    session: Session,
    team_id: str,
    user_id: str,
    name: str | None,
    stages: Sequence[StageSpec],
    channels: Mapping[ChannelKey, Channel] | None = None,
) -> SavedTemplate:
    """Save `stages` (and the touchpoints' `channels`) as this workspace's template `name`: one
    upsert on the workspace and the name ignoring case, so saving again under the same name
    replaces the journey."""
    clean = clean_template_name(name)
    if not stages:
        raise InvalidInput({"name": "There is no journey to save."})
    key = clean.casefold()
    existed = (
        session.exec(
            select(JourneyTemplate.id).where(
                JourneyTemplate.team_id == team_id, JourneyTemplate.name_key == key
            )
        ).first()
        is not None
    )
    now = utcnow()
    row = {
        "team_id": team_id,
        "name": clean,
        "name_key": key,
        "stages": [_stage_json(stage, channels or {}) for stage in stages],
        "created_by": user_id,
        "created_at": now,
        "updated_at": now,
    }
    statement = insert_into(session, JourneyTemplate).values(row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "name_key"],
            set_={name: statement.excluded[name] for name in ("name", "stages", "updated_at")},
        )
    )
    saved = session.exec(
        select(JourneyTemplate).where(
            JourneyTemplate.team_id == team_id, JourneyTemplate.name_key == key
        )
    ).one()
    return SavedTemplate(_saved(saved), replaced=existed)


def _stage_json(stage: StageSpec, channels: Mapping[ChannelKey, Channel]) -> dict:
    found = [channels.get(channel_key(stage.name, tp)) for tp in stage.touchpoints]
    row: dict = {"name": stage.name, "touchpoints": list(stage.touchpoints)}
    if any(found):
        row["channels"] = [None if c is None else c.value for c in found]
    return row


def save_workshop_journey(
    session: Session, team_id: str, workshop_id: int, user_id: str, name: str | None
) -> SavedTemplate:
    """Save a workshop's journey (its stages and touchpoints as they are) as a template; its
    facilitators may."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "save this workshop's journey as a template")
    stages = [
        StageSpec(stage.name, tuple(tp.name for tp in stage.touchpoints))
        for stage in touchpoint_choices(session, workshop)
    ]
    channels = {
        channel_key(tp.stage_name, tp.name): tp.channel
        for tp in touchpoint_channels(session, workshop)
        if tp.channel is not None
    }
    return save_template(session, team_id, user_id, name, stages, channels)


def apply_template_channels(session: Session, workshop: Workshop, template: Template) -> int:
    """Give the new workshop's touchpoints the template's channels, matched by stage and
    touchpoint name (ignoring case): a touchpoint renamed or moved in the stage editor has none.
    Returns how many touchpoints got a channel."""
    given = 0
    for tp in touchpoint_channels(session, workshop):
        channel = template.channel_of(tp.stage_name, tp.name)
        if channel is None or tp.channel == channel:
            continue
        set_channel(session, workshop, tp.touchpoint_id, channel)
        given += 1
    return given
