"""``trilateral report``: a batch's results as a Markdown summary and PNG charts.

The charts show how each track ended (status, deal round, utilities), each party's
utility and each track's agreement rate against every varied parameter, and — for a
Sobol' design — each outcome's first-order and total sensitivity indices from
``SALib.analyze.sobol`` (Saltelli, *Computer Physics Communications* 145(2), 2002),
computed on the per-cell means in the order of the design stored in the file's metadata.
Means carry Student-t 95 % intervals (``sim.results.stats``), the same as ``trilateral study``'s.
Charts are drawn on matplotlib ``Figure`` objects, which render with the Agg canvas: no
pyplot state and no display needed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from matplotlib.figure import Figure

from sim.experiments.batch import BatchError
from sim.experiments.batch.plan import PARAMETER
from sim.experiments.batch.summary import Group, Summary, summarise
from sim.io import atomic_path, write_atomic
from sim.results.stats import mean_interval

STATUSES = ("agreed", "walked", "broke-down", "no-deal")
"""How a track can end, in the order the charts show them."""
BINS = 10
"""A numeric parameter with more distinct values than this is shown in as many quantile bins."""


def write_report(results: Path, folder: Path) -> list[Path]:
    """Write ``report.md`` and its charts for a batch's results file into a folder.

    Returns:
        The files written, the Markdown first.

    Raises:
        BatchError: if the file is not a batch's results file.
    """
    summary = summarise(results)
    meta = summary.metadata
    spec = meta["spec"]
    keys = spec["design"]["keys"]
    table = pq.read_table(results)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BatchError(f"{folder}: cannot make the report's folder: {error.strerror}") from None
    charts = {"outcomes.png": _outcomes_chart(table, meta)}
    charts["utilities.png"] = _by_parameter_chart(
        table, keys, {p: table[f"{p}.utility"] for p in meta["parties"]}, "mean utility"
    )
    agreed = {t: _agreed(table, t) for t in meta["tracks"]}
    charts["agreement.png"] = _by_parameter_chart(
        table, keys, agreed, "agreement rate", limits=(-0.02, 1.05)
    )
    sensitivity = None
    if spec["design"]["kind"] == "sobol":
        sensitivity = _sobol_indices(table, meta)
        charts["sensitivity.png"] = _sensitivity_chart(sensitivity, keys, _outcomes(meta))
    written = [folder / "report.md"]
    try:
        for name, figure in charts.items():
            with atomic_path(folder / name) as temporary:
                figure.savefig(temporary, dpi=110, format="png")
            written.append(folder / name)
        write_atomic(written[0], _markdown(results, summary, list(charts), sensitivity))
    except OSError as error:
        raise BatchError(f"{folder}: cannot write the report: {error.strerror}") from None
    return written


def _agreed(table: pa.Table, track: str) -> pa.Array:
    return pc.cast(pc.equal(table[f"{track}.status"], "agreed"), pa.float64())


def _numbers(column) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=float)


def _outcomes_chart(table: pa.Table, meta: dict) -> Figure:
    """Per track: how it ended, when deals were struck, what each side got."""
    tracks = meta["tracks"]
    figure = Figure(figsize=(13, 3.6 * len(tracks)), layout="constrained")
    axes = figure.subplots(len(tracks), 3, squeeze=False)
    rounds = int(pc.max(table["rounds"]).as_py())
    for row, (track, parties) in zip(axes, tracks.items(), strict=True):
        status = table[f"{track}.status"]
        shares = [pc.sum(pc.equal(status, s)).as_py() / len(table) for s in STATUSES]
        bars = row[0].bar(
            STATUSES, shares, color=["tab:green", "tab:red", "tab:orange", "tab:gray"]
        )
        row[0].bar_label(bars, labels=[f"{s:.0%}" for s in shares])
        row[0].set(title=f"{track}: how talks ended", ylabel="share of runs", ylim=(0, 1.1))
        deal_rounds = table[f"{track}.deal_round"].drop_null().to_numpy()
        row[1].hist(deal_rounds, bins=np.arange(0.5, rounds + 1.5), color="tab:green")
        row[1].set(title=f"{track}: round of the deal", xlabel="round", ylabel="runs")
        for party in parties:
            row[2].hist(
                _numbers(table[f"{track}.utility.{party}"]),
                bins=40,
                alpha=0.6,
                label=party,
                color=_colour(meta, party),
            )
        row[2].set(title=f"{track}: track utility of the outcome", xlabel="utility", ylabel="runs")
        row[2].legend()
    return figure


def _by_parameter_chart(
    table: pa.Table,
    keys: list[str],
    series: dict[str, pa.Array],
    label: str,
    limits: tuple[float, float] | None = None,
) -> Figure:
    """Mean and 95 % interval of each series against each varied key (or overall).

    ``limits`` fixes the value axis, e.g. to 0..1 for shares.
    """
    colours = {name: f"C{n}" for n, name in enumerate(series)}
    if not keys:
        figure = Figure(figsize=(6, 4), layout="constrained")
        axes = figure.subplots()
        stats = [mean_interval(_numbers(values)) for values in series.values()]
        axes.bar(
            list(series),
            [m for m, _ in stats],
            yerr=[h for _, h in stats],
            color=[colours[n] for n in series],
            capsize=4,
        )
        axes.set(title=f"{label} over all runs (95 % interval)", ylabel=label, ylim=limits)
        return figure
    figure, panels = _panels(len(keys), 6, 4.2)
    for axes, key in zip(panels, keys, strict=False):
        column = table[PARAMETER + key]
        for name, values in series.items():
            xs, means, halves = _by_value(column, _numbers(values))
            axes.errorbar(
                xs, means, yerr=halves, marker="o", capsize=3, label=name, color=colours[name]
            )
        axes.set(title=f"{label} by {key}", xlabel=key, ylabel=label, ylim=limits)
        axes.legend()
    return figure


def _by_value(column: pa.ChunkedArray, y: np.ndarray) -> tuple[list, list[float], list[float]]:
    """Mean and half 95 % interval of ``y`` per value (or quantile bin) of a parameter."""
    numeric = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
    x = column.to_numpy(zero_copy_only=False)
    distinct = np.unique(x)
    if numeric and len(distinct) > BINS:
        edges = np.quantile(x.astype(float), np.linspace(0, 1, BINS + 1))
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, BINS - 1)
        groups = [which == b for b in range(BINS) if (which == b).any()]
        xs = [float(x[g].mean()) for g in groups]
    else:
        groups = [x == value for value in distinct]
        xs = [value if numeric else str(value) for value in distinct]
    stats = [mean_interval(y[g]) for g in groups]
    return xs, [m for m, _ in stats], [h for _, h in stats]


def _outcomes(meta: dict) -> dict[str, str]:
    """Outcome name → how it reads in the report, for sensitivity analysis."""
    names = {f"{t}.agreed": f"{t} agreement" for t in meta["tracks"]}
    for party in meta["parties"]:
        names[f"{party}.utility"] = f"{party} utility"
        names[f"{party}.score"] = f"{party} score"
    return names


def _sobol_indices(table: pa.Table, meta: dict) -> dict[str, dict | None]:
    """Outcome → SALib's S1, S1_conf, ST, ST_conf (None if the outcome never varies)."""
    from SALib.analyze import sobol

    spec = meta["spec"]
    problem = spec["design"]["problem"]
    columns = {f"{t}.agreed": _agreed(table, t) for t in meta["tracks"]}
    columns |= {name: table[name] for name in _outcomes(meta) if name not in columns}
    per_cell = (
        pa.table({"cell": table["cell"], **columns})
        .group_by("cell")
        .aggregate([(name, "mean") for name in columns])
        .sort_by("cell")
    )
    cells = len(spec["design"]["cells"])
    if per_cell.num_rows != cells:
        raise BatchError(f"the file has results for {per_cell.num_rows} of {cells} design points")
    found: dict[str, dict | None] = {}
    for name in columns:
        y = _numbers(per_cell[f"{name}_mean"])
        if np.ptp(y) == 0:
            found[name] = None
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # near-constant outputs
            try:
                indices = sobol.analyze(problem, y, calc_second_order=False, seed=spec["seed"])
            except ValueError as error:  # a design that is not the Saltelli sample it says
                raise BatchError(f"its Sobol' design cannot be analysed: {error}") from None
        found[name] = {
            k: [float(v) for v in indices[k]] for k in ("S1", "S1_conf", "ST", "ST_conf")
        }
    return found


