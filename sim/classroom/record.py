"""The public record of a game as one team may see it: moves and news.

Who moved on which track, and the news, are public. A package on a track is shown only
to the two parties at that table, with its worth to the viewer alone; a Japan–Korea
consultation answer only to the two allies.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.classroom.game import Game
from sim.engine.moves import Intervention, Move
from sim.results.transcript import package_text
from sim.scenario.politics import OPTION_NAMES


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the move history."""

    round: int
    track: str
    who: str
    what: str
    detail: str = ""


def history(game: Game, viewer: str | None, every_package: bool = False) -> list[Entry]:
    """Every move and intervention, packages shown only on the viewer's own tracks (on
    every track with ``every_package``, for a class's teacher, without their worth)."""
    model = game.model
    tracks = game.rules.track
    entries = []
    for entry in model.log:
        if isinstance(entry, Intervention):
            entries.append(Entry(entry.round, "", "Facilitator", _intervention_text(game, entry)))
            continue
        if entry.kind in ("signal", "consult"):
            entries.append(_side_entry(game, entry, viewer))
            continue
        track = tracks[entry.track]
        seated = viewer is not None and viewer in track.parties
        detail = ""
        if entry.package is not None and seated:
            encoded = track.encode(entry.package)
            worth = model.world.valuation(viewer, track.id)(encoded)
            detail = f"{package_text(model, track.id, encoded)} (worth {worth:.2f} to you)"
        elif entry.package is not None and every_package:
            detail = package_text(model, track.id, track.encode(entry.package))
        entries.append(Entry(entry.round, track.name, game.name(entry.party), _verb(entry), detail))
    return entries


def last_move(game: Game) -> str:
    """The last move or intervention in words, as the public record shows it, e.g.
    "Japan proposes (US–Japan talks)"; empty before anyone has moved."""
    entries = history(game, None)
    if not entries:
        return ""
    last = entries[-1]
    where = f" ({last.track})" if last.track else ""
    return f"{last.who} {last.what}{where}"


def _side_entry(game: Game, move: Move, viewer: str | None) -> Entry:
    """A signal (public) or a consultation answer (seen by the channel's allies only)."""
    package = move.package or {}
    who = game.name(move.party)
    if move.kind == "signal":
        return Entry(move.round, "", who, "signals", _signal_label(game, move.party, package))
    channel = game.model.channel
    allies = channel.allies if channel is not None else ()
    detail = ""
    if viewer in allies:
        option = OPTION_NAMES.get(package.get("option"), package.get("option"))
        detail = f"{'yes' if package.get('agree') else 'no'} to {option}"
    return Entry(move.round, "JP–KR channel", who, "consults", detail)


def _signal_label(game: Game, party: str, package: dict) -> str:
    config = game.scenario.party(party).signals
    kind, ident = package.get("signal"), package.get("id")
    named = {
        "threat": {t.id: t.name for t in config.threats},
        "outside_option": {o.id: o.name for o in config.outside_options},
    }.get(kind, {})
    if kind == "tie_hands":
        track = game.rules.track.get(ident)
        return f"ties its hands on {track.name if track else ident}"
    return named.get(ident, f"{kind} {ident}")


def _verb(move: Move) -> str:
    if move.kind == "propose":
        return "proposes"
    if move.kind == "accept":
        return "accepts"
    if move.kind == "walk":
        return "walks away"
    return "rejects and counters" if move.package is not None else "rejects"


def _intervention_text(game: Game, act: Intervention) -> str:
    if act.kind == "fire":
        event = next(e for e in game.scenario.events if e.id == act.event)
        return f"fires the event “{event.name}”"
    if act.kind == "custom":
        return f"announces “{act.news}”"
    return f"extends the deadline by {act.rounds} round{'s' if act.rounds != 1 else ''}"


def news(game: Game) -> list[tuple[int, str, str]]:
    """The news feed: round, headline and the line of news, oldest first."""
    return [(r, event.name, event.news) for r, event in game.model.news]
