"""Gap rating input: validating one page of a participant's answers and saving them in the
current round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlmodel import Session, col

from flows.errors import Conflict, InvalidInput, NotFound
from flows.gaps.aggregation import current_round
from flows.personas import rater_persona_id
from flows.scope import count_of, in_workshop, of_workshop
from flows.workshops import get_workshop, join_workshop
from storage.db import insert_into
from storage.models import GapRating, Phase, Touchpoint, Workshop, utcnow
from storage.models.gaps import (
    EMOTION_SCALE,
    EXPECTATION_SCALE,
    EXPERIENCE_SCALE,
    IMPORTANCE_SCALE,
    MAX_COMMENT_LENGTH,
)

RATING_FIELDS = ("expectation", "experience", "importance", "comment")


def field_key(field_name: str, touchpoint_id: int) -> str:
    """The name of one answer field, e.g. "expectation:12" (the modal uses it as block id)."""
    return f"{field_name}:{touchpoint_id}"


@dataclass(frozen=True)
class RawAnswer:
    """What the form sent for one touchpoint, as text (None or blank when left empty)."""

    expectation: str | None = None
    experience: str | None = None
    importance: str | None = None
    comment: str | None = None
    emotion: str | None = None  # "-2"…"2", asked only when the workshop's emotion curve is on


@dataclass(frozen=True)
class Answer:
    expectation: int
    experience: int
    importance: int | None = None
    comment: str | None = None
    emotion: int | None = None

    @property
    def gap(self) -> int:
        return self.experience - self.expectation


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _parse_score(
    value: str | None, scale: tuple[int, int], label: str, key: str, errors: dict[str, str]
) -> int | None:
    if _blank(value):
        return None
    low, high = scale
    try:
        number = int(value.strip())  # type: ignore[union-attr]
    except ValueError:
        errors[key] = f"{label} must be a whole number from {low} to {high}."
        return None
    if not low <= number <= high:
        errors[key] = f"{label} must be from {low} to {high}."
        return None
    return number


def validate_answer(touchpoint_id: int, raw: RawAnswer, errors: dict[str, str]) -> Answer | None:
    """One touchpoint's answer, or None when it was left entirely blank (or is invalid: its
    problems are added to `errors`, keyed by field_key)."""
    problems: dict[str, str] = {}
    key = {name: field_key(name, touchpoint_id) for name in RATING_FIELDS}
    expectation = _parse_score(
        raw.expectation, EXPECTATION_SCALE, "Expectation", key["expectation"], problems
    )
    experience = _parse_score(
        raw.experience, EXPERIENCE_SCALE, "Experience", key["experience"], problems
    )
    importance = _parse_score(
        raw.importance, IMPORTANCE_SCALE, "Importance", key["importance"], problems
    )
    emotion_key = field_key("emotion", touchpoint_id)
    emotion = _parse_score(raw.emotion, EMOTION_SCALE, "Feeling", emotion_key, problems)
    comment = None if _blank(raw.comment) else raw.comment.strip()  # type: ignore[union-attr]
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        problems[key["comment"]] = f"Keep the comment to {MAX_COMMENT_LENGTH} characters."
    has_expectation, has_experience = not _blank(raw.expectation), not _blank(raw.experience)
    if has_experience and not has_expectation:
        problems[key["expectation"]] = "Choose the expectation too, or skip both."
    elif has_expectation and not has_experience:
        problems[key["experience"]] = "Choose the experience too, or skip both."
    elif not has_expectation and (importance is not None or comment is not None):
        problems[key["expectation"]] = (
            "Rate expectation and experience to save an importance or a comment."
        )
    elif not has_expectation and emotion is not None:
        problems[key["expectation"]] = "Rate expectation and experience to save a feeling."
    errors.update(problems)
    if problems or expectation is None or experience is None:
        return None
    return Answer(expectation, experience, importance, comment, emotion)


def validate_answers(raw_answers: Mapping[int, RawAnswer]) -> dict[int, Answer | None]:
    """Every touchpoint's answer (None = left blank), or InvalidInput with every problem."""
    errors: dict[str, str] = {}
    answers = {tp: validate_answer(tp, raw, errors) for tp, raw in raw_answers.items()}
    if errors:
        raise InvalidInput(errors)
    return answers


@dataclass(frozen=True)
class SavedRatings:
    workshop: Workshop
    round: int
    saved: int  # touchpoints rated (new or changed answers)
    cleared: int  # touchpoints whose earlier rating was withdrawn by leaving them blank
    joined: bool  # the rater joined the workshop with this submission
    rated_before: int  # how many touchpoints the rater had rated in this round before...
    rated_after: int  # ...and after this submission

    @property
    def progress_changed(self) -> bool:
        """Whether the board's figures (raters, completeness, participants) moved."""
        return self.joined or self.rated_before != self.rated_after


def _rating_open(
    session: Session, team_id: str, workshop_id: int, touchpoint_ids: Iterable[int], saving: str
) -> Workshop:
    """The workshop, if it is in the Gap rating phase and has those touchpoints."""
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase != Phase.rating:
        raise Conflict(
            "Rating is closed: the workshop has moved on from the Gap rating phase, "
            f"so these {saving} were not saved."
        )
    _check_touchpoints(session, workshop, touchpoint_ids)
    return workshop


