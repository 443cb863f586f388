"""Class server under a full class: the docs/benchmarks.md figures for ``trilateral host``.

A real server — ``trilateral host baseline-2025`` in a process of its own, on a free
loopback port, with its class database in a temporary folder — hosts ``--tables`` tables.
Every party at every table is a scripted team on its own WebSocket connection, and one
teacher-code connection (the console-to-be) receives every table's views. A team plays
from what its own view carries: it proposes its draft (its ideal); to an offer it accepts
if the offer is worth at least its aim (its floor or no deal, whichever is higher, plus a
margin that shrinks to nothing by the deadline), else it rejects with a counter-offer that
takes the offer's values on a share of the issues growing with the rounds. It answers each
view that asks it to decide as soon as the view arrives, keeping to the server's message
rate (``sim.network.server.RATE`` and ``BURST``), or after a pause of ``--think`` seconds
on average. A table ends with its game; every table stops when ``--seconds`` have passed
since the server was launched.

Figures per run: the move round trip — from sending a move to receiving its ``ack``, which
the server sends once the move is on disk and played — p50, p99 and max, over every
acknowledged move; moves per second; tables finished; the server's CPU time per move; the
server process's peak RSS (``VmHWM`` from /proc, read before it is stopped; elsewhere
``getrusage`` of the children) and its RSS once every client has joined and at the end,
to show growth per move. With ``--repeats`` above 1 the medians over the runs follow.
Goals: p99 ≤ 50 ms and peak RSS ≤ 300 MB at 30 tables. A run ends by itself within
``--seconds`` and the few seconds stopping the server takes, whatever hangs. Run from a
checkout:

    python benchmarks/bench_server.py [--tables 30] [--seconds 60] [--seed 0] [--think 0]
        [--repeats 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import re
import resource
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sim.network.server import BURST, RATE, Bucket  # noqa: E402

SCENARIO = "baseline-2025"
MB = 1024 * 1024
STOP = 3.0
"""Seconds the server gets to stop after Ctrl-C (SIGINT) before it is killed."""
MARGIN = 0.2
"""The share of the range above its floor a team asks for in round 1 (none by the deadline)."""
LISTENING = re.compile(r"Listening on (ws://\S+)")


@dataclass
class Run:
    """What one run measured."""

    round_trips: list[float] = field(default_factory=list)
    """Seconds from sending each acknowledged move to receiving its ack."""
    stale: int = 0
    """Moves refused for answering a view the table had moved on from."""
    views: int = 0
    """Views the teacher's connection received."""
    finished: set[int] = field(default_factory=set)
    """Tables whose game ended, as the teacher saw them."""
    seconds: float = 0.0
    """Wall time of play, from every client joined to every table ended or time up."""
    cpu: float = 0.0
    """CPU seconds the server process spent during play (0 without /proc)."""
    peak_rss: int = 0
    """The server process's peak RSS, bytes."""
    joined_rss: int = 0
    """Its RSS once every client had joined, bytes (0 without /proc)."""
    end_rss: int = 0
    """Its RSS at the end of play, bytes (0 without /proc)."""


def package(track: dict, concede: float) -> dict:
    """A package on a track: the package on the table on the first ``concede`` share of its
    issues, the team's ideal (its draft) on the rest — values the view shows, so each is on
    its issue's range and steps."""
    offer = track["on_table"] or {}
    issues = track["issues"]
    given = round(concede * len(issues))
    values = {}
    for n, issue in enumerate(issues):
        if n < given and issue["id"] in offer:
            values[issue["id"]] = offer[issue["id"]]
        elif issue["kind"] == "numeric":
            values[issue["id"]] = float(issue["draft"])
        elif issue["kind"] == "boolean":
            values[issue["id"]] = issue["draft"] == "true"
        else:
            values[issue["id"]] = issue["draft"]
    return values


def decide(view: dict) -> dict:
    """A scripted team's move on its pending request, from what its view carries."""
    request = view["request"]
    track = next(t for t in view["tracks"] if t["id"] == request["track"])
    left = max(0.0, 1 - view["round"] / view["deadline"])
    if request["kind"] == "propose":
        return {"track": track["id"], "kind": "propose", "package": package(track, 0.0)}
    worth = track["worth"]
    aim = max(worth["floor"], worth["no_deal"])
    aim += MARGIN * left * (1 - aim)
    if worth["offer"] is not None and worth["offer"] >= aim and "accept" in request["allowed"]:
        return {"track": track["id"], "kind": "accept"}
    return {"track": track["id"], "kind": "reject", "package": package(track, 1 - left)}


