"""Rating progress: how many participants rated in the current round, and the board's figures
while the team rates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from flows.board import Figure, register_figures
from flows.gaps.aggregation import count_ratings, current_round, participants_and_raters
from flows.gaps.like_for_like import compared_round
from flows.gaps.statistics import percentage
from flows.scope import count_of
from storage.models import Phase, Touchpoint, Workshop


@dataclass(frozen=True)
class RatingProgress:
    round: int
    participants: int
    raters: int
    ratings_given: int
    touchpoints: int

    @property
    def possible(self) -> int:
        return self.participants * self.touchpoints

    @property
    def completeness(self) -> int | None:
        """Ratings given / (participants × touchpoints), as a whole percentage."""
        return percentage(self.ratings_given, self.possible)


def rating_progress(session: Session, workshop: Workshop) -> RatingProgress:
    number = current_round(session, workshop)
    touchpoints = count_of(session, Touchpoint, workshop)
    participants, raters = participants_and_raters(session, workshop, (number,))
    return RatingProgress(
        round=number,
        participants=participants,
        raters=raters[number],
        ratings_given=count_ratings(session, workshop, number),
        touchpoints=touchpoints,
    )


@register_figures
def rating_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """The board's progress figures while the team rates."""
    if workshop.phase != Phase.rating:
        return []
    progress = rating_progress(session, workshop)
    round_text = str(progress.round)
    compared = compared_round(session, workshop, progress.round)
    if compared.previous is not None:
        round_text += f" · compared with {compared.previous_words()}"
    completeness = progress.completeness
    # Imported here: flows.personas reads gap aggregates, and this module loads with flows.gaps.
    from flows.personas import round_persona

    persona = round_persona(session, workshop, progress.round)
    if persona is not None:  # a round per persona: the board says whose journey is rated
        round_text += f" · for the persona {persona.name}"
        if compared.previous is None:
            round_text += " · its first round, compared with none"
    return [
        Figure("Rating round", round_text),
        Figure("Rated", f"{progress.raters} of {progress.participants} participants"),
        Figure(
            "Scores in",
            f"{progress.ratings_given} of {progress.possible} "
            f"({completeness if completeness is not None else 0} %: "
            f"{progress.participants} people × {progress.touchpoints} touchpoints)",
        ),
    ]
