"""Strategy switches that keep the old strategy's params: refused where they are written.

A party's ``strategy`` is a mapping, so a variation or a ``--set`` that changes only its
``name`` keeps the ``params`` it inherits. Many params mean something to several strategies
(``exponent`` is both boulware's and conceder's), so the switched party would validate and
quietly play with numbers meant for another strategy: ``--set parties.us.strategy.name=conceder``
on baseline-2025 gives a conceder with boulware's ``exponent: 0.5``, which plays as a boulware.
A change that switches a strategy must therefore also say what becomes of the params.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sim.scenario.models import Strategy
from sim.scenario.yaml_safe import show

DEFAULT = Strategy.model_fields["name"].default
"""The strategy of a party that names none."""


class Switch(NamedTuple):
    """A party's strategy given a new name while some of the old strategy's params stay."""

    loc: tuple
    """Where the party's ``strategy`` mapping is in the data."""
    party: str
    """The party's id."""
    old: str
    """The strategy's name before the change."""
    new: str
    """Its name after."""
    kept: dict
    """The params the change left as they were."""

    @property
    def path(self) -> str:
        """The dotted path of the party's strategy, the party named by its id."""
        return f"parties.{self.party}.strategy"

    def message(self, params_path: str, assign: str) -> str:
        """What happened and the fix, the fix written as ``params_path`` ``assign`` ``{}``."""
        kept = ", ".join(f"{key}: {show(value)}" for key, value in self.kept.items())
        return (
            f"changing the strategy from {self.old!r} to {self.new!r} keeps {self.old}'s params "
            f"{{{kept}}}; also set {params_path}{assign}{{}} (or the params {self.new} should have)"
        )


def strategy_names(data: Any) -> dict[str, str]:
    """Party id → the name of its strategy, taken before a change to compare against after it."""
    return {ident: _name(party) for _, ident, party in _parties(data)}


def switches(names: dict[str, str], data: Any, wrote: Callable[[tuple], bool]) -> list[Switch]:
    """Each party of ``data`` whose strategy is no longer the one ``names`` gives it, while
    params the change did not write stay.

    Args:
        names: what ``strategy_names`` returned before the change.
        data: the scenario's data after the change.
        wrote: whether the change wrote the value at a loc (at it, inside it, or by
            replacing what holds it).
    """
    found = []
    for n, ident, party in _parties(data):
        new, loc = _name(party), ("parties", n, "strategy")
        params = party.get("strategy", {}).get("params")
        if ident not in names or new == names[ident] or not isinstance(params, dict):
            continue
        kept = {key: value for key, value in params.items() if not wrote((*loc, "params", key))}
        if kept:
            found.append(Switch(loc, ident, names[ident], new, kept))
    return found


def _parties(data: Any) -> list[tuple[int, str, dict]]:
    """(index, id, party) of each party in the data with an id and a strategy mapping, if any."""
    parties = data.get("parties") if isinstance(data, dict) else None
    return [
        (n, party["id"], party)
        for n, party in enumerate(parties if isinstance(parties, list) else ())
        if isinstance(party, dict)
        and isinstance(party.get("id"), str)
        and isinstance(party.get("strategy", {}), dict)
    ]


def _name(party: dict) -> Any:
    return party.get("strategy", {}).get("name", DEFAULT)