async def hello(url: str, code: str) -> tuple[ClientConnection, dict]:
    """A connection seated by its code, and its welcome."""
    ws = await connect(url, max_size=None, close_timeout=1)
    await ws.send(json.dumps({"v": 1, "type": "hello", "code": code}))
    welcome = json.loads(await ws.recv())
    if welcome["type"] != "welcome":
        raise SystemExit(f"the server refused a code: {welcome}")
    return ws, welcome


async def team(ws: ClientConnection, view: dict, think: float, rng: Random, run: Run) -> None:
    """Play a team's party at its table until its game ends (or the task is cancelled),
    taking ``think`` seconds over each decision on average (drawn from ``rng``: teams that
    all took the same time would send their moves in waves)."""
    bucket = Bucket(RATE, BURST, time.monotonic)
    answered = None
    sent = 0.0
    while not view["finished"]:
        if view["request"] is not None and answered != view["version"]:
            await asyncio.sleep(rng.uniform(0, 2 * think))
            while not bucket.take():  # as fast as the server lets one connection send
                await asyncio.sleep(1 / RATE)
            answered = view["version"]
            move = {"v": 1, "type": "move", "version": answered, **decide(view)}
            sent = time.perf_counter()
            await ws.send(json.dumps(move))
        message = json.loads(await ws.recv())
        if message["type"] == "ack":
            run.round_trips.append(time.perf_counter() - sent)
        elif message["type"] == "view":
            view = message["view"]
        elif "has changed" in message["reason"]:  # the current view follows: decide again
            run.stale += 1
        else:
            raise SystemExit(f"the server refused a scripted move: {message['reason']}")


async def teacher(ws: ClientConnection, views: dict, run: Run) -> None:
    """The console: take every table's views until every game has ended."""
    tables = {int(n) for n in views}
    run.finished = {int(n) for n, view in views.items() if view["finished"]}
    while run.finished != tables:
        message = json.loads(await ws.recv())
        if message["type"] == "view":
            run.views += 1
            if message["view"]["finished"]:
                run.finished.add(message["table"])


def codes(sheet: Path) -> tuple[str, list[list[str]]]:
    """The teacher's code and each table's team codes, from the codes sheet the host wrote."""
    teacher, tables = "", []
    for line in sheet.read_text().splitlines():
        if line.startswith("Teacher"):
            teacher = line.split()[-1]
        elif line.startswith("Table "):
            tables.append([])
        elif line.startswith("  ") and tables:
            tables[-1].append(line.split()[-1])
    return teacher, tables


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used, user and system, from /proc (0 without it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int, key: str) -> int:
    """A process's ``VmHWM`` (peak RSS) or ``VmRSS`` in bytes, from /proc (0 without it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


async def one_run(tables: int, seconds: float, seed: int, think: float) -> Run:
    """Host a class of ``tables`` tables, play it for at most ``seconds`` (each team taking
    ``think`` seconds a decision), and measure."""
    run = Run()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        command = [sys.executable, "-c", "from sim.cli.app import build_app; build_app()()"]
        command += ["host", SCENARIO, "--tables", str(tables), "--seed", str(seed)]
        command += ["--port", "0", "--db", str(folder / "class.db")]
        server = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        )
        ends = time.monotonic() + seconds
        try:
            try:
                url = await asyncio.wait_for(listening(server), seconds)
            except TimeoutError:
                raise SystemExit(f"the server did not listen within {seconds:g} s") from None
            teacher_code, seats = codes(folder / "class.codes.txt")
            await play(url, teacher_code, seats, ends, think, seed, server.pid, run)
            run.peak_rss = memory(server.pid, "VmHWM")
            run.end_rss = memory(server.pid, "VmRSS")
        finally:
            await stop(server)
    if not run.peak_rss:  # no /proc: the largest child so far (kB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        run.peak_rss = peak if sys.platform == "darwin" else peak * 1024
    return run


async def listening(server: asyncio.subprocess.Process) -> str:
    """The server's address, once it says it listens."""
    while line := (await server.stdout.readline()).decode():
        if found := LISTENING.search(line):
            return found.group(1)
    problem = (await server.stderr.read()).decode().strip()
    raise SystemExit(f"the server did not start: {problem}")


