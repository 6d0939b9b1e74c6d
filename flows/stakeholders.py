"""Stakeholder mapping: who shapes the customer's experience, and where each stands on
Mendelow's influence × interest grid.

Participants add stakeholders (name, category, attitude, note, the touchpoints they shape) and
rate each one's influence and interest from 1 to 5. A stakeholder's place on the grid is the
mean of the raters' ratings; "high" means at least the scale midpoint, 3 (DESIGN.md), so a mean
of exactly 3.0 is high. How far the raters disagree is the population standard deviation of
their ratings (they are the whole group whose view we report, not a sample of it).

Changes are open while the workshop is in the stakeholders phase; reading the grid is always
allowed. Every query filters by `team_id`, so another workspace's ids are simply not found.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows.board import Figure, register_figures
from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.journey import StageChoices, touchpoint_choices
from flows.scope import count_of, in_workshop, of_workshop
from flows.workshops import get_workshop, is_facilitator, join_workshop, participant_count
from storage.db import Upsert, insert_into
from storage.models import (
    Attitude,
    JourneyStage,
    Phase,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
    StakeholderTouchpoint,
    Touchpoint,
    Workshop,
    pk,
    utcnow,
)
from storage.models.stakeholders import RATING_MAX, RATING_MIN

MAX_NAME_LENGTH = 80
MAX_NOTE_LENGTH = 200
SCALE_MIDPOINT = (RATING_MIN + RATING_MAX) / 2  # 3.0: a mean of 3.0 or more is "high"
OPEN_PHASE = Phase.stakeholders

# Field names of the stakeholder form; InvalidInput.errors uses them as keys.
NAME_FIELD = "name"
CATEGORY_FIELD = "category"
ATTITUDE_FIELD = "attitude"
NOTE_FIELD = "note"
TOUCHPOINTS_FIELD = "touchpoints"
INFLUENCE = "influence"
INTEREST = "interest"


class Quadrant(StrEnum):
    manage_closely = "manage_closely"  # high influence, high interest (key players)
    keep_satisfied = "keep_satisfied"  # high influence, low interest
    keep_informed = "keep_informed"  # low influence, high interest
    monitor = "monitor"  # low influence, low interest (minimal effort)


QUADRANT_ORDER: tuple[Quadrant, ...] = tuple(Quadrant)
QUADRANT_NAMES = {
    Quadrant.manage_closely: "Manage closely",
    Quadrant.keep_satisfied: "Keep satisfied",
    Quadrant.keep_informed: "Keep informed",
    Quadrant.monitor: "Monitor",
}
QUADRANT_AXES = {
    Quadrant.manage_closely: "high influence, high interest",
    Quadrant.keep_satisfied: "high influence, low interest",
    Quadrant.keep_informed: "low influence, high interest",
    Quadrant.monitor: "low influence, low interest",
}
ENGAGEMENT_ADVICE = {
    Quadrant.manage_closely: "Involve them early and often: co-design the changes with them and "
    "agree decisions together.",
    Quadrant.keep_satisfied: "Consult them before changes that touch their area and keep updates "
    "short and on their priorities, so they don't turn into blockers.",
    Quadrant.keep_informed: "Share progress regularly and ask for their feedback; they care and "
    "can become your advocates.",
    Quadrant.monitor: "Keep an eye on them with minimal effort; general updates are enough "
    "unless their influence or interest grows.",
}


def is_high(score: float) -> bool:
    return score >= SCALE_MIDPOINT


def classify(influence: float, interest: float) -> Quadrant:
    """Mendelow's quadrant for a position on the grid; the midpoint itself counts as high."""
    if is_high(influence):
        return Quadrant.manage_closely if is_high(interest) else Quadrant.keep_satisfied
    return Quadrant.keep_informed if is_high(interest) else Quadrant.monitor


def clean_name(name: str | None) -> str:
    """The name as shown: surrounding spaces removed and inner runs of spaces collapsed."""
    return " ".join((name or "").split())


def name_key(name: str) -> str:
    """The form of a name that must be unique within a workshop: "  CFO " and "cfo" collide."""
    return unicodedata.normalize("NFKC", clean_name(name)).casefold()


def rating_field(axis: str, stakeholder_id: int) -> str:
    """The field name of one rating in the rating form, e.g. "influence:12"."""
    return f"{axis}:{stakeholder_id}"


