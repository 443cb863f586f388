"""Small scenarios built in code, for tests that need a precise bargaining problem."""

from __future__ import annotations

from sim.scenario import Scenario


def bilateral(issues: list[dict], a: dict, b: dict, rounds: int = 20, events=()) -> Scenario:
    """A two-party, one-track scenario: parties ``a`` and ``b`` on track ``a-b``.

    ``issues`` are issue dicts without ``track``; ``a`` and ``b`` are party dicts
    without ``id``/``name`` (patience, strategy, preferences, bottom_lines, reservation).
    """
    return Scenario.model_validate(
        {
            "title": "test",
            "rounds": rounds,
            "parties": [
                {"id": "a", "name": "A", **a},
                {"id": "b", "name": "B", **b},
            ],
            "tracks": [{"id": "a-b", "name": "A–B", "parties": ["a", "b"]}],
            "issues": [{"name": i["id"].upper(), "track": "a-b", **i} for i in issues],
            "events": list(events),
        }
    )


def split(
    patience_a: float, patience_b: float, strategy: str = "equilibrium", rounds: int = 50
) -> Scenario:
    """Rubinstein's pie: one continuous issue, ``a``'s share, which ``b`` wants small."""
    return bilateral(
        [{"id": "share", "min": 0, "max": 1, "status_quo": 0.5}],
        {
            "patience": patience_a,
            "strategy": {"name": strategy},
            "preferences": {"share": {"weight": 1, "shape": "rising"}},
        },
        {
            "patience": patience_b,
            "strategy": {"name": strategy},
            "preferences": {"share": {"weight": 1, "shape": "falling"}},
        },
        rounds=rounds,
    )
