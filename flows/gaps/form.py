"""The rating form: one participant's answers in the current round, in pages of a few touchpoints
(two choices each), and the optional details pages (importance, comment) for what they rated.

Pages hold at most RATING_PAGE_SIZE touchpoints in journey order. They follow the stages where
they can: the paging uses as few pages as possible and, among those, breaks inside as few stages
as possible (the default journey of 19 touchpoints in stages of 4, 4, 3, 3 and 5 takes five pages:
Awareness | Consideration | Decision | Purchase + Onboarding | the rest of Post-purchase).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from flows.errors import Conflict, NotFound
from flows.gaps.aggregation import JourneyTouchpoint, current_round, journey_touchpoints
from flows.gaps.ratings import Answer
from flows.personas import round_persona
from flows.scope import of_workshop
from flows.workshops import get_workshop
from storage.models import GapRating, Phase, Workshop, pk

MAX_PAGE_INPUTS = 8  # inputs on one page of a form (DESIGN.md: at most about eight)
SCORE_CHOICES = 2  # expectation and experience: the two choices a touchpoint asks for
RATING_PAGE_SIZE = MAX_PAGE_INPUTS // SCORE_CHOICES  # touchpoints per rating page
DETAILS_PAGE_SIZE = 4  # rated touchpoints per details page (the form passes its own figure)


@dataclass(frozen=True)
class RatingPage:
    index: int
    stage_names: tuple[str, ...]  # the stages the page's touchpoints belong to, in order
    touchpoint_ids: tuple[int, ...]
    rated: int  # how many of them the rater has rated in this round

    @property
    def complete(self) -> bool:
        return self.rated == len(self.touchpoint_ids)

    @property
    def title(self) -> str:
        return " · ".join(self.stage_names)


@dataclass(frozen=True)
class TouchpointAnswer:
    touchpoint_id: int
    name: str
    answer: Answer | None  # the rater's answer in this round, if any
    stage_name: str = ""


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
    persona: str | None = None  # whose journey: the persona this round is rated for, if any

    @property
    def touchpoint_count(self) -> int:
        return sum(len(page.touchpoint_ids) for page in self.pages)

    @property
    def rated_count(self) -> int:
        return sum(page.rated for page in self.pages)

    @property
    def next_page(self) -> RatingPage | None:
        """Where this page's submit button goes: the following page, or None on the last."""
        following = self.page.index + 1
        return self.pages[following] if following < len(self.pages) else None

    @property
    def first_unrated_page(self) -> int | None:
        return next((page.index for page in self.pages if not page.complete), None)


