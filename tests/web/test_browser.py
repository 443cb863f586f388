"""Browser play, nothing installed: ``trilateral host --web`` and a headless Chromium.

The test does what a student on a school laptop does: it opens the address the host
prints, types the team's code into the page, sees the briefing, goes to the table and
sends the opening proposal; the class database then holds that move. It runs the real
``trilateral host`` in a process of its own and Debian's Chromium (``.ci/run`` installs
it); on a machine without Chromium it is skipped, except in CI, where it must run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest

from sim.network.ledger import Ledger
from sim.network.web import free_port
from tests.network.conftest import HOST, ROOT, code_of, hosting
from tests.web.browser import Browser, chromium

pytestmark = pytest.mark.asyncio


async def web_host(db: Path) -> tuple[asyncio.subprocess.Process, str]:
    """``trilateral host --web`` for one table, and the page's address it prints."""
    process, found = await hosting(
        *("baseline-2025", "--tables", "1", "--seed", "3", "--db", str(db), "--port", "0"),
        *("--web", "--web-port", str(free_port("127.0.0.1"))),
        until=r"Browsers: (http://\S+)",
    )
    return process, found.group(1)


async def moves_of(db: Path, party: str) -> list[dict]:
    """The moves ``party`` has made at table 1, read beside the running server."""
    ledger = Ledger.open(db)
    try:
        return [e.data for e in ledger.entries(1) if e.kind == "move" and e.party == party]
    finally:
        ledger.close()


async def test_a_team_joins_in_a_browser_and_the_server_records_its_move(tmp_path):
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium on this machine: .ci/run installs Debian's")
        pytest.skip("no chromium on this machine (.ci/run installs Debian's)")
    db = tmp_path / "class.db"
    host, page = await web_host(db)
    browser = Browser()
    try:
        ledger = Ledger.open(db)
        code = code_of(ledger, 1, "us")
        ledger.close()
        await browser.start()
        await browser.open(page)
        await browser.wait_for("Join your table")
        await browser.focus_terminal()
        await browser.type(code)
        await browser.press("Enter", "Enter", 13)
        await browser.wait_for("confidential role sheet")
        await browser.screenshot(tmp_path / "briefing.png")
        await browser.press("Enter", "Enter", 13)  # the briefing read: to the table
        await browser.wait_for("United States to propose")
        await browser.type("x")  # any key puts the round's summary away
        await browser.press("s", "KeyS", 83, modifiers=2)  # Ctrl+S sends the opening offer
        for _ in range(100):
            made = await moves_of(db, "us")
            if made:
                break
            await asyncio.sleep(0.2)
        assert made and made[0]["kind"] == "propose" and made[0]["track"] == "us-japan"
        await browser.wait_for("Waiting for Japan, South Korea to join")  # the others are not in
        await browser.screenshot(tmp_path / "table.png")
    finally:
        await browser.close()
        host.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(host.wait(), 10)
        except TimeoutError:
            host.kill()
            await host.wait()


async def test_a_page_port_in_use_is_one_line_and_exit_status_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            *HOST,
            *("baseline-2025", "--tables", "1", "--db", str(tmp_path / "class.db")),
            *("--port", "0", "--web", "--web-port", str(port)),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        printed, problem = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, printed.decode()
    assert problem.decode().strip().splitlines() == [
        f"the page for browsers could not listen on 127.0.0.1:{port}"
    ]


async def test_the_page_ends_with_a_host_killed_outright(tmp_path):
    """``kill -9`` on the host (or a crash) used to leave its web server running, keeping
    the page's port from the host started again on the class database."""
    host, page = await web_host(tmp_path / "class.db")
    port = int(page.rsplit(":", 1)[1])
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    host.send_signal(signal.SIGKILL)
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            break  # nothing listens there any more
        assert asyncio.get_running_loop().time() < deadline, "the page outlived its host"
        await asyncio.sleep(0.2)
    await asyncio.wait_for(host.wait(), 30)  # its output is closed: no one holds it open
