"""The join client in a browser: nothing to install on a school laptop.

``trilateral host --web`` serves, beside the class server, a web page that runs the terminal
client, ``trilateral join URL``, for each browser that opens it (``textual-serve``: the
client runs on the host's machine, one process per page, and the page draws its screen).
The page asks for the team's code, as the terminal client does when it is given none, so one
address serves every team and the teacher. The web server runs in a process of its own,
because ``textual-serve`` runs its own event loop and signal handling; the host starts it
and stops it with the class.
"""

from __future__ import annotations

import multiprocessing
import os
import shlex
import socket
import sys
import threading
import time
from pathlib import Path

TITLE = "trilateral"
STARTING = 20.0
"""Seconds the web server has to start listening before the host gives up on it."""
HOST_WATCH = 0.5
"""Seconds between the web server's looks at whether the host's process is still there."""


def join_command(class_url: str) -> str:
    """The shell command each page runs: this installation's ``trilateral join`` on the
    class server, with no code (the client asks for it)."""
    script = Path(sys.executable).with_name("trilateral")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]
    return shlex.join([*program, "join", class_url])


def free_port(address: str) -> int:
    """A port free on ``address`` now: the page's own links name the port, so it is chosen
    before the web server starts rather than left to it."""
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def reachable_address() -> str:
    """This machine's address on the network its default route leads to, for the links a
    page on another laptop follows (connecting a UDP socket sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: any routable address will do
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _serve(command: str, address: str, port: int, public_url: str, host: int) -> None:
    """The web server's process: serve ``command`` until terminated, or until the host's
    process ``host`` is gone. Its banner would come between the host's lines, so its
    standard output goes nowhere (errors still show)."""
    from textual_serve.server import Server

    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the process's own, for its life
    threading.Thread(target=_end_with, args=(host,), name="host-watch", daemon=True).start()
    Server(command, host=address, port=port, title=TITLE, public_url=public_url).serve()


def _end_with(host: int) -> None:
    """End this process once the host's is gone. A host killed outright (``kill -9``, a
    crash) cannot terminate it, and left running it would keep the port that the host,
    started again, asks for, serving pages of a class server that is no more."""
    while os.getppid() == host:
        time.sleep(HOST_WATCH)
    os._exit(0)


def start(class_url: str, address: str, port: int, public_url: str) -> multiprocessing.Process:
    """Start serving the join client at ``address:port`` for the class at ``class_url``
    (pages link to ``public_url``), and wait until it listens. The caller terminates the
    process with the class.

    Raises:
        OSError: the web server did not start listening (the port is taken, say).
    """
    with socket.socket() as probe:  # taken by another server: a probe would reach it
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            probe.bind((address, port))
        except OSError:
            raise OSError(f"the page for browsers could not listen on {address}:{port}") from None
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_serve,
        args=(join_command(class_url), address, port, public_url, os.getpid()),
        name="trilateral-web",
        daemon=True,
    )
    process.start()
    probe = "127.0.0.1" if address == "0.0.0.0" else address
    deadline = time.monotonic() + STARTING
    while process.is_alive() and time.monotonic() < deadline:
        try:
            socket.create_connection((probe, port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    process.join(5)
    raise OSError(f"the page for browsers could not listen on {address}:{port}")
