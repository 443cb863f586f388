"""Small scenarios built in code, for tests that need a precise bargaining problem."""

from __future__ import annotations

import re
from pathlib import Path

from sim.scenario.models import Scenario
from sim.scenario.politics import OPTION_NAMES

HERE = Path(__file__).parent
BAD_SCENARIOS = HERE / "bad_scenarios"
"""Broken scenario files, each beside the exact problems it must produce."""
CLASSROOM = str(HERE / "classroom.yaml")
"""A small three-party scenario for playing whole games through the UI."""


def raw_ids(scenario: Scenario, text: str) -> list[str]:
    """The ids of ``scenario`` — parties, tracks, issues, signals, consultation options —
    that ``text`` prints as whole words, where a player should read names."""
    ids = {p.id for p in scenario.parties} | {t.id for t in scenario.tracks}
    ids |= {i.id for i in scenario.issues} | set(OPTION_NAMES)
    for party in scenario.parties:
        ids |= {t.id for t in party.signals.threats}
        ids |= {o.id for o in party.signals.outside_options}
    return [w for w in re.findall(r"(?<![\w-])[a-z][a-z0-9_-]*(?![\w-])", text) if w in ids]


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


CONSULTATION = {
    "channel": "a-b",
    "trust": 0.5,
    "sentiment": 0.5,
    "share_bottom_lines": {"trust": 0.4},
    "parity_pact": {"trust": 0.6},
    "trust_gain": 0.0,
    "sentiment_gain": 0.0,
}
"""The trio's channel between the allies a and b: sharing bottom lines opens at trust 0.4,
the parity pact at 0.6; trust and sentiment stay where a test puts them."""


def trio(rounds: int = 10, **sections) -> Scenario:
    """A small alliance game: ``us`` bargains with allies ``a`` and ``b`` over one tariff
    each (paired) plus a side issue; ``a`` and ``b`` share a consultation channel.

    Keyword arguments replace top-level sections (``consultation``, ``precedent``,
    ``security``, ``events``) or, as ``us``/``a``/``b``, update that party's dict.
    """

    def ally(me: str, **extra) -> dict:
        return {
            "id": me,
            "name": me.upper(),
            "patience": 0.95,
            "strategy": {"name": "linear"},
            "preferences": {
                f"tariff_{me}": {"weight": 3, "shape": "falling"},
                f"buy_{me}": {"weight": 1, "shape": "falling"},
            },
            "bottom_lines": {f"tariff_{me}": {"max": 30 if me == "a" else 20}},
            **extra,
        }

    us = {
        "id": "us",
        "name": "US",
        "patience": 0.95,
        "strategy": {"name": "boulware"},
        "preferences": {
            "tariff_a": {"weight": 1, "shape": "rising"},
            "buy_a": {"weight": 2, "shape": "rising"},
            "tariff_b": {"weight": 1, "shape": "rising"},
            "buy_b": {"weight": 2, "shape": "rising"},
        },
        **sections.pop("us", {}),
    }
    parties = [us, ally("a", **sections.pop("a", {})), ally("b", **sections.pop("b", {}))]
    issues = []
    for me in ("a", "b"):
        issues += [
            {
                "id": f"tariff_{me}",
                "name": f"Tariff on {me}",
                "track": f"us-{me}",
                "min": 0,
                "max": 50,
                "step": 1,
                "status_quo": 25,
            },
            {
                "id": f"buy_{me}",
                "name": f"Purchases by {me}",
                "track": f"us-{me}",
                "min": 0,
                "max": 10,
                "step": 1,
                "status_quo": 0,
            },
        ]
    data = {
        "title": "trio",
        "rounds": rounds,
        "parties": parties,
        "tracks": [
            {"id": "us-a", "name": "US–A", "parties": ["us", "a"]},
            {"id": "us-b", "name": "US–B", "parties": ["us", "b"]},
            {"id": "a-b", "name": "A–B", "parties": ["a", "b"], "kind": "consultation"},
        ],
        "issues": issues,
        "precedent": {"pull": 0.5, "pact_blunting": 0.5, "pairs": [["tariff_a", "tariff_b"]]},
        "consultation": CONSULTATION,
    }
    data.update(sections)
    return Scenario.model_validate(data)
