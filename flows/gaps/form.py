"""The rating form: one participant's answers in the current round, paged by stage (long stages
split over several pages)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from flows.errors import Conflict, NotFound
from flows.gaps.aggregation import JourneyTouchpoint, current_round, journey_touchpoints
from flows.gaps.ratings import Answer
from flows.workshops import get_workshop
from storage.models import GapRating, Phase, Workshop

RATING_PAGE_SIZE = 8  # touchpoints per modal page: 5 blocks each keeps a page far below 100


@dataclass(frozen=True)
class RatingPage:
    index: int
    stage_name: str
    part: int  # 1-based, when a long stage is split over several pages
    parts: int
    touchpoint_ids: tuple[int, ...]
    rated: int  # how many of them the rater has rated in this round

    @property
    def complete(self) -> bool:
        return self.rated == len(self.touchpoint_ids)


@dataclass(frozen=True)
class TouchpointAnswer:
    touchpoint_id: int
    name: str
    answer: Answer | None  # the rater's answer in this round, if any


@dataclass(frozen=True)
class RatingSheet:
    """One page of one participant's rating form, and their progress over the whole journey."""

    workshop_id: int
    title: str
    round: int
    pages: tuple[RatingPage, ...]
    page: RatingPage
    items: tuple[TouchpointAnswer, ...]
    unrated: tuple[str, ...]  # names of the touchpoints the rater has not rated yet, in order
    emotion_curve: bool = False  # ask how the customer feels at each touchpoint (−2…+2)

    @property
    def touchpoint_count(self) -> int:
        return sum(len(page.touchpoint_ids) for page in self.pages)

    @property
    def rated_count(self) -> int:
        return sum(page.rated for page in self.pages)

    @property
    def suggested_next(self) -> int | None:
        """The next page (after this one, wrapping) with something left to rate; None if none."""
        count = len(self.pages)
        for step in range(1, count):
            page = self.pages[(self.page.index + step) % count]
            if not page.complete:
                return page.index
        return None


def rating_sheet(
    session: Session, team_id: str, workshop_id: int, user_id: str, page_index: int | None = None
) -> RatingSheet:
    """The rating form's page `page_index` for this user, pre-filled with their answers in the
    current round; by default the first page with something left to rate."""
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase != Phase.rating:
        raise Conflict("Rating happens in the Gap rating phase, and this workshop is not in it.")
    number = current_round(session, workshop)
    journey = journey_touchpoints(session, workshop)
    if not journey:
        raise NotFound("This workshop has no touchpoints to rate.")
    answers = _user_answers(session, workshop, number, user_id)
    pages = _paginate(journey, answers)
    if page_index is None:
        page_index = next((page.index for page in pages if not page.complete), 0)
    if not 0 <= page_index < len(pages):
        raise NotFound("That page of the rating form no longer exists; open it again.")
    page = pages[page_index]
    names = {tp.id: tp.name for tp in journey}
    return RatingSheet(
        workshop_id=workshop.id,
        title=workshop.title,
        round=number,
        pages=pages,
        page=page,
        items=tuple(TouchpointAnswer(tp, names[tp], answers.get(tp)) for tp in page.touchpoint_ids),
        unrated=tuple(tp.name for tp in journey if tp.id not in answers),
        emotion_curve=workshop.emotion_curve,
    )


def _paginate(
    journey: list[JourneyTouchpoint], answers: Mapping[int, Answer]
) -> tuple[RatingPage, ...]:
    by_stage: dict[int, list[JourneyTouchpoint]] = {}
    for tp in journey:
        by_stage.setdefault(tp.stage_id, []).append(tp)
    pages: list[RatingPage] = []
    for stage_touchpoints in by_stage.values():
        chunks = [
            stage_touchpoints[start : start + RATING_PAGE_SIZE]
            for start in range(0, len(stage_touchpoints), RATING_PAGE_SIZE)
        ]
        for part, chunk in enumerate(chunks, start=1):
            ids = tuple(tp.id for tp in chunk)
            pages.append(
                RatingPage(
                    index=len(pages),
                    stage_name=chunk[0].stage_name,
                    part=part,
                    parts=len(chunks),
                    touchpoint_ids=ids,
                    rated=sum(1 for tp in ids if tp in answers),
                )
            )
    return tuple(pages)


def _user_answers(
    session: Session, workshop: Workshop, number: int, user_id: str
) -> dict[int, Answer]:
    rows = session.execute(
        select(
            GapRating.touchpoint_id,
            GapRating.expectation,
            GapRating.experience,
            GapRating.importance,
            GapRating.comment,
            GapRating.emotion,
        ).where(
            GapRating.team_id == workshop.team_id,
            GapRating.workshop_id == workshop.id,
            GapRating.round == number,
            GapRating.user_id == user_id,
        )
    ).all()
    return {row[0]: Answer(*row[1:]) for row in rows}
