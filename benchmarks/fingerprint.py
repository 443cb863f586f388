"""A fingerprint of many games: one hash that changes when any outcome changes.

A refactoring that must change no game (a module moved, a cache added) is checked by
printing the fingerprint before and after it. Every bundled scenario and the bilateral
benchmark are played all-AI for ``--games`` seeds; each game contributes its per-round
data, offers, politics notes, news, move log and every party's result, and the first
seeds also the full analysis (frontier and Nash solution, tens of milliseconds a track).
The hash is SHA-256 over their canonical JSON, printed per scenario and in total:

    python benchmarks/fingerprint.py [--games 300]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sim.engine.model import NegotiationModel  # noqa: E402
from sim.engine.rules import Rules  # noqa: E402
from sim.results.analysis import party_result  # noqa: E402
from sim.results.transcript import game_record, offer_rows, politics_rows  # noqa: E402
from sim.scenario.loading import bundled_scenarios, load_scenario  # noqa: E402

ANALYSED = 3
"""Seeds whose record includes the full analysis."""


def game_data(rules: Rules, seed: int) -> dict:
    """Everything a game produced, as plain data."""
    model = NegotiationModel(rules, seed=seed)
    model.run()
    if seed < ANALYSED:
        return game_record(model)
    columns = model.datacollector.model_vars
    return {
        "per_round": {name: list(values) for name, values in columns.items()},
        "offers": offer_rows(model),
        "politics": politics_rows(model),
        "events": [(r, e.id) for r, e in model.news],
        "log": [entry.to_dict() for entry in model.log],
        "parties": {
            p: dataclasses.asdict(party_result(model.world, model.talks, p))
            for p in rules.party_ids
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=300, help="seeds per scenario")
    args = parser.parse_args()
    sources = [*sorted(bundled_scenarios()), str(HERE / "bilateral-3x11.yaml")]
    total = hashlib.sha256()
    for source in sources:
        rules = Rules(load_scenario(source))
        digest = hashlib.sha256()
        for seed in range(args.games):
            text = json.dumps(game_data(rules, seed), sort_keys=True, default=repr)
            digest.update(text.encode())
        total.update(digest.digest())
        print(f"{Path(source).stem:24} {digest.hexdigest()[:16]}")
    print(f"{'all':24} {total.hexdigest()}")


if __name__ == "__main__":
    main()
