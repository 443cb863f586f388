"""What one party may see of its table, as JSON-ready data to send over the network.

This is the one place that decides what leaves the server for a client, and it decides
nothing itself: every part comes from the classroom's UI-free views, which decide
privacy for the terminal UI too — the track meters and issue rows (``views``), the
history and news (``record``) and alliance politics (``politics``). A team gets the public
record, the packages on its own tracks, its own pending decision and its own numbers (its
ideal, bottom lines, floor and what each package is worth to it); never another party's
bottom lines, reservation, weights or patience. ``viewer=None`` gives the public record
alone, as the teacher's view of a table.

What the class server keeps besides the game is passed in, and this decides who sees it:
the Japan–Korea channel (what the allies said and their consultation answers) goes to the
two allies and the teacher only, never to their counterpart; the moves a timer played for
a team and the seconds left to decide are public.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from weakref import WeakKeyDictionary

from pydantic import TypeAdapter

from sim.classroom import record, views
from sim.classroom.game import Game
from sim.classroom.politics import politics
from sim.classroom.summary import summary
from sim.results.analysis import party_result
from sim.results.briefing import role_sheet


def snapshot(
    game: Game,
    viewer: str | None,
    *,
    teacher: bool = False,
    channel: Sequence[dict] = (),
    timed: Sequence[dict] = (),
    seconds_left: float | None = None,
    round_seconds: float | None = None,
    version: int | None = None,
    paused: bool = False,
    joined: Collection[str] | None = None,
) -> dict:
    """The table as ``viewer`` (a party, or None for the public record) may see it.

    Args:
        game: The table's game.
        viewer: The party whose view it is; None for the public record.
        teacher: Whether the viewer is the teacher, who reads the allies' channel.
        channel: The Japan–Korea channel's entries, oldest first (shown to the allies and
            the teacher only).
        timed: The moves a timer played, oldest first.
        seconds_left: Seconds left for the pending decision; None without a timer.
        round_seconds: The seconds each decision gets; None without a timer.
        version: The table's version, where it counts more than the game's log (a class
            server's undos); None: the length of the game's log.
        paused: Whether the teacher has paused the table.
        joined: The parties whose teams have taken their seats at the table; None: every
            party's (a game without a class).

    Returns:
        Plain data: ``round``, ``deadline``, ``finished``, ``version`` (how many entries
        the game's log holds: a move names it to say which state it answers), the
        ``parties``, whose ``turn`` it is, the viewer's own ``request``, each of the
        ``tracks`` (its issues, the package on the table and the viewer's utilities only
        where the viewer sits; for the teacher, every track's ``terms``: the package on
        the table and the deal, issue by issue), ``politics``, ``history``, ``news``, ``timed``,
        ``seconds_left``, ``round_seconds``, ``paused``, ``waiting_to_join`` (the parties
        played by teams that have not yet joined, in the scenario's order), ``channel``
        (None for whoever may not read it), ``results`` (each party's score once the game
        is over, else None) and ``summary`` (what happened since the viewer's last move,
        with every change to its own numbers, while its decision is pending; else None).
    """
    model, rules = game.model, game.rules
    request = game.request
    tracks = []
    for meter in views.meters(game, viewer):
        track = rules.track[meter.id]
        entry = {
            "id": track.id,
            "name": track.name,
            "parties": list(track.parties),
            "status": meter.status,
            "open": model.talks[track.id].open,
            "seated": meter.seated,
        }
        if meter.seated:
            entry |= _seated(game, viewer, meter)
        if teacher:
            entry["terms"] = _terms(game, track.id)
        tracks.append(entry)
    own = request is not None and request.party == viewer
    return {
        "title": game.scenario.title,
        "party": viewer,
        "round": model.round,
        "deadline": model.rounds,
        "finished": game.finished,
        "version": len(model.log) if version is None else version,
        "parties": [{"id": p, "name": game.name(p)} for p in rules.party_ids],
        "turn": None
        if request is None
        else {"party": request.party, "track": request.track, "kind": request.kind},
        "request": plain(request) if own else None,
        "tracks": tracks,
        "politics": plain(politics(game, viewer)),
        "history": [plain(e) for e in record.history(game, viewer, every_package=teacher)],
        "news": [
            {"round": r, "headline": headline, "news": text}
            for r, headline, text in record.news(game)
        ],
        "timed": list(timed),
        "seconds_left": seconds_left,
        "round_seconds": round_seconds,
        "paused": paused,
        "waiting_to_join": []
        if joined is None
        else [p for p in rules.party_ids if p in game.setup.humans and p not in joined],
        "channel": list(channel) if teacher or viewer in allies(game) else None,
        "results": results(game) if game.finished else None,
        "summary": _summary(game, viewer) if own else None,
    }


def plain(record) -> dict:
    """A dataclass record as plain data, as ``dataclasses.asdict`` gives it: by pydantic's
    serializer, which the server calls for every view of every move (``asdict`` copies
    every value deeply, and took ~40% of a view's time)."""
    return _adapter(type(record)).dump_python(record)


@cache
def _adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


_RESULTS: WeakKeyDictionary = WeakKeyDictionary()
"""Game → (the length of its log, its results): every view of a finished table carries
them, and each costs the track's Pareto frontier."""


def results(game: Game) -> list[dict]:
    """Each party's score at the end of the game (``party_result``), as the class's debrief
    gives it: its ``score``, the ``undiscounted`` score of the terms alone and whether it
    kept its bottom lines. Scores are the class's to compare; the numbers they are made of
    (utilities, bottom lines, floors) stay on the server."""
    kept = _RESULTS.get(game)
    if kept is not None and kept[0] == len(game.model.log):
        return kept[1]
    found = _results(game)
    _RESULTS[game] = (len(game.model.log), found)
    return found


def _results(game: Game) -> list[dict]:
    model = game.model
    found = []
    for party in game.rules.party_ids:
        result = party_result(model.world, model.talks, party)
        found.append(
            {
                "party": party,
                "name": game.name(party),
                "score": round(result.score, 1),
                "undiscounted": round(result.undiscounted, 1),
                "bottom_lines_kept": result.bottom_lines_kept,
            }
        )
    return found


def _summary(game: Game, viewer: str) -> dict:
    """What happened since the viewer's last move (``sim.classroom.summary``), as the
    terminal UI's round summary shows it when play comes back to a team."""
    seen = summary(game, viewer)
    return plain(seen) | {"title": seen.title}


def briefing(game: Game, viewer: str) -> str:
    """The viewer's confidential role sheet as Markdown, with its own bottom lines as this
    game drew them (sent once, in the welcome: it does not change during a game)."""
    own = {party: room for party, room in game.model.rooms.items() if party == viewer}
    return role_sheet(game.rules, viewer, own)


def allies(game: Game) -> tuple[str, ...]:
    """The two parties of the Japan–Korea channel (none if the scenario has no channel)."""
    channel = game.model.channel
    return () if channel is None else channel.allies


def _terms(game: Game, track_id: str) -> list[dict]:
    """A track's issues with the package on the table and the deal, value by value, as the
    teacher's console shows every track (no party's own numbers)."""
    track = game.rules.track[track_id]
    talks = game.model.talks[track_id]
    offered = None if talks.on_table is None else talks.on_table.package
    agreed = None if talks.deal is None else talks.deal.package
    return [
        {
            "id": space.id,
            "name": space.name,
            "short": space.short,
            "unit": space.unit,
            "on_table": None if offered is None else views.bare(space, offered[pos]),
            "deal": None if agreed is None else views.bare(space, agreed[pos]),
        }
        for pos, space in enumerate(track.spaces)
    ]


def events(game: Game) -> list[dict]:
    """The scenario's events, as the teacher's console offers them to fire: each one's
    ``id``, ``name``, the ``round`` it is scheduled for or its ``probability``."""
    return [
        {"id": e.id, "name": e.name, "round": e.round, "probability": e.probability}
        for e in game.scenario.events
    ]


def _seated(game: Game, viewer: str, meter: views.TrackMeter) -> dict:
    """A track where the viewer sits: its package, issues and the viewer's own numbers."""
    track = game.rules.track[meter.id]
    talks = game.model.talks[meter.id]
    rows = views.issue_rows(game, viewer, meter.id)
    return {
        "on_table": None if talks.on_table is None else track.decode(talks.on_table.package),
        "deal": None if talks.deal is None else track.decode(talks.deal.package),
        "worth": {"offer": meter.offer, "no_deal": meter.no_deal, "floor": meter.reservation},
        "issues": [
            {
                "id": row.space.id,
                "name": row.space.name,
                "unit": row.unit,
                "short": row.space.short,
                "kind": row.space.kind,
                "lo": row.space.lo,
                "hi": row.space.hi,
                "step": row.space.step,
                "choices": None if row.space.choices is None else list(row.space.choices),
                "status_quo": row.status_quo,
                "no_deal": row.no_deal,
                "on_table": row.on_table,
                "ideal": row.ideal,
                "bottom_line": row.bottom_line,
                "crosses": row.crosses,
                "draft": row.draft,
            }
            for row in rows
        ],
    }