async def play(
    url: str,
    teacher_code: str,
    seats: list[list[str]],
    ends: float,
    think: float,
    seed: int,
    pid: int,
    run: Run,
) -> None:
    """Seat the console and every team, then let them play (taking ``think`` seconds a
    decision on average, from generators seeded by ``seed``) until done or the time ``ends``
    (by ``time.monotonic``)."""
    seated = []
    try:
        try:
            async with asyncio.timeout(max(0.0, ends - time.monotonic())):
                for code in [teacher_code, *(code for table in seats for code in table)]:
                    seated.append(await hello(url, code))
        except TimeoutError:
            raise SystemExit("not every team had its seat before the time was up") from None
        (console, welcome), *teams = seated
        run.joined_rss = memory(pid, "VmRSS")
        start, busy = time.perf_counter(), cpu_seconds(pid)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, ends - time.monotonic())):
                await asyncio.gather(
                    teacher(console, welcome["views"], run),
                    *(
                        team(ws, next(iter(w["views"].values())), think, Random(seed + n), run)
                        for n, (ws, w) in enumerate(teams)
                    ),
                )
        run.seconds = time.perf_counter() - start
        run.cpu = cpu_seconds(pid) - busy
    except ConnectionClosed as closed:
        raise SystemExit(f"the server closed a connection: {closed}") from None
    finally:
        await asyncio.gather(*(ws.close() for ws, _ in seated), return_exceptions=True)


async def stop(server: asyncio.subprocess.Process) -> None:
    """Stop the server as Ctrl-C does, or kill it if it does not stop."""
    if server.returncode is None:
        server.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(server.wait(), STOP)
        except TimeoutError:
            server.kill()
            await server.wait()


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted figures: the smallest that at least ``share`` of
    them do not exceed."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def show(run: Run, tables: int) -> None:
    """One run's figures."""
    trips = sorted(run.round_trips)
    moves = len(trips)
    if not moves:
        print("no move was acknowledged")
        return
    p50, p99 = (1000 * percentile(trips, q) for q in (0.5, 0.99))
    growth = (run.end_rss - run.joined_rss) / moves if run.joined_rss and run.end_rss else 0
    print(
        f"{moves:,} moves in {run.seconds:.1f} s ({moves / run.seconds:,.0f}/s), "
        f"{len(run.finished)} of {tables} tables finished, the console took {run.views:,} views"
    )
    worst = 1000 * trips[-1]
    print(f"  round trip p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal ≤ 50), max {worst:.1f} ms")
    if run.cpu:
        busy = run.cpu / run.seconds
        print(f"  server CPU {1000 * run.cpu / moves:.2f} ms a move, busy {busy:.0%} of the time")
    print(
        f"  server peak RSS {run.peak_rss / MB:.0f} MB (goal ≤ 300); RSS {run.joined_rss / MB:.0f} "
        f"MB once all joined, {run.end_rss / MB:.0f} MB at the end ({growth / 1024:+.1f} KB/move)"
    )
    if run.stale:
        print(f"  {run.stale} moves refused as made on an old view (each decided again)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=30, help="tables in the class")
    parser.add_argument("--seconds", type=float, default=60.0, help="time bound of each run")
    parser.add_argument("--seed", type=int, default=0, help="the class's base seed")
    parser.add_argument("--repeats", type=int, default=1, help="runs (medians shown)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a team takes a decision, on average"
    )
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores")
    pace = f"{args.think:g} s a decision" if args.think else "deciding at once"
    print(
        f"{args.tables} tables of {SCENARIO} × 3 teams ({pace}) + 1 console, "
        f"≤ {args.seconds:g} s a run"
    )
    runs = []
    for _ in range(args.repeats):
        run = asyncio.run(one_run(args.tables, args.seconds, args.seed, args.think))
        show(run, args.tables)
        runs.append(run)
    if args.repeats > 1 and all(run.round_trips for run in runs):
        figures = {
            "p50 ms": [1000 * percentile(sorted(r.round_trips), 0.5) for r in runs],
            "p99 ms": [1000 * percentile(sorted(r.round_trips), 0.99) for r in runs],
            "moves/s": [len(r.round_trips) / r.seconds for r in runs],
            "peak RSS MB": [r.peak_rss / MB for r in runs],
        }
        medians = ", ".join(f"{k} {statistics.median(v):,.1f}" for k, v in figures.items())
        print(f"median of {args.repeats} runs: {medians}")


if __name__ == "__main__":
    main()
