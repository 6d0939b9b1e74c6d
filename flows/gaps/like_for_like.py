"""Which earlier round a round is compared with: like for like by persona.

A round is either rated by everyone (each rater for the persona they chose, if any) or given to
one persona by the facilitator (`/workshop round persona NAME`, table round_persona). Comparing a
persona's round with the round before it would compare two personas' journeys, so:

- a persona's round is compared with the **latest earlier round of the same persona**; when the
  persona has no earlier round, nothing is compared (and the results say so);
- a round rated by everyone is compared with the **latest earlier round rated by everyone**.

Both kinds form a **line of rounds** (the persona's rounds, or everyone's). Trends over many
rounds (flows/loop.py, flows/follows.py) follow round 1's line, the rounds the loop was opened
on; the other lines' rounds count in no trend (README "Closing the loop").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from flows.scope import of_workshop
from storage.models import Persona, RoundPersona, Workshop


@dataclass(frozen=True)
class ComparedRound:
    """Round `round` and the round it is compared with (`previous`, None: nothing to compare)."""

    round: int
    persona: str | None  # the persona the round was given to; None: rated by everyone
    previous: int | None

    @property
    def skips_rounds(self) -> bool:
        """True when rounds of another line lie between the two compared rounds."""
        return self.previous is not None and self.previous != self.round - 1

    def previous_words(self) -> str:
        """ "round 1, the last round for Busy parent"; "round 2" when it is simply the round
        before and both were everyone's; "" when nothing is compared."""
        if self.previous is None:
            return ""
        words = f"round {self.previous}"
        if self.persona is not None:
            return f"{words}, the last round for {self.persona}"
        if self.skips_rounds:
            return f"{words}, the last round rated by everyone"
        return words

    def since(self) -> str:
        """ "since round 1, the last round for Busy parent", or ""."""
        return f"since {self.previous_words()}" if self.previous is not None else ""

    def nothing_to_compare(self) -> str:
        """Why nothing is compared: "" in round 1 (nothing earlier at all)."""
        if self.previous is not None or self.round <= 1:
            return ""
        if self.persona is not None:
            return f"No earlier round for {self.persona}, so nothing is compared."
        return "No earlier round rated by everyone, so nothing is compared."


def round_personas(session: Session, workshop: Workshop) -> dict[int, int]:
    """Round number → the persona id it was given to (rounds rated by everyone are absent)."""
    rows = session.execute(
        select(col(RoundPersona.round), col(RoundPersona.persona_id)).where(
            *of_workshop(RoundPersona, workshop),
        )
    ).all()
    return {number: persona_id for number, persona_id in rows}


def previous_like(personas: Mapping[int, int], number: int) -> int | None:
    """The latest round before `number` of the same line (same persona, or both everyone's)."""
    line = personas.get(number)
    return next((n for n in range(number - 1, 0, -1) if personas.get(n) == line), None)


def same_line(personas: Mapping[int, int], rounds: Iterable[int], as_round: int) -> list[int]:
    """The rounds of `rounds` in the same line as `as_round`, in the order given."""
    line = personas.get(as_round)
    return [n for n in rounds if personas.get(n) == line]


def compared_round(session: Session, workshop: Workshop, number: int) -> ComparedRound:
    """Round `number` of `workshop` and the earlier round it is compared with."""
    personas = round_personas(session, workshop)
    persona_id = personas.get(number)
    name = None
    if persona_id is not None:
        name = session.execute(
            select(col(Persona.name)).where(
                col(Persona.team_id) == workshop.team_id, col(Persona.id) == persona_id
            )
        ).scalar()
    return ComparedRound(number, name, previous_like(personas, number))