def rating_sheet(
    session: Session, team_id: str, workshop_id: int, user_id: str, page_index: int | None = None
) -> RatingSheet:
    """The rating form's page `page_index` for this user, pre-filled with their answers in the
    current round; by default the first page with something left to rate."""
    workshop, number, journey = _rating_journey(session, team_id, workshop_id)
    answers = _user_answers(session, workshop, number, user_id)
    # With the emotion curve on, each touchpoint asks a third question: fewer fit on a page.
    inputs = SCORE_CHOICES + (1 if workshop.emotion_curve else 0)
    pages = paginate(journey, answers, max(1, MAX_PAGE_INPUTS // inputs))
    if page_index is None:
        page_index = next((page.index for page in pages if not page.complete), 0)
    if not 0 <= page_index < len(pages):
        raise NotFound("That page of the rating form no longer exists; open it again.")
    page = pages[page_index]
    by_id = {tp.id: tp for tp in journey}
    for_persona = round_persona(session, workshop, number)
    return RatingSheet(
        workshop_id=pk(workshop),
        title=workshop.title,
        round=number,
        pages=pages,
        page=page,
        items=tuple(
            TouchpointAnswer(tp, by_id[tp].name, answers.get(tp), by_id[tp].stage_name)
            for tp in page.touchpoint_ids
        ),
        unrated=tuple(tp.name for tp in journey if tp.id not in answers),
        emotion_curve=workshop.emotion_curve,
        persona=for_persona.name if for_persona is not None else None,
    )


@dataclass(frozen=True)
class DetailsSheet:
    """One details page: importance and comment for touchpoints the rater has rated."""

    workshop_id: int
    title: str
    round: int
    index: int  # 0-based page of the details
    count: int  # details pages in all
    items: tuple[TouchpointAnswer, ...]  # each with its answer (never None)

    @property
    def is_last(self) -> bool:
        return self.index + 1 >= self.count


def details_sheet(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    index: int = 0,
    page_size: int = DETAILS_PAGE_SIZE,
) -> DetailsSheet:
    """Page `index` of the details of what this user has rated in the current round, in pages
    of `page_size` touchpoints (an index past the end gives the last page)."""
    workshop, number, journey = _rating_journey(session, team_id, workshop_id)
    answers = _user_answers(session, workshop, number, user_id)
    rated = [
        TouchpointAnswer(tp.id, tp.name, answers[tp.id], tp.stage_name)
        for tp in journey
        if tp.id in answers
    ]
    if not rated:
        raise Conflict("Rate a touchpoint first: importance and comments go with a rating.")
    chunks = [rated[s : s + page_size] for s in range(0, len(rated), page_size)]
    index = min(max(index, 0), len(chunks) - 1)
    return DetailsSheet(
        pk(workshop), workshop.title, number, index, len(chunks), tuple(chunks[index])
    )


def _rating_journey(
    session: Session, team_id: str, workshop_id: int
) -> tuple[Workshop, int, list[JourneyTouchpoint]]:
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase != Phase.rating:
        raise Conflict("Rating happens in the Gap rating phase, and this workshop is not in it.")
    journey = journey_touchpoints(session, workshop)
    if not journey:
        raise NotFound("This workshop has no touchpoints to rate.")
    return workshop, current_round(session, workshop), journey


def page_breaks(stage_ids: Sequence[int], size: int = RATING_PAGE_SIZE) -> list[int]:
    """Where pages start, for touchpoints in journey order (given by their stage ids): the fewest
    pages of at most `size`, and among those the fewest breaks inside a stage (a break at i is
    inside a stage when touchpoints i - 1 and i share it). Dynamic programming over the prefix
    lengths; ties fill the earlier pages first."""
    count = len(stage_ids)
    best: list[tuple[int, int] | None] = [None] * (count + 1)
    start: list[int] = [0] * (count + 1)
    best[0] = (0, 0)
    for end in range(1, count + 1):
        splits = 1 if end < count and stage_ids[end - 1] == stage_ids[end] else 0
        for begin in range(max(0, end - size), end):
            before = best[begin]
            if before is None:
                continue
            cost = (before[0] + 1, before[1] + splits)
            if best[end] is None or cost <= best[end]:  # type: ignore[operator]
                best[end], start[end] = cost, begin
    breaks, end = [], count
    while end > 0:
        end = start[end]
        breaks.append(end)
    return sorted(breaks)


def paginate(
    journey: list[JourneyTouchpoint], answers: Mapping[int, object], size: int = RATING_PAGE_SIZE
) -> tuple[RatingPage, ...]:
    starts = page_breaks([tp.stage_id for tp in journey], size)
    pages: list[RatingPage] = []
    for index, begin in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(journey)
        chunk = journey[begin:end]
        ids = tuple(tp.id for tp in chunk)
        pages.append(
            RatingPage(
                index=index,
                stage_names=tuple(dict.fromkeys(tp.stage_name for tp in chunk)),
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
            col(GapRating.touchpoint_id),
            col(GapRating.expectation),
            col(GapRating.experience),
            col(GapRating.importance),
            col(GapRating.comment),
            col(GapRating.emotion),
        ).where(
            *of_workshop(GapRating, workshop),
            col(GapRating.round) == number,
            col(GapRating.user_id) == user_id,
        )
    ).all()
    return {row[0]: Answer(*row[1:]) for row in rows}