# Adding, editing, removing -------------------------------------------------------------------


@dataclass(frozen=True)
class StakeholderSpec:
    """What the stakeholder form collects, validated by `validate_stakeholder`."""

    name: str
    category: StakeholderCategory
    attitude: Attitude
    note: str = ""
    touchpoint_ids: tuple[int, ...] = ()


def validate_stakeholder(
    name: str | None,
    category: str | None,
    attitude: str | None,
    note: str | None = None,
    touchpoint_ids: Sequence[str | int] = (),
) -> StakeholderSpec:
    """Check the form; raise InvalidInput with one message per bad field."""
    errors: dict[str, str] = {}
    clean = clean_name(name)
    if not clean:
        errors[NAME_FIELD] = "Give the stakeholder a name."
    elif len(clean) > MAX_NAME_LENGTH:
        errors[NAME_FIELD] = f"Keep the name to {MAX_NAME_LENGTH} characters."
    if category not in StakeholderCategory.__members__:
        errors[CATEGORY_FIELD] = "Pick a category."
    if attitude not in Attitude.__members__:
        errors[ATTITUDE_FIELD] = "Pick an attitude: supporter, neutral or blocker."
    clean_note = (note or "").strip()
    if len(clean_note) > MAX_NOTE_LENGTH:
        errors[NOTE_FIELD] = f"Keep the note to {MAX_NOTE_LENGTH} characters."
    ids: list[int] = []
    for raw in touchpoint_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors[TOUCHPOINTS_FIELD] = "Pick touchpoints from this workshop's journey."
            break
    if errors or category is None or attitude is None:  # a missing choice has its error
        raise InvalidInput(errors)
    return StakeholderSpec(
        name=clean,
        category=StakeholderCategory(category),
        attitude=Attitude(attitude),
        note=clean_note,
        touchpoint_ids=tuple(dict.fromkeys(ids)),
    )


def require_open(workshop: Workshop) -> None:
    if workshop.phase != OPEN_PHASE:
        raise Conflict(
            f"Stakeholders can be added, changed and rated only in the stakeholders phase; "
            f"workshop #{workshop.id} is in the {Phase(workshop.phase).value} phase."
        )


