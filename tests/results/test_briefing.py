"""The confidential role sheet: what a team is told, and what it must never be told."""

from __future__ import annotations

import re

import pytest

from sim.engine.rules import Rules
from sim.engine.world import World
from sim.results.briefing import role_sheet
from sim.scenario.loading import load_scenario
from tests.factories import CLASSROOM, bilateral

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
    assert "| Section 232 tariff on Japanese autos and parts | at most 15% to 20% |" in lines
    assert "| US troops in Japan | at least 43 thousand to 47 thousand |" in lines
    assert "drawn when a game starts" in lines


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


# Another party's private numbers: its weights, bottom lines, reservation, patience, role.
PRIVATE = {
    "us": [
        "parties.us.preferences.jp_tariff.weight=30",
        "parties.us.preferences.kr_hns.weight=1",
        "parties.us.bottom_lines.jp_tariff.min=15",
        "parties.us.bottom_lines.kr_investment.min=300",
        "parties.us.reservation.us-japan=0.45",
        "parties.us.reservation.us-korea=0.1",
        "parties.us.patience=0.8",
    ],
    "japan": [
        "parties.japan.preferences.jp_autos.weight=2",
        "parties.japan.bottom_lines.jp_autos.max=22.5",
        "parties.japan.reservation.us-japan=0.1",
    ],
    "korea": [
        "parties.korea.preferences.kr_tariff.weight=40",
        "parties.korea.bottom_lines.kr_tariff.max=24",
        "parties.korea.reservation.us-korea=0.5",
    ],
}


@pytest.mark.parametrize("party", ["us", "japan", "korea"])
def test_a_sheet_and_its_points_do_not_move_with_another_partys_numbers(party):
    """What a team reads, its points section included, is the same whatever the others'
    private numbers are: so none of them can be read from it."""
    others = [change for other, changes in PRIVATE.items() if other != party for change in changes]
    changed = role_sheet(load_scenario("baseline-2025", others), party)
    assert changed == role_sheet(BASELINE, party)
    mine = role_sheet(load_scenario("baseline-2025", PRIVATE[party]), party)
    assert section(mine, "Your points") != section(changed, "Your points")  # the test can see


def test_the_points_section_prices_each_issue_and_states_the_score_and_a_breachs_cost():
    sheet = role_sheet(load_scenario(CLASSROOM), "japan")
    points = section(sheet, "Your points")
    assert "0 is no deal, 100 the best deal the other side's bottom lines allow you" in points
    assert "**US–Japan talks**, 100% of your score. No deal is worth 18.2 points" in points
    assert (
        "- **Reciprocal tariff on Japan**, up to 36.4 points: 0%→36.4 (your best), 8%→30.5, "
        "16%→24.7, 24%→18.9 (today), 25%→18.2 (your limit, if no deal)"
    ) in points
    assert "Each bottom line you break costs 10 points of your score" in section(
        sheet, "Your bottom lines"
    )
    dear = role_sheet(load_scenario(CLASSROOM, ["scoring.breach=25"]), "japan")
    assert "Each bottom line you break costs 25 points of your score" in dear
    assert "takes 25 points off your score" in dear
    us = role_sheet(load_scenario(CLASSROOM), "us")
    assert "**US–Korea talks**, 50% of your score" in section(us, "Your points")


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
    points = section(sheet, "Your points")
    assert "- **VENUE**, up to 25.0 points: tokyo→25.0 (your best), seoul→12.5, " in points
    assert "dc→0.0 (ruled out, today, if no deal)" in points
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


def test_the_facilitators_sheet_ends_with_the_scenarios_debrief_questions_in_order():
    from sim.results.briefing import facilitator_sheet

    questions = section(facilitator_sheet(BASELINE), "Questions for the debrief")
    numbered = re.findall(r"^(\d+)\. (.+)$", questions, re.M)
    assert [int(n) for n, _ in numbered] == list(range(1, len(BASELINE.debrief) + 1))
    assert [q for _, q in numbered] == [" ".join(q.split()) for q in BASELINE.debrief]
    assert "Questions for the debrief" not in facilitator_sheet(load_scenario(CLASSROOM))
