"""The confidential role sheet: what a team is told, and what it must never be told."""

from __future__ import annotations

import re

import pytest

from sim.engine.rules import Rules
from sim.engine.world import World
from sim.results.briefing import role_sheet
from sim.scenario.loading import load_scenario
from tests.factories import bilateral

BASELINE = load_scenario("baseline-2025")


def section(sheet: str, title: str) -> str:
    """The text of one ``## title`` section of a sheet."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", sheet, re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_a_sheet_tells_the_party_its_situation_and_private_numbers():
    sheet = role_sheet(BASELINE, "japan")
    assert sheet.startswith("# Japan: confidential role sheet")
    assert "Ishiba government" in section(sheet, "Your situation")
    talks = section(sheet, "Your talks")
    assert "| US–Japan talks | United States |" in talks and "| 0.30 |" in talks
    assert "US–Korea talks" not in talks  # Japan does not sit at that table
    assert "Patience δ = 0.9:" in section(sheet, "Your patience")
    lines = section(sheet, "Your bottom lines")
    assert "| Section 232 tariff on Japanese autos and parts | at most 17.5% |" in lines
    assert "| US troops in Japan | at least 45 thousand |" in lines


def test_priorities_are_normalised_and_sorted_by_weight():
    rows = re.findall(
        r"^\| (.+?) \| (\d+)% \| (.+?) \|$",
        section(role_sheet(BASELINE, "japan"), "Your priorities"),
        re.M,
    )
    weights = [int(w) for _, w, _ in rows]
    assert weights == sorted(weights, reverse=True)
    assert 98 <= sum(weights) <= 102  # rounded shares of 100%
    japan = BASELINE.party("japan").preferences
    total = sum(p.weight for p in japan.values())
    assert weights[0] == round(100 * max(p.weight for p in japan.values()) / total)
    wants = {name: want for name, _, want in rows}
    assert wants["US troops in Japan"] == "higher"
    assert wants["Japan's defense spending"] == "near 2 % GDP"


def test_no_deal_utility_is_the_engines():
    rules = Rules(BASELINE)
    world = World(rules)
    track = rules.track["us-korea"]
    no_deal = world.valuation("korea", "us-korea")(world.no_deal(track))
    assert f"| US–Korea talks | United States | {no_deal:.2f} | 0.30 |" in role_sheet(
        rules, "korea"
    )


@pytest.mark.parametrize("party", ["us", "japan", "korea"])
def test_a_sheet_never_shows_another_partys_private_numbers(party):
    sheet = role_sheet(BASELINE, party)
    for other in BASELINE.parties:
        if other.id == party:
            continue
        assert " ".join(other.role.split())[:60] not in sheet
        others = section(sheet, "What you know of the others")
        block = others.split(f"**{other.name}** wants")[1].split("**")[0]
        assert "%" not in block.replace("% GDP", "")  # directions only, no weights
        assert "at most" not in block and "at least" not in block
    # The other parties' bottom lines appear nowhere: US's floor on Japan's pledge, say.
    if party != "us":
        assert "at least 100 $bn" not in sheet


def test_others_directions_are_public():
    others = section(role_sheet(BASELINE, "korea"), "What you know of the others")
    assert "- Reciprocal tariff on Japan: higher" in others.split("**Japan** wants")[0]
    assert "- US troops in Japan: higher" in others.split("**Japan** wants")[1]


def test_options_and_refusals_are_written_in_words():
    scenario = bilateral(
        [
            {
                "id": "venue",
                "kind": "categorical",
                "options": ["tokyo", "seoul", "dc"],
                "status_quo": "dc",
            },
            {"id": "joint", "kind": "boolean", "status_quo": False},
        ],
        {
            "patience": 0.8,
            "preferences": {
                "venue": {"weight": 1, "values": {"tokyo": 1, "seoul": 0.5, "dc": 0}},
                "joint": {"weight": 3, "values": {"true": 1, "false": 0}},
            },
            "bottom_lines": {"venue": {"reject": ["dc"]}, "joint": {"reject": [False]}},
            "role": "You host.",
        },
        {
            "patience": 0.9,
            "preferences": {"venue": {"weight": 1, "values": {"tokyo": 0, "seoul": 0.2, "dc": 1}}},
        },
    )
    sheet = role_sheet(scenario, "a")
    assert "| JOINT | 75% | yes > no |" in sheet
    assert "| VENUE | 25% | tokyo > seoul > dc |" in sheet
    assert "| VENUE | never dc |" in sheet and "| JOINT | never no |" in sheet
    assert "| VENUE | tokyo / seoul / dc | dc | dc |" in sheet
    assert "- VENUE: dc > seoul > tokyo" in sheet
    assert "You have no hard limits" in role_sheet(scenario, "b")


def test_rules_and_scenario_give_the_same_sheet_and_unknown_parties_fail():
    assert role_sheet(BASELINE, "us") == role_sheet(Rules(BASELINE), "us")
    with pytest.raises(KeyError, match="unknown party 'china'"):
        role_sheet(BASELINE, "china")


def test_politics_at_home_signals_and_the_channel_are_each_partys_own():
    japan, us = role_sheet(BASELINE, "japan"), role_sheet(BASELINE, "us")
    home = section(japan, "At home")
    assert "approval stands at 0.35" in home and "reaches 0.35" in home
    assert "no ratification vote" in section(us, "At home")
    assert "Tie your hands" in section(japan, "Your signals")
    assert "Tariff threat against Japan" in section(us, "Your signals")
    assert "Tariff threat" not in japan  # the US's signals are the US's to know
    assert "You may consult South Korea" in section(japan, "Japan–Korea consultation")
    assert "## Japan–Korea consultation" not in us
    assert "US troops in Japan" in section(japan, "Security")