def _sensitivity_chart(
    sensitivity: dict[str, dict | None], keys: list[str], names: dict[str, str]
) -> Figure:
    """First-order and total indices of each outcome, per parameter, with 95 % intervals."""
    shown = {name: found for name, found in sensitivity.items() if found is not None}
    figure, panels = _panels(len(shown), 4.5, 4)
    positions = np.arange(len(keys))
    for axes, (name, found) in zip(panels, shown.items(), strict=False):
        for offset, index, colour in ((-0.2, "S1", "tab:blue"), (0.2, "ST", "tab:orange")):
            axes.bar(
                positions + offset,
                found[index],
                width=0.4,
                yerr=found[f"{index}_conf"],
                capsize=3,
                label={"S1": "first order", "ST": "total"}[index],
                color=colour,
            )
        axes.set_xticks(positions, [_short(key) for key in keys], rotation=20)
        axes.set(title=names[name], ylabel="Sobol' index")
        axes.legend()
    return figure


def _panels(count: int, width: float, height: float, across: int = 3) -> tuple[Figure, list]:
    """A figure with ``count`` panels (at least one), ``across`` to a row; unused ones hidden."""
    count = max(count, 1)
    columns, rows = min(count, across), -(-count // across)
    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    panels = list(figure.subplots(rows, columns, squeeze=False).flat)
    for spare in panels[count:]:
        spare.set_visible(False)
    return figure, panels


def _short(key: str) -> str:
    """The last two parts of a dotted key: ``korea.patience``."""
    return ".".join(key.split(".")[-2:])


def _colour(meta: dict, party: str) -> str:
    return f"C{meta['parties'].index(party)}"


def _markdown(results: Path, summary: Summary, charts: list[str], sensitivity: dict | None) -> str:
    meta = summary.metadata
    spec = meta["spec"]
    design = spec["design"]
    cells = len(design["cells"])
    lines = [f"# {meta['title']}", ""]
    setting = f"`{spec['source']}`" + (
        " with " + ", ".join(f"`{s}`" for s in spec["fixed"]) if spec["fixed"] else ""
    )
    lines += [
        f"Results of `trilateral batch` in `{results.name}`: scenario {setting}; "
        f"{cells * spec['runs']:,} runs — {cells:,} cell(s) × {spec['runs']:,} seeded runs, "
        f"base seed {spec['seed']}.",
        "",
    ]
    if design["keys"]:
        lines += [
            f"Design: **{design['kind']}** over "
            + ", ".join(f"`{k}`" for k in design["keys"])
            + (f" ({design['samples']} samples)." if design["samples"] else "."),
            "",
        ]
    lines += ["## Agreement and mean payoffs", ""]
    lines += _table(summary, [("all runs", summary.overall)])
    if summary.groups:
        lines += ["", "### Per cell", ""]
        lines += _table(summary, [(_label(g), g) for g in summary.groups])
    captions = {
        "outcomes.png": "How each track ended, the round of its deals, and the track "
        "utility each side got (the deal, else no deal).",
        "utilities.png": "Each party's mean discounted utility with its 95 % interval"
        + (" by each varied parameter." if design["keys"] else "."),
        "agreement.png": "The share of runs with a deal on each track"
        + (" by each varied parameter." if design["keys"] else "."),
        "sensitivity.png": "Sobol' indices of each outcome: first order (the parameter "
        "alone) and total (with its interactions), with 95 % intervals.",
    }
    lines += ["", "## Charts", ""]
    for chart in charts:
        lines += [f"![{chart}]({chart})", "", captions[chart], ""]
    if sensitivity is not None:
        lines += _sensitivity_table(sensitivity, design["keys"], _outcomes(meta))
    return "\n".join(lines).rstrip() + "\n"


def _label(group: Group) -> str:
    return ", ".join(f"{key}={value}" for key, value in group.values.items())


def _table(summary: Summary, groups: list[tuple[str, Group]]) -> list[str]:
    meta = summary.metadata
    head = ["cell", "runs"] + [f"{t} deals" for t in meta["tracks"]]
    head += [f"{p} {what}" for p in meta["parties"] for what in ("utility", "score")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, group in groups:
        row = [label, f"{group.runs:,}"] + [f"{group.agreement[t]:.1%}" for t in meta["tracks"]]
        for party in meta["parties"]:
            row += [f"{group.utility[party]:.3f}", f"{group.score[party]:.1f}"]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _sensitivity_table(
    sensitivity: dict[str, dict | None], keys: list[str], names: dict[str, str]
) -> list[str]:
    lines = ["## Sensitivity (Sobol' indices)", "", "| outcome | parameter | first order | total |"]
    lines.append("|---|---|---|---|")
    for name, found in sensitivity.items():
        if found is None:
            lines.append(f"| {names[name]} | — | constant: no indices | |")
            continue
        for k, key in enumerate(keys):
            lines.append(
                f"| {names[name]} | `{key}` | {found['S1'][k]:.3f} ± {found['S1_conf'][k]:.3f} "
                f"| {found['ST'][k]:.3f} ± {found['ST_conf'][k]:.3f} |"
            )
    return [*lines, ""]
