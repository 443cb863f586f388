"""A finished or running game as text and as plain data.

``transcript`` gives the round-by-round story a person reads (news, proposals and the
answers to them); ``game_record`` gives everything a program needs — scenario, seed,
move log, per-round data, outcomes and analysis — as JSON-ready data, identical for the
same scenario, seed and moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sim.engine.model import NegotiationModel
from sim.results.analysis import analyse
from sim.results.plain import plain
from sim.scenario.politics import OPTION_NAMES

VERBS = {"accept": "accepts", "reject": "rejects", "walk": "walks away"}


def package_text(model: NegotiationModel, track: str, package: tuple[float, ...]) -> str:
    """A package as one line, issue by issue by name: ``Reciprocal tariff on Japan 15%, …``
    (kept in the rules: a class server writes every offer of a table's history into each
    view of every move)."""
    rules = model.rules
    spaces = rules.track[track].spaces

    def text() -> str:
        return ", ".join(f"{s.name} {s.show(x)}" for s, x in zip(spaces, package, strict=True))

    return rules.derive(("package text", track, package), text)


def _offers(model: NegotiationModel) -> list[tuple]:
    """The offers table as (round, track, proposer, package, response) rows."""
    table = model.datacollector.tables["offers"]
    columns = ("round", "track", "proposer", "package", "response")
    return list(zip(*(table[c] for c in columns), strict=True))


def offer_rows(model: NegotiationModel) -> list[dict]:
    """The offers table of the DataCollector, packages decoded for people."""
    tracks = model.rules.track
    return [
        {"round": r, "track": t, "proposer": p, "package": tracks[t].decode(pkg), "response": resp}
        for r, t, p, pkg, resp in _offers(model)
    ]


def transcript(model: NegotiationModel) -> Iterator[str]:
    """The game so far, round by round, as lines of text."""
    names = {p: a.name for p, a in model.countries.items()}
    subjects = _subject_names(model)
    offers = _offers(model)
    tracks = model.rules.track
    politics = politics_rows(model)
    for round_ in range(model.round + 1):
        if round_:
            yield f"Round {round_} of {model.rounds}"
        for when, event in model.news:
            if when == round_:
                yield f"  news: {event.news}"
        for row in politics:
            if row["round"] == round_ and row["phase"] in ("consultation", "signals"):
                yield "  " + _politics_line(row, names, subjects)
        for r, track, proposer, package, response in offers:
            if r != round_:
                continue
            worth = ", ".join(
                f"{names[p]} {model.world.valuation(p, track)(package):.2f}"
                for p in tracks[track].parties
            )
            responder = tracks[track].other(proposer)
            yield f"  {tracks[track].name}: {names[proposer]} proposes ({worth})"
            yield f"    {package_text(model, track, package)}"
            yield f"    {names[responder]} {VERBS[response]}"
            for row in politics:
                if (row["round"], row["phase"], row["subject"]) == (r, "ratification", track):
                    yield "    " + _politics_line(row, names, subjects)
        for row in politics:
            if row["round"] == round_ and row["phase"] == "precedent":
                yield "  " + _politics_line(row, names, subjects)
        for track, talks in model.talks.items():
            if talks.closed_round == round_ and talks.status == "walked":
                yield f"  {tracks[track].name}: talks end, someone walked away"
            if talks.closed_round == round_ and talks.status == "broke-down":
                yield f"  {tracks[track].name}: talks break down after the refusal"
    if model.finished:
        for track, talks in model.talks.items():
            if talks.status == "no-deal":
                yield f"{tracks[track].name}: no deal by the deadline; escalations hold"


def politics_rows(model: NegotiationModel) -> list[dict]:
    """The consultation, signals, ratification and precedent notes, one dict per row."""
    table = model.datacollector.tables["politics"]
    columns = list(table)
    return [dict(zip(columns, values, strict=True)) for values in zip(*table.values(), strict=True)]


def _subject_names(model: NegotiationModel) -> dict[str, str]:
    """What the politics notes are about — tracks, issues, threats, outside options and
    consultation options — by id, as people read them."""
    scenario = model.rules.scenario
    names = {t.id: t.name for t in scenario.tracks} | {i.id: i.name for i in scenario.issues}
    for party in scenario.parties:
        names |= {t.id: t.name for t in party.signals.threats}
        names |= {o.id: o.name for o in party.signals.outside_options}
    return names | OPTION_NAMES


def _politics_line(row: dict, names: dict[str, str], subjects: dict[str, str]) -> str:
    """A politics note in words: the engine records ids (``japan now holds …``), and the
    transcript reads them out by name."""
    who = f"{names[row['party']]}: " if row["party"] else ""
    outcome = re.sub(
        r"(?<![\w-])[a-z][a-z0-9_-]*(?![\w-])",
        lambda word: names.get(word.group(), word.group()),
        row["outcome"],
    )
    subject = subjects.get(row["subject"], row["subject"])
    return f"{row['phase']}: {who}{subject} {outcome}"


def game_record(
    model: NegotiationModel, scenario_source: str = "", overrides: tuple[str, ...] = ()
) -> dict:
    """Everything about a game as JSON-ready data (deterministic for seed and moves)."""
    columns = model.datacollector.model_vars
    return {
        "scenario": {
            "source": scenario_source,
            "title": model.rules.scenario.title,
            "overrides": list(overrides),
        },
        "seed": model.seed,
        "humans": sorted(model.humans),
        "finished": model.finished,
        "rounds_played": model.round,
        "events": [{"round": r, "event": e.id, "news": e.news} for r, e in model.news],
        "offers": offer_rows(model),
        "politics": politics_rows(model),
        "per_round": [
            {name: plain(values[n]) for name, values in columns.items()}
            for n in range(len(columns["round"]))
        ],
        "log": [entry.to_dict() for entry in model.log],
        "outcome": analyse(model).to_dict(),
    }