def save_ratings(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    raw_answers: Mapping[int, RawAnswer],
) -> SavedRatings:
    """Validate and store one page of a participant's answers in the current round.

    All or nothing: any invalid field raises InvalidInput and nothing is saved. A touchpoint left
    blank is not rated (an earlier answer to it in this round is withdrawn: the form showed it,
    and the rater cleared it). Each answer is an upsert on (touchpoint, round, rater).
    """
    workshop = _rating_open(session, team_id, workshop_id, raw_answers.keys(), "answers")
    answers = validate_answers(raw_answers)
    number = current_round(session, workshop)
    joined = join_workshop(session, workshop, user_id)
    rated_before = _count_user_ratings(session, workshop, number, user_id)
    rated = {tp: answer for tp, answer in answers.items() if answer is not None}
    blank = [tp for tp, answer in answers.items() if answer is None]
    if rated:
        persona_id = rater_persona_id(session, workshop, user_id)
        _upsert_ratings(session, workshop, number, user_id, rated, persona_id)
    cleared = 0
    if blank:
        cleared = session.exec(
            delete(GapRating).where(
                *in_workshop(GapRating, team_id, workshop_id),
                col(GapRating.round) == number,
                col(GapRating.user_id) == user_id,
                col(GapRating.touchpoint_id).in_(blank),
            )
        ).rowcount
    rated_after = _count_user_ratings(session, workshop, number, user_id)
    return SavedRatings(workshop, number, len(rated), cleared, joined, rated_before, rated_after)


def _count_user_ratings(session: Session, workshop: Workshop, number: int, user_id: str) -> int:
    return count_of(
        session,
        GapRating,
        workshop,
        col(GapRating.round) == number,
        col(GapRating.user_id) == user_id,
    )


def _check_touchpoints(session: Session, workshop: Workshop, touchpoint_ids: Iterable[int]) -> None:
    wanted = set(touchpoint_ids)
    found = set(
        session.execute(
            select(col(Touchpoint.id)).where(
                *of_workshop(Touchpoint, workshop),
                col(Touchpoint.id).in_(wanted),
            )
        ).scalars()
    )
    if found != wanted:
        raise NotFound("Some of these touchpoints are not part of this workshop.")


def _upsert_ratings(
    session: Session,
    workshop: Workshop,
    number: int,
    user_id: str,
    answers: Mapping[int, Answer],
    persona_id: int | None = None,
) -> None:
    now = utcnow()
    rows = [
        {
            "team_id": workshop.team_id,
            "workshop_id": workshop.id,
            "touchpoint_id": touchpoint_id,
            "round": number,
            "user_id": user_id,
            "expectation": answer.expectation,
            "experience": answer.experience,
            "importance": answer.importance,
            "comment": answer.comment,
            # Only asked while the emotion curve is on; otherwise a feeling sent is ignored and
            # one given earlier is kept.
            "emotion": answer.emotion if workshop.emotion_curve else None,
            "persona_id": persona_id,
            "created_at": now,
            "updated_at": now,
        }
        for touchpoint_id, answer in answers.items()
    ]
    statement = insert_into(session, GapRating).values(rows)
    changed: dict[str, ColumnElement[Any]] = {
        name: statement.excluded[name] for name in ("expectation", "experience", "persona_id")
    }
    # A page without details (the rating form's score pages) keeps the earlier ones.
    for name in ("importance", "comment"):
        changed[name] = func.coalesce(statement.excluded[name], getattr(GapRating, name))
    if workshop.emotion_curve:  # the score pages ask for the feeling while the curve is on
        changed["emotion"] = statement.excluded["emotion"]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["touchpoint_id", "round", "user_id"],
            set_={**changed, "updated_at": statement.excluded["updated_at"]},
        )
    )


@dataclass(frozen=True)
class RawDetails:
    """What a details page sent for one rated touchpoint (None or blank when left empty)."""

    importance: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SavedDetails:
    workshop: Workshop
    round: int
    saved: int  # touchpoints whose importance and comment were written


def save_details(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    raw_details: Mapping[int, RawDetails],
) -> SavedDetails:
    """Set the importance and comment of the rater's answers in the current round (blank clears
    them). All or nothing: an invalid field, or a touchpoint without a rating of this rater in
    this round (withdrawn since the page was drawn), raises InvalidInput keyed by field_key."""
    workshop = _rating_open(session, team_id, workshop_id, raw_details.keys(), "details")
    number = current_round(session, workshop)
    rated = set(
        session.execute(
            select(col(GapRating.touchpoint_id)).where(
                *in_workshop(GapRating, team_id, workshop_id),
                col(GapRating.round) == number,
                col(GapRating.user_id) == user_id,
                col(GapRating.touchpoint_id).in_(list(raw_details)),
            )
        ).scalars()
    )
    errors: dict[str, str] = {}
    values: dict[int, tuple[int | None, str | None]] = {}
    for touchpoint_id, raw in raw_details.items():
        importance_key = field_key("importance", touchpoint_id)
        if touchpoint_id not in rated:
            errors[importance_key] = "Rate this touchpoint first (its rating was withdrawn)."
            continue
        importance = _parse_score(
            raw.importance, IMPORTANCE_SCALE, "Importance", importance_key, errors
        )
        comment = None if _blank(raw.comment) else raw.comment.strip()  # type: ignore[union-attr]
        if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
            errors[field_key("comment", touchpoint_id)] = (
                f"Keep the comment to {MAX_COMMENT_LENGTH} characters."
            )
        values[touchpoint_id] = (importance, comment)
    if errors:
        raise InvalidInput(errors)
    now = utcnow()
    for touchpoint_id, (importance, comment) in values.items():
        session.execute(
            update(GapRating)
            .where(
                *in_workshop(GapRating, team_id, workshop_id),
                col(GapRating.round) == number,
                col(GapRating.user_id) == user_id,
                col(GapRating.touchpoint_id) == touchpoint_id,
            )
            .values(importance=importance, comment=comment, updated_at=now)
        )
    return SavedDetails(workshop, number, len(values))
