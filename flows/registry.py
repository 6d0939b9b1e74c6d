"""Providers that features register, each with an order, for a summary built from their parts:
the digest's sections (flows.digest) and the export's tables (flows.exports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P", bound=Callable[..., object])


@dataclass(frozen=True)
class Registration(Generic[P]):
    order: int
    name: str  # the provider's module and qualified name
    provider: P


class Registry(Generic[P]):
    """Providers by name: registering the same function again replaces it."""

    def __init__(self) -> None:
        self._by_name: dict[str, Registration[P]] = {}

    def register(self, order: int) -> Callable[[P], P]:
        """Decorator: adds the provider, to be called in `order` (lowest first)."""

        def register(provider: P) -> P:
            name = _name(provider)
            self._by_name[name] = Registration(order, name, provider)
            return provider

        return register

    def unregister(self, provider: P) -> None:
        self._by_name.pop(_name(provider), None)

    def in_order(self) -> list[Registration[P]]:
        """Lowest order first; the same order by name."""
        return sorted(self._by_name.values(), key=lambda r: (r.order, r.name))


def _name(provider: Callable[..., object]) -> str:
    return f"{provider.__module__}.{provider.__qualname__}"