def _workshop_open_for_changes(session: Session, team_id: str, workshop_id: int) -> Workshop:
    """The workshop, share-locked on PostgreSQL so that it cannot leave the stakeholders phase
    (and post its final grid) while this change is being written. SQLite serialises writers."""
    workshop = session.exec(
        select(Workshop)
        .where(Workshop.id == workshop_id, Workshop.team_id == team_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).first()
    if workshop is None:
        raise NotFound(f"There is no workshop #{workshop_id} in this workspace.")
    require_open(workshop)
    return workshop


def _of_stakeholder(
    table: type[StakeholderRating | StakeholderTouchpoint], team_id: str, stakeholder_id: int | None
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """A stakeholder's rows: its ratings or its touchpoint links."""
    return col(table.team_id) == team_id, col(table.stakeholder_id) == stakeholder_id


def get_stakeholder(session: Session, team_id: str, stakeholder_id: int) -> Stakeholder:
    stakeholder = session.exec(
        select(Stakeholder).where(Stakeholder.id == stakeholder_id, Stakeholder.team_id == team_id)
    ).first()
    if stakeholder is None:
        raise NotFound("That stakeholder is not on the list any more.")
    return stakeholder


def can_manage(session: Session, stakeholder: Stakeholder, user_id: str) -> bool:
    """The author of a stakeholder and the workshop's facilitators may edit or remove it."""
    return stakeholder.author_id == user_id or is_facilitator(
        session, stakeholder.team_id, stakeholder.workshop_id, user_id
    )


def _require_can_manage(session: Session, stakeholder: Stakeholder, user_id: str) -> None:
    if not can_manage(session, stakeholder, user_id):
        raise NotAllowed(
            f"Only the person who added “{stakeholder.name}” and the facilitators can change it."
        )


def _to_manage(
    session: Session, team_id: str, stakeholder_id: int, user_id: str, *, lock: bool
) -> tuple[Stakeholder, Workshop]:
    """The stakeholder and its workshop, if the workshop is open for changes and the user may
    manage the stakeholder. `lock`: for a change being written (_workshop_open_for_changes)."""
    stakeholder = get_stakeholder(session, team_id, stakeholder_id)
    if lock:
        workshop = _workshop_open_for_changes(session, team_id, stakeholder.workshop_id)
    else:
        workshop = get_workshop(session, team_id, stakeholder.workshop_id)
        require_open(workshop)
    _require_can_manage(session, stakeholder, user_id)
    return stakeholder, workshop


def _check_touchpoints(session: Session, workshop: Workshop, touchpoint_ids: Sequence[int]) -> None:
    if not touchpoint_ids:
        return
    known = set(
        session.exec(
            select(Touchpoint.id).where(
                *of_workshop(Touchpoint, workshop),
                col(Touchpoint.id).in_(touchpoint_ids),
            )
        )
    )
    if known != set(touchpoint_ids):
        raise InvalidInput({TOUCHPOINTS_FIELD: "Pick touchpoints from this workshop's journey."})


def _check_name_free(
    session: Session, workshop: Workshop, name: str, except_id: int | None = None
) -> None:
    query = select(Stakeholder.name).where(
        *of_workshop(Stakeholder, workshop),
        Stakeholder.name_key == name_key(name),
    )
    if except_id is not None:
        query = query.where(Stakeholder.id != except_id)
    existing = session.exec(query).first()
    if existing is not None:
        raise InvalidInput({NAME_FIELD: _duplicate_message(existing)})


def _duplicate_message(name: str) -> str:
    return f"“{name}” is already on this workshop's list of stakeholders."


def _flush_unique_name(session: Session, stakeholder: Stakeholder) -> None:
    """Write the row; the unique (workshop, name_key) constraint settles a race between two
    people adding the same name at once (the check before it cannot, on PostgreSQL)."""
    try:
        with session.begin_nested():
            session.add(stakeholder)
            session.flush()
    except IntegrityError as error:
        if "name_key" in str(error.orig):
            raise InvalidInput({NAME_FIELD: _duplicate_message(stakeholder.name)}) from error
        raise


def _set_touchpoints(
    session: Session, stakeholder: Stakeholder, touchpoint_ids: Sequence[int]
) -> None:
    session.execute(
        delete(StakeholderTouchpoint).where(
            *_of_stakeholder(StakeholderTouchpoint, stakeholder.team_id, stakeholder.id)
        )
    )
    session.add_all(
        StakeholderTouchpoint(
            team_id=stakeholder.team_id, stakeholder_id=pk(stakeholder), touchpoint_id=touchpoint_id
        )
        for touchpoint_id in touchpoint_ids
    )


def add_stakeholder(
    session: Session, team_id: str, workshop_id: int, user_id: str, spec: StakeholderSpec
) -> Stakeholder:
    """Add a stakeholder; the author joins the workshop. A duplicate name is an InvalidInput."""
    workshop = _workshop_open_for_changes(session, team_id, workshop_id)
    _check_touchpoints(session, workshop, spec.touchpoint_ids)
    _check_name_free(session, workshop, spec.name)
    stakeholder = Stakeholder(
        team_id=team_id,
        workshop_id=workshop_id,
        name=spec.name,
        name_key=name_key(spec.name),
        category=spec.category,
        attitude=spec.attitude,
        note=spec.note,
        author_id=user_id,
    )
    _flush_unique_name(session, stakeholder)
    _set_touchpoints(session, stakeholder, spec.touchpoint_ids)
    join_workshop(session, workshop, user_id)
    session.flush()
    return stakeholder


def update_stakeholder(
    session: Session, team_id: str, stakeholder_id: int, user_id: str, spec: StakeholderSpec
) -> Stakeholder:
    stakeholder, workshop = _to_manage(session, team_id, stakeholder_id, user_id, lock=True)
    _check_touchpoints(session, workshop, spec.touchpoint_ids)
    _check_name_free(session, workshop, spec.name, except_id=stakeholder.id)
    stakeholder.name = spec.name
    stakeholder.name_key = name_key(spec.name)
    stakeholder.category = spec.category
    stakeholder.attitude = spec.attitude
    stakeholder.note = spec.note
    stakeholder.updated_at = utcnow()
    _flush_unique_name(session, stakeholder)
    _set_touchpoints(session, stakeholder, spec.touchpoint_ids)
    session.flush()
    return stakeholder


@dataclass(frozen=True)
class RemovedStakeholder:
    workshop_id: int
    name: str
    ratings_removed: int


def remove_stakeholder(
    session: Session, team_id: str, stakeholder_id: int, user_id: str
) -> RemovedStakeholder:
    """Remove a stakeholder with its ratings and touchpoint links."""
    stakeholder, _ = _to_manage(session, team_id, stakeholder_id, user_id, lock=True)
    ratings = session.exec(
        delete(StakeholderRating).where(
            *_of_stakeholder(StakeholderRating, team_id, stakeholder_id)
        )
    ).rowcount
    session.execute(
        delete(StakeholderTouchpoint).where(
            *_of_stakeholder(StakeholderTouchpoint, team_id, stakeholder_id)
        )
    )
    removed = session.exec(
        delete(Stakeholder).where(
            col(Stakeholder.team_id) == team_id, col(Stakeholder.id) == stakeholder_id
        )
    ).rowcount
    if removed != 1:
        raise NotFound("That stakeholder is not on the list any more.")
    return RemovedStakeholder(stakeholder.workshop_id, stakeholder.name, ratings)


# Reading for the forms and the list -----------------------------------------------------------


@dataclass(frozen=True)
class StakeholderForm:
    """What the add/edit form needs: the journey to pick touchpoints from, and for an edit the
    stakeholder's current values."""

    workshop_id: int
    stages: tuple[StageChoices, ...]
    stakeholder_id: int | None = None
    spec: StakeholderSpec | None = None


def add_form(session: Session, team_id: str, workshop_id: int) -> StakeholderForm:
    workshop = get_workshop(session, team_id, workshop_id)
    require_open(workshop)
    return StakeholderForm(pk(workshop), touchpoint_choices(session, workshop))


def edit_form(session: Session, team_id: str, stakeholder_id: int, user_id: str) -> StakeholderForm:
    stakeholder, workshop = _to_manage(session, team_id, stakeholder_id, user_id, lock=False)
    spec = StakeholderSpec(
        name=stakeholder.name,
        category=StakeholderCategory(stakeholder.category),
        attitude=Attitude(stakeholder.attitude),
        note=stakeholder.note,
        touchpoint_ids=tuple(_touchpoint_ids(session, stakeholder)),
    )
    return StakeholderForm(
        pk(workshop), touchpoint_choices(session, workshop), pk(stakeholder), spec
    )


def _touchpoint_ids(session: Session, stakeholder: Stakeholder) -> list[int]:
    return list(
        session.exec(
            select(StakeholderTouchpoint.touchpoint_id)
            .where(*_of_stakeholder(StakeholderTouchpoint, stakeholder.team_id, stakeholder.id))
            .order_by(col(StakeholderTouchpoint.touchpoint_id))
        )
    )


@dataclass(frozen=True)
class RemovalPreview:
    stakeholder_id: int
    name: str
    ratings: int


def removal_preview(
    session: Session, team_id: str, stakeholder_id: int, user_id: str
) -> RemovalPreview:
    """What removing would delete, for the confirmation; checks the user may remove it."""
    stakeholder, _ = _to_manage(session, team_id, stakeholder_id, user_id, lock=False)
    ratings = session.exec(
        select(func.count()).where(*_of_stakeholder(StakeholderRating, team_id, stakeholder_id))
    ).one()
    return RemovalPreview(stakeholder_id, stakeholder.name, ratings)


@dataclass(frozen=True)
class ListedStakeholder:
    stakeholder_id: int
    name: str
    category: StakeholderCategory
    attitude: Attitude
    note: str
    author_id: str
    can_manage: bool


@dataclass(frozen=True)
class StakeholderList:
    workshop_id: int
    title: str
    is_open: bool  # changes are allowed now
    total: int
    offset: int
    stakeholders: tuple[ListedStakeholder, ...]

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.stakeholders) < self.total


def list_stakeholders(
    session: Session, team_id: str, workshop_id: int, user_id: str, offset: int = 0, limit: int = 40
) -> StakeholderList:
    """One page of the workshop's stakeholders by name, each saying whether `user_id` may edit
    or remove it."""
    workshop = get_workshop(session, team_id, workshop_id)
    facilitator = is_facilitator(session, team_id, workshop_id, user_id)
    where = in_workshop(Stakeholder, team_id, workshop_id)
    total = session.exec(select(func.count()).select_from(Stakeholder).where(*where)).one()
    rows = session.exec(
        select(Stakeholder)
        .where(*where)
        .order_by(col(Stakeholder.name_key), col(Stakeholder.id))
        .offset(max(offset, 0))
        .limit(limit)
    ).all()
    is_open = workshop.phase == OPEN_PHASE
    return StakeholderList(
        workshop_id=pk(workshop),
        title=workshop.title,
        is_open=is_open,
        total=total,
        offset=max(offset, 0),
        stakeholders=tuple(
            ListedStakeholder(
                stakeholder_id=pk(row),
                name=row.name,
                category=StakeholderCategory(row.category),
                attitude=Attitude(row.attitude),
                note=row.note,
                author_id=row.author_id,
                can_manage=is_open and (facilitator or row.author_id == user_id),
            )
            for row in rows
        ),
    )


# Rating --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingItem:
    stakeholder_id: int
    name: str
    category: StakeholderCategory
    attitude: Attitude
    note: str
    influence: int | None  # this rater's earlier answers, if any
    interest: int | None


@dataclass(frozen=True)
class RatingPage:
    """One page of the rating form: the stakeholders after `after_id`, in the order added."""

    workshop_id: int
    title: str
    items: tuple[RatingItem, ...]
    page: int  # 1-based
    pages: int
    total: int

    @property
    def has_more(self) -> bool:
        return self.page < self.pages

    @property
    def last_id(self) -> int:
        return self.items[-1].stakeholder_id if self.items else 0


def rating_page(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    after_id: int = 0,
    size: int = 15,
) -> RatingPage:
    """The stakeholders to rate after `after_id` (keyset paging: a stakeholder added or removed
    meanwhile never shifts another onto a page the rater already saw), with the rater's
    earlier ratings."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_open(workshop)
    where = in_workshop(Stakeholder, team_id, workshop_id)
    total, before = session.exec(
        select(func.count(), func.count().filter(col(Stakeholder.id) <= after_id))
        .select_from(Stakeholder)
        .where(*where)
    ).one()
    rows = session.exec(
        select(Stakeholder, StakeholderRating.influence, StakeholderRating.interest)
        .outerjoin(
            StakeholderRating,
            and_(
                col(StakeholderRating.stakeholder_id) == col(Stakeholder.id),
                col(StakeholderRating.team_id) == team_id,
                col(StakeholderRating.rater_id) == user_id,
            ),
        )
        .where(*where, col(Stakeholder.id) > after_id)
        .order_by(col(Stakeholder.id))
        .limit(size)
    ).all()
    items = tuple(
        RatingItem(
            stakeholder_id=pk(row),
            name=row.name,
            category=StakeholderCategory(row.category),
            attitude=Attitude(row.attitude),
            note=row.note,
            influence=influence,
            interest=interest,
        )
        for row, influence, interest in rows
    )
    page = math.ceil(before / size) + 1
    remaining = total - before - len(items)
    return RatingPage(
        workshop_id=pk(workshop),
        title=workshop.title,
        items=items,
        page=page,
        pages=page + max(0, math.ceil(remaining / size)),
        total=total,
    )


RawRatings = Mapping[int, tuple[str | int | None, str | int | None]]


def validate_ratings(raw: RawRatings) -> dict[int, tuple[int, int]]:
    """Check (influence, interest) answers per stakeholder: both 1–5, or both left blank."""
    errors: dict[str, str] = {}
    ratings: dict[int, tuple[int, int]] = {}
    for stakeholder_id, (raw_influence, raw_interest) in raw.items():
        influence = _parse_rating(raw_influence)
        interest = _parse_rating(raw_interest)
        for axis, raw_value, value in (
            (INFLUENCE, raw_influence, influence),
            (INTEREST, raw_interest, interest),
        ):
            if raw_value not in (None, "") and value is None:
                errors[rating_field(axis, stakeholder_id)] = (
                    f"Pick a rating from {RATING_MIN} to {RATING_MAX}."
                )
        if influence is not None and interest is None and raw_interest in (None, ""):
            errors[rating_field(INTEREST, stakeholder_id)] = "Rate their interest too."
        if interest is not None and influence is None and raw_influence in (None, ""):
            errors[rating_field(INFLUENCE, stakeholder_id)] = "Rate their influence too."
        if influence is not None and interest is not None:
            ratings[stakeholder_id] = (influence, interest)
    if errors:
        raise InvalidInput(errors)
    return ratings


def _parse_rating(raw: str | int | None) -> int | None:
    try:
        value = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if RATING_MIN <= value <= RATING_MAX else None


@dataclass(frozen=True)
class SavedRatings:
    workshop_id: int
    saved: int
    new_rater: bool  # their first ratings in this workshop: the board's figures change


def save_ratings(
    session: Session, team_id: str, workshop_id: int, user_id: str, raw: RawRatings
) -> SavedRatings:
    """Validate and store one rater's answers. Each (stakeholder, rater) has one row: a changed
    rating replaces the earlier one in a single upsert, so retries and double submits never add
    a second. Stakeholders that are not in this workshop (removed meanwhile, or ids from another
    workspace) are ignored and nothing is written for them."""
    ratings = validate_ratings(raw)
    workshop = _workshop_open_for_changes(session, team_id, workshop_id)
    known = set(
        session.exec(
            select(Stakeholder.id).where(
                *in_workshop(Stakeholder, team_id, workshop_id),
                col(Stakeholder.id).in_(list(ratings)),
            )
        )
    )
    rows = [
        {
            "team_id": team_id,
            "workshop_id": workshop_id,
            "stakeholder_id": stakeholder_id,
            "rater_id": user_id,
            "influence": influence,
            "interest": interest,
            "updated_at": utcnow(),
        }
        for stakeholder_id, (influence, interest) in sorted(ratings.items())
        if stakeholder_id in known
    ]
    rated_before = count_of(
        session, StakeholderRating, workshop, StakeholderRating.rater_id == user_id
    )
    if rows:
        session.execute(_upsert_ratings(session, rows))
    join_workshop(session, workshop, user_id)
    session.flush()
    return SavedRatings(workshop_id, len(rows), new_rater=bool(rows) and not rated_before)


def _upsert_ratings(session: Session, rows: list[dict]) -> Upsert:
    statement = insert_into(session, StakeholderRating).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["stakeholder_id", "rater_id"],
        set_={
            "influence": statement.excluded.influence,
            "interest": statement.excluded.interest,
            "updated_at": statement.excluded.updated_at,
        },
    )


# The grid ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisScore:
    """The raters' view on one axis: mean and population standard deviation, computed exactly
    from the count, sum and sum of squares of the ratings."""

    mean: float
    spread: float | None  # None with fewer than two raters

    @classmethod
    def from_sums(cls, count: int, total: int, squares: int) -> AxisScore:
        # Population variance = (n·Σx² − (Σx)²) / n², in integers until the last step.
        variance = (count * squares - total * total) / (count * count)
        return cls(total / count, math.sqrt(max(variance, 0.0)) if count > 1 else None)


@dataclass(frozen=True)
class GridStakeholder:
    stakeholder_id: int
    name: str
    category: StakeholderCategory
    attitude: Attitude
    note: str
    author_id: str
    created_at: datetime
    touchpoints: tuple[str, ...]
    raters: int  # n: how many participants rated this stakeholder
    influence: AxisScore | None  # None until someone rates
    interest: AxisScore | None
    quadrant: Quadrant | None  # None until someone rates


@dataclass(frozen=True)
class GridResult:
    workshop_id: int
    title: str
    rater_count: int  # distinct participants who rated at least one stakeholder
    stakeholders: tuple[GridStakeholder, ...]  # most influential first; unrated ones last

    @property
    def rated(self) -> tuple[GridStakeholder, ...]:
        return tuple(s for s in self.stakeholders if s.quadrant is not None)

    @property
    def unrated(self) -> tuple[GridStakeholder, ...]:
        return tuple(s for s in self.stakeholders if s.quadrant is None)

    def in_quadrant(self, quadrant: Quadrant) -> tuple[GridStakeholder, ...]:
        return tuple(s for s in self.stakeholders if s.quadrant is quadrant)


def stakeholder_grid(session: Session, team_id: str, workshop_id: int) -> GridResult:
    """Every stakeholder of the workshop with its place on the grid: one GROUP BY query for the
    ratings, one for the touchpoints, one for the number of raters."""
    workshop = get_workshop(session, team_id, workshop_id)
    rating = StakeholderRating
    rows = session.execute(
        sa_select(
            Stakeholder,
            func.count(col(rating.id)),
            func.sum(col(rating.influence)),
            func.sum(col(rating.influence) * col(rating.influence)),
            func.sum(col(rating.interest)),
            func.sum(col(rating.interest) * col(rating.interest)),
        )
        .outerjoin(
            rating,
            and_(
                col(rating.stakeholder_id) == col(Stakeholder.id),
                col(rating.team_id) == team_id,
            ),
        )
        .where(*in_workshop(Stakeholder, team_id, workshop_id))
        .group_by(col(Stakeholder.id))
    ).all()
    touchpoints = _touchpoint_names(session, team_id, workshop_id)
    raters = session.exec(
        select(func.count(func.distinct(rating.rater_id))).where(
            *in_workshop(rating, team_id, workshop_id)
        )
    ).one()
    stakeholders = [
        _grid_stakeholder(row, count, inf_sum, inf_sq, int_sum, int_sq, touchpoints)
        for row, count, inf_sum, inf_sq, int_sum, int_sq in rows
    ]
    stakeholders.sort(key=_influence_order)
    return GridResult(pk(workshop), workshop.title, raters, tuple(stakeholders))


def _grid_stakeholder(
    row: Stakeholder,
    count: int,
    influence_sum: int | None,
    influence_squares: int | None,
    interest_sum: int | None,
    interest_squares: int | None,
    touchpoints: Mapping[int, tuple[str, ...]],
) -> GridStakeholder:
    influence = interest = quadrant = None
    if count:
        # Sums over `count` rows of NOT NULL scores: numbers (None only when nobody rated).
        assert influence_sum is not None and influence_squares is not None
        assert interest_sum is not None and interest_squares is not None
        influence = AxisScore.from_sums(count, int(influence_sum), int(influence_squares))
        interest = AxisScore.from_sums(count, int(interest_sum), int(interest_squares))
        quadrant = classify(influence.mean, interest.mean)
    return GridStakeholder(
        stakeholder_id=pk(row),
        name=row.name,
        category=StakeholderCategory(row.category),
        attitude=Attitude(row.attitude),
        note=row.note,
        author_id=row.author_id,
        created_at=row.created_at,
        touchpoints=touchpoints.get(pk(row), ()),
        raters=count,
        influence=influence,
        interest=interest,
        quadrant=quadrant,
    )


def _influence_order(stakeholder: GridStakeholder) -> tuple:
    if stakeholder.influence is None or stakeholder.interest is None:
        return (1, 0.0, 0.0, stakeholder.name.casefold(), stakeholder.stakeholder_id)
    return (
        0,
        -stakeholder.influence.mean,
        -stakeholder.interest.mean,
        stakeholder.name.casefold(),
        stakeholder.stakeholder_id,
    )


def _touchpoint_names(
    session: Session, team_id: str, workshop_id: int
) -> dict[int, tuple[str, ...]]:
    rows = session.exec(
        select(StakeholderTouchpoint.stakeholder_id, Touchpoint.name)
        .join(Touchpoint, col(Touchpoint.id) == col(StakeholderTouchpoint.touchpoint_id))
        .join(JourneyStage, col(JourneyStage.id) == col(Touchpoint.stage_id))
        .where(
            StakeholderTouchpoint.team_id == team_id,
            *in_workshop(Touchpoint, team_id, workshop_id),
        )
        .order_by(col(JourneyStage.position), col(Touchpoint.position))
    ).all()
    names: dict[int, list[str]] = {}
    for stakeholder_id, name in rows:
        names.setdefault(stakeholder_id, []).append(name)
    return {stakeholder_id: tuple(found) for stakeholder_id, found in names.items()}


# Board figures -------------------------------------------------------------------------------


@register_figures
def stakeholder_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """During the stakeholders phase the board shows how many stakeholders there are and how
    many participants have rated them."""
    if workshop.phase != OPEN_PHASE:
        return []
    stakeholders = count_of(session, Stakeholder, workshop)
    raters = session.exec(
        select(func.count(func.distinct(StakeholderRating.rater_id))).where(
            *of_workshop(StakeholderRating, workshop)
        )
    ).one()
    participants = participant_count(session, workshop)
    return [
        Figure("Stakeholders", str(stakeholders)),
        Figure("Rated by", f"{raters} of {participants} participants"),
    ]
