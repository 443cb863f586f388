"""``trilateral study``: paired arms on the same seeds, with confidence intervals."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sim.cli.extras import require_batch_extra
from sim.cli.options import ScenarioArg, SeedOption, SetOption, load_or_exit
from sim.cli.output import err, out, progress
from sim.scenario.loading import ScenarioError


def study(
    scenario: ScenarioArg,
    runs: Annotated[
        int, typer.Option(min=2, help="Games per arm (the same seeds in every arm).")
    ] = 200,
    seed: SeedOption = 0,
    set_: SetOption = None,
) -> None:
    """Compare arms on paired seeds: consultation, parity pact, tied hands on and off."""
    require_batch_extra("study", ["scipy"])
    from sim.experiments.study import arms_for, run_study
    from sim.results.stats import mean_interval, paired_difference

    base = load_or_exit(scenario, set_)
    arms = arms_for(base)
    try:
        with progress("playing", runs * len(arms)) as advance:
            results = run_study(scenario, runs, set_ or (), seed, advance)
    except ScenarioError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    parties = [p.id for p in base.parties]
    tracks = list(results[0].games.agreed)
    table = Table(
        title=f"{base.title} — {runs} paired games per arm, seeds {seed}..{seed + runs - 1}",
        title_justify="left",
    )
    table.add_column("arm")
    for party in parties:
        table.add_column(f"{party} utility (95% CI)", justify="right")
    for track in tracks:
        table.add_column(f"{track} deals", justify="right")
        table.add_column(f"{track} round", justify="right")
    for result in results:
        row = [result.arm.name]
        for party in parties:
            mean, half = mean_interval(result.games.utility[party])
            row.append(f"{mean:.3f} ± {half:.3f}")
        for track in tracks:
            agreed = result.games.agreed[track]
            row.append(f"{sum(agreed) / len(agreed):.0%}")
            rounds = [r for r in result.games.round[track] if r is not None]
            row.append(f"{sum(rounds) / len(rounds):.1f}" if rounds else "—")
        table.add_row(*row)
    out.print(table)
    diff = Table(
        title=f"Paired difference from '{results[0].arm.name}' (95% CI)", title_justify="left"
    )
    diff.add_column("arm")
    for party in parties:
        diff.add_column(party, justify="right")
    for result in results[1:]:
        cells = []
        for party in parties:
            mean, half = paired_difference(
                result.games.utility[party], results[0].games.utility[party]
            )
            cells.append(f"{mean:+.4f} ± {half:.4f}")
        diff.add_row(result.arm.name, *cells)
    out.print(diff)
    out.print(
        "Arms: "
        + "; ".join(
            f"{r.arm.name} = {' '.join(r.arm.overrides) or 'the scenario as written'}"
            for r in results
        ),
        markup=False,
    )
