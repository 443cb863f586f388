"""Everything the Japan client receives in a whole game — its role sheet, every view, its
round summaries, the scores at the end — holds none of Korea's or the US's private numbers:
their bottom lines, reservation utilities, weights and patience."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from sim.network.server import ClassServer, port_of, serving
from tests.network.conftest import PARTIES, Team, code_of, new_class

pytestmark = pytest.mark.asyncio

CANARIES = (
    "parties.us.patience=0.9431",
    "parties.korea.patience=0.8713",
    "parties.us.reservation.us-japan=0.1917",
    "parties.us.reservation.us-korea=0.2231",
    "parties.korea.reservation.us-korea=0.2713",
    "parties.us.bottom_lines.jp_tariff.min=10.3",  # off the 1% grid: no offer ever shows it
    "parties.us.bottom_lines.kr_tariff.min=10.6",
    "parties.korea.bottom_lines.kr_tariff.max=23.7",
    "parties.korea.bottom_lines.kr_investment.max=413",
    "parties.us.preferences.jp_autos.weight=3.37",
    "parties.korea.preferences.kr_autos.weight=5.29",
)
"""The others' private numbers set to values that nothing public or Japan's own can equal."""


def numbers_and_texts(data, numbers: list[float], texts: list[str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            texts.append(key)
            numbers_and_texts(value, numbers, texts)
    elif isinstance(data, list):
        for value in data:
            numbers_and_texts(value, numbers, texts)
    elif isinstance(data, str):
        texts.append(data)
    elif isinstance(data, int | float) and not isinstance(data, bool):
        numbers.append(float(data))


def private_numbers(world) -> set[float]:
    """Korea's and the US's numbers that are theirs alone, as the game holds them now."""
    found = set()
    for party in ("us", "korea"):
        found.add(world.patience[party])
        found |= {value for value in world.reservation[party].values() if value}
        found |= {weight for _, weight in world.weights[party]}
        found |= set(world.raw_weights[party].values()) - {2.0, 3.0, 4.0, 5.0}
        for (owner, track), limits in world.limits.items():
            if owner == party:
                spaces = world.rules.track[track].spaces
                for (lo, hi), space in zip(limits.bounds, spaces, strict=True):
                    found |= {lo, hi} - {space.lo, space.hi}
    return found


async def test_the_japan_client_never_receives_another_partys_private_numbers(tmp_path):
    ledger, room = new_class(tmp_path / "class.db", seed=3, overrides=CANARIES)
    game = room.tables[1].game
    private = private_numbers(game.model.world)
    assert {0.9431, 0.8713, 0.1917, 0.2231, 0.2713, 10.3, 10.6, 23.7, 413.0} <= private
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        teams = [Team(url, code_of(ledger, 1, party)) for party in PARTIES]
        for team in teams:
            await team.__aenter__()
        await asyncio.gather(*(team.play() for team in teams))
        for team in teams:
            await team.__aexit__()
    private |= private_numbers(room.tables[1].game.model.world)  # as the game moved them
    japan = next(team for team in teams if team.party == "japan")
    numbers, texts = [], []
    for frame in japan.received:
        numbers_and_texts(json.loads(frame), numbers, texts)
    assert 0.25 in numbers and len(japan.received) > 5  # Japan's own floor is there
    # What the client's screens need besides the table is in what was searched: Japan's
    # role sheet, its round summaries and the scores at the end.
    messages = [json.loads(frame) for frame in japan.received]
    assert messages[0]["briefing"].startswith("# Japan: confidential role sheet")
    assert any((m.get("view") or {}).get("summary", {}) for m in messages)
    views = [m["view"] for m in messages if m["type"] == "view"]
    assert views[-1]["finished"] and len(views[-1]["results"]) == 3
    leaks = [x for x in numbers if any(abs(x - p) < 1e-9 for p in private)]
    assert not leaks
    written = [re.compile(rf"(?<![\d.]){re.escape(f'{p:g}')}(?![\d])") for p in private]
    assert not [text for text in texts for pattern in written if pattern.search(text)]
    korea = next(team for team in teams if team.party == "korea")
    assert "23.7" in "".join(korea.received)  # Korea itself sees its bottom line
    ledger.close()


def channels(message: dict) -> list:
    """The ``channel`` of every view a message carries (a view, or a welcome's views)."""
    views = [message["view"]] if "view" in message else list(message.get("views", {}).values())
    return [view["channel"] for view in views]


async def test_the_us_client_never_receives_the_allies_channel(tmp_path):
    ledger, room = new_class(tmp_path / "class.db", seed=4)
    secret = "Quietly: our floor on autos is 12.5 (canary 7Q3X)"
    async with serving(ClassServer(room)) as listening:
        url = f"ws://127.0.0.1:{port_of(listening)}"
        teams = {party: Team(url, code_of(ledger, 1, party)) for party in PARTIES}
        for team in teams.values():
            await team.__aenter__()
        japan, korea = teams["japan"], teams["korea"]
        for team, message in [
            (japan, {"type": "say", "text": secret}),
            (japan, {"type": "consult", "option": "parity_pact", "agree": True}),
            (korea, {"type": "consult", "option": "parity_pact", "agree": True}),
            (korea, {"type": "say", "text": "Agreed (canary 9W4K)"}),
        ]:
            await team.send(message)
            while (reply := await team.next())["type"] != "ack":
                assert reply["type"] == "view", reply
                team.view = reply["view"]
        await asyncio.gather(*(team.play() for team in teams.values()))
        for team in teams.values():
            await team.__aexit__()
    (heard,) = channels(json.loads(korea.received[-1]))
    assert [e.get("text") for e in heard if e["kind"] == "say"] == [
        secret,
        "Agreed (canary 9W4K)",
    ]
    us = teams["us"]
    found = [channel for frame in us.received for channel in channels(json.loads(frame))]
    assert len(found) > 5 and all(value is None for value in found)
    assert not [f for f in us.received if "7Q3X" in f or "9W4K" in f or '"says"' in f]
    assert room.tables[1].game.model.channel.offers["korea"] == {"parity_pact": True}
    ledger.close()
