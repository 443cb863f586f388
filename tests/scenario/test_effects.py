"""The grammar of effect targets: every valid path parses to its target, every other path
is refused, and a scenario's bad targets get the messages authors have always seen."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.effects import (
    GRAMMAR,
    TARGET_DESCRIPTION,
    Effect,
    Target,
    TargetError,
    parse_target,
)
from sim.scenario.json_schema import scenario_schema
from sim.scenario.loading import BUNDLED_DIR
from sim.scenario.references import effect_problem
from tests.factories import bilateral, trio

HINT = (
    "an effect target is issues.ID.status_quo, issues.ID.escalation, parties.ID.patience, "
    "parties.ID.approval, parties.ID.credibility, parties.ID.reservation.TRACK, "
    "parties.ID.batna.TRACK, parties.ID.preferences.ISSUE.weight, alliance.trust, "
    "alliance.sentiment or security.threat"
)

PATHS = {
    "status_quo": lambda party, issue, track: (f"issues.{issue}.status_quo", {"issue": issue}),
    "escalation": lambda party, issue, track: (f"issues.{issue}.escalation", {"issue": issue}),
    "patience": lambda party, issue, track: (f"parties.{party}.patience", {"party": party}),
    "approval": lambda party, issue, track: (f"parties.{party}.approval", {"party": party}),
    "credibility": lambda party, issue, track: (f"parties.{party}.credibility", {"party": party}),
    "reservation": lambda party, issue, track: (
        f"parties.{party}.reservation.{track}",
        {"party": party, "track": track},
    ),
    "batna": lambda party, issue, track: (
        f"parties.{party}.batna.{track}",
        {"party": party, "track": track},
    ),
    "weight": lambda party, issue, track: (
        f"parties.{party}.preferences.{issue}.weight",
        {"party": party, "issue": issue},
    ),
    "trust": lambda party, issue, track: ("alliance.trust", {}),
    "sentiment": lambda party, issue, track: ("alliance.sentiment", {}),
    "threat": lambda party, issue, track: ("security.threat", {}),
}
"""Each kind of target: the path naming it from given ids, and the ids its target holds."""

VALID = re.compile(
    r"issues\.[^.]*\.(status_quo|escalation)"
    r"|parties\.[^.]*\.(patience|approval|credibility)"
    r"|parties\.[^.]*\.(reservation|batna)\.[^.]*"
    r"|parties\.[^.]*\.preferences\.[^.]*\.weight"
    r"|alliance\.(trust|sentiment)"
    r"|security\.threat"
)

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
WORDS = sorted({word for path in GRAMMAR.values() for word in path.split(".")})
paths = st.lists(st.sampled_from([*WORDS, "japan", "us-japan", "", "x"]), min_size=1, max_size=6)


def test_the_grammar_has_a_path_for_every_kind():
    assert GRAMMAR.keys() == PATHS.keys()
    for kind, path in GRAMMAR.items():
        assert parse_target(path).kind == kind


@given(st.sampled_from(sorted(PATHS)), ids, ids, ids)
def test_every_valid_path_parses_to_its_target(kind, party, issue, track):
    path, named = PATHS[kind](party, issue, track)
    assert parse_target(path) == Target(kind, **named)


@given(paths)
def test_a_path_outside_the_grammar_is_refused_with_the_hint(parts):
    path = ".".join(parts)
    if VALID.fullmatch(path):
        assert parse_target(path).kind in GRAMMAR
        return
    with pytest.raises(TargetError, match=re.escape(HINT)) as refused:
        parse_target(path)
    named = parts[1] if len(parts) >= 3 and parts[0] == "parties" else None
    assert refused.value.party == named


def scenarios():
    with_channel = trio()
    categorical = {"id": "flag", "kind": "categorical", "options": ["x", "y"], "status_quo": "x"}
    party = {
        "patience": 0.9,
        "strategy": {"name": "linear"},
        "preferences": {"q": {"weight": 1, "shape": "rising"}},
    }
    without = bilateral(
        [{"id": "q", "min": 0, "max": 1, "status_quo": 0}, categorical], party, party
    )
    return with_channel, without


@pytest.mark.parametrize(
    ("path", "in_trio", "in_bilateral"),
    [
        ("issues.tariff_a.status_quo", None, "unknown issue 'tariff_a' (known: flag, q)"),
        (
            "issues.nope.escalation",
            "unknown issue 'nope' (known: buy_a, buy_b, tariff_a, tariff_b)",
            "unknown issue 'nope' (known: flag, q)",
        ),
        ("issues.flag.escalation", ..., "issue 'flag' is not numeric: events change numbers only"),
        ("parties.a.patience", None, None),
        ("parties.nobody.approval", "unknown party 'nobody' (known: a, b, us)", ...),
        ("parties.nobody.mood", "unknown party 'nobody' (known: a, b, us)", ...),
        ("parties.a.mood", HINT, HINT),
        ("parties.a", HINT, HINT),
        ("parties.a.reservation.us-a", None, "unknown track 'us-a' (known: a-b)"),
        ("parties.us.batna.us-b", None, "unknown party 'us' (known: a, b)"),
        ("parties.a.preferences.tariff_a.weight", None, ...),
        (
            "parties.a.preferences.tariff_b.weight",
            "party 'a' has no preference for issue 'tariff_b'",
            ...,
        ),
        (
            "alliance.trust",
            None,
            "the scenario has no consultation channel (add a consultation section)",
        ),
        ("security.threat", None, None),
        ("", HINT, HINT),
        ("security", HINT, HINT),
    ],
)
def test_a_scenario_refuses_a_target_it_has_no_number_for(path, in_trio, in_bilateral):
    effect = Effect(target=path, add=1)
    for scenario, expected in zip(scenarios(), (in_trio, in_bilateral), strict=True):
        if expected is not ...:
            assert effect_problem(effect, scenario) == expected


def test_an_effect_parses_its_target_once_and_keeps_its_value_semantics():
    effect = Effect(target="parties.a.patience", add=-0.1)
    assert effect.parsed_target is effect.parsed_target
    again = Effect(target="parties.a.patience", add=-0.1)
    assert effect == again and hash(effect) == hash(again)
    assert effect.model_dump() == {"target": "parties.a.patience", "set": None, "add": -0.1}
    assert pickle.loads(pickle.dumps(effect)).parsed_target == Target("patience", party="a")


def test_the_schema_and_the_authors_guide_give_the_grammar():
    target = scenario_schema()["$defs"]["Effect"]["properties"]["target"]
    assert target["description"] == TARGET_DESCRIPTION
    guide = (BUNDLED_DIR / "README.md").read_text(encoding="utf-8")
    for path in GRAMMAR.values():
        assert f"`{path}`" in TARGET_DESCRIPTION and f"`{path}`" in guide
