"""``trilateral check``: claims judged on paired games, by the 95 % interval of the difference."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.cli.app import build_app
from sim.experiments.check import judge, run_check
from sim.experiments.paired import Games
from sim.scenario.expectations import Claim
from sim.scenario.loading import bundled_scenarios
from tests.factories import BAD_SCENARIOS

app = build_app()
runner = CliRunner()

HARD = """\
extends: base.yaml
parties.beta.reservation.alpha-beta: 0.9  # beta now refuses all but the best deals
expectations:
  against: base.yaml
  claims:
{claims}
"""
TRUE = [
    "{measure: agreement, track: alpha-beta, is: lower}",
    "{measure: utility, party: alpha, is: lower}",
]
FALSE = "{measure: agreement, track: alpha-beta, is: higher}"


def hard(tmp_path, claims=TRUE):
    """A scenario whose reference agrees every time and that, demanding more, never does."""
    (tmp_path / "base.yaml").write_text((BAD_SCENARIOS / "base.yaml").read_text())
    path = tmp_path / "hard.yaml"
    path.write_text(HARD.format(claims="\n".join(f"    - {c}" for c in claims)))
    return str(path)


def claim(measure: str, subject: str, direction: str) -> Claim:
    key = {"agreement": "track", "round": "track", "deal": "issue"}.get(measure, "party")
    return Claim.model_validate({"measure": measure, key: subject, "is": direction})


def test_a_claim_holds_when_its_whole_interval_is_on_its_side():
    games = Games(utility={"a": [0.5, 0.6, 0.7, 0.6]})
    base = Games(utility={"a": [0.4, 0.4, 0.5, 0.5]})
    verdict = judge(claim("utility", "a", "higher"), games, base)
    assert verdict.pairs == 4 and verdict.difference == pytest.approx(0.15)
    assert 0 < verdict.half_width < verdict.difference and verdict.held
    assert not judge(claim("utility", "a", "lower"), games, base).held
    noisy = Games(utility={"a": [0.9, 0.1, 0.8, 0.2]})
    wide = judge(claim("utility", "a", "higher"), noisy, base)
    assert wide.difference > 0 and wide.difference - wide.half_width < 0 and not wide.held


def test_agreement_is_a_difference_of_ones_and_zeros():
    games = Games(agreed={"t": [False] * 5})
    base = Games(agreed={"t": [True] * 5})
    verdict = judge(claim("agreement", "t", "lower"), games, base)
    assert (verdict.mean, verdict.reference, verdict.difference) == (0.0, 1.0, -1.0)
    assert verdict.half_width == 0 and verdict.held  # every game differs the same way


def test_deal_measures_pair_only_games_where_both_made_the_deal():
    games = Games(round={"t": [3, None, 5, 4]}, deal={"x": [10.0, None, 12.0, None]})
    base = Games(round={"t": [2, 4, None, 3]}, deal={"x": [8.0, 9.0, 9.0, None]})
    rounds = judge(claim("round", "t", "higher"), games, base)
    assert rounds.pairs == 2 and (rounds.mean, rounds.reference) == (3.5, 2.5)
    deal = judge(claim("deal", "x", "higher"), games, base)
    assert deal.pairs == 2 and deal.difference == pytest.approx(2.5)
    lonely = judge(claim("deal", "x", "higher"), Games(deal={"x": [1.0, None, None, None]}), base)
    assert lonely.pairs == 1 and not lonely.held  # one pair has no interval
    none = judge(claim("round", "t", "lower"), Games(round={"t": [None] * 4}), base)
    assert none.pairs == 0 and not none.held


def test_a_much_higher_reservation_lowers_agreement_on_the_same_seeds(tmp_path):
    check = run_check(hard(tmp_path, [*TRUE, FALSE]), runs=12, seed=3)
    agreement, utility, wrong = check.verdicts
    assert (agreement.mean, agreement.reference) == (0.0, 1.0) and agreement.held
    assert utility.difference < 0 and utility.held
    assert not wrong.held and not check.held
    again = run_check(hard(tmp_path, [*TRUE, FALSE]), runs=12, seed=3)
    assert again.verdicts == check.verdicts  # the same seeds, the same games


def test_a_scenario_without_expectations_has_nothing_to_check():
    assert run_check(str(BAD_SCENARIOS / "base.yaml"), runs=2) is None


def test_check_exits_0_when_every_claim_holds_and_writes_json(tmp_path):
    out = tmp_path / "check.json"
    result = runner.invoke(
        app, ["check", hard(tmp_path), "--runs", "8", "--json", str(out)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "2 of 2 claims held" in result.output and "NOT held" not in result.output
    record = json.loads(out.read_text())
    assert record["held"] is True and record["runs"] == 8
    assert [c["measure"] for c in record["claims"]] == ["agreement", "utility"]
    assert record["claims"][0] | {"held": None} == {
        "measure": "agreement",
        "track": "alpha-beta",
        "is": "lower",
        "pairs": 8,
        "mean": 0.0,
        "reference": 1.0,
        "difference": -1.0,
        "half_width": 0.0,
        "held": None,
    }


def test_check_exits_1_when_a_claim_fails(tmp_path):
    path = hard(tmp_path, [*TRUE, FALSE])
    result = runner.invoke(app, ["check", path, "--runs", "6"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "alpha-beta agreement is higher" in result.output
    assert "NOT held" in result.output and "2 of 3 claims held" in result.output


def test_check_exits_2_for_a_bad_scenario_or_override(tmp_path):
    bad = runner.invoke(app, ["check", str(BAD_SCENARIOS / "expectations-unknown-party.yaml")])
    assert bad.exit_code == 2 and "unknown party 'gamma'" in bad.output
    assert "Traceback" not in bad.output
    override = runner.invoke(app, ["check", hard(tmp_path), "--set", "rounds=0"])
    assert override.exit_code == 2 and "--set" in override.output


def test_check_says_so_when_there_is_nothing_to_check():
    result = runner.invoke(app, ["check", str(BAD_SCENARIOS / "base.yaml"), "--runs", "2"])
    assert result.exit_code == 0 and "states no expectations" in result.output


@pytest.mark.parametrize("name", list(bundled_scenarios()))
def test_every_bundled_scenario_keeps_its_lessons(name):
    """About three seconds a scenario: 300 paired games, as `trilateral check` plays them."""
    check = run_check(name, runs=300)
    failed = [str(v.claim) for v in (check.verdicts if check else ()) if not v.held]
    assert not failed, f"{name}: these claims no longer hold at 300 paired games: {failed}"
