"""Terminal UI responsiveness: the docs/benchmarks.md figures for ``trilateral play``.

- start-up: from launching ``trilateral play baseline-2025 --as japan`` to the briefing
  on screen (goal ≤ 1 s);
- keypresses at the table (goal ≤ 50 ms each): switching panes with 1–5 (below 140
  columns one pane shows at a time; from 140 they are all on screen and the keys change
  nothing), opening and closing the help (? and q: a dialog over the table), and typing
  into the offer (each keystroke re-prices the draft). Escape is not timed: a terminal
  program waits ``ESCDELAY`` (100 ms unless set) to tell the key from the start of an
  escape sequence.

The game runs as people run it: a real process on a pseudo-terminal of the given size,
its output read by a terminal emulator (pyte). A keypress counts from writing the key to
the moment the screen shows its settled result (learnt once beforehand: the text of the
screen after the key, once nothing moves), so a blinking cursor or the tabs' sliding
underline do not count, and the figure includes Textual's rendering and the bytes
reaching the terminal. Figures are medians of several repetitions. Needs the ``bench``
extra (``pip install -e '.[bench]'``); run from a checkout:

    python benchmarks/bench_tui.py [--size 80x24] [--repeats 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
KEY_NAMES = {b"\x7f": "backspace"}
LAUNCH = "import sys; sys.argv[0] = 'trilateral'; from tui.cli import main; main()"


class Terminal:
    """A program on a pseudo-terminal, and the screen it has drawn so far."""

    def __init__(self, argv: list[str], columns: int, lines: int, env: dict[str, str]) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            # The pseudo-terminal becomes the program's controlling terminal, as in a real
            # one: if this script dies, the hang-up ends the program instead of orphaning it.
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master = master

    def text(self) -> str:
        """What the screen shows, as lines of text (colours and cursor aside)."""
        return "\n".join(self.screen.display)

    def _read(self, timeout: float) -> bool:
        """Feed the screen what the program writes within ``timeout`` seconds, if anything."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            self.stream.feed(os.read(self.master, 65536))
        return bool(ready)

    def until(self, shown: Callable[[str], bool], timeout: float = 20.0) -> float:
        """Read until the screen satisfies ``shown``; the moment it first did."""
        deadline = time.perf_counter() + timeout
        while not shown(self.text()):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the screen never showed what was expected:\n{self.text()}")
            self._read(0.5)
        return time.perf_counter()

    def settle(self, quiet: float = 0.6) -> str:
        """Read until the screen's text has not changed for ``quiet`` seconds (a blinking
        cursor changes no text); the text then."""
        text, since = self.text(), time.perf_counter()
        while (left := since + quiet - time.perf_counter()) > 0:
            self._read(left)
            if self.text() != text:
                text, since = self.text(), time.perf_counter()
        return text

    def press(self, key: bytes) -> float:
        """Write a key; the moment it was written."""
        os.write(self.master, key)
        return time.perf_counter()

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.master)


def body(text: str) -> str:
    """The screen below the header and tab bar, where the panes are."""
    return "\n".join(text.splitlines()[3:])


def keypress_ms(term: Terminal, keys: list[bytes], repeats: int) -> dict[bytes, list[float]]:
    """Latency of each key, pressed in turn in a cycle that returns the screen to where it
    started, ``repeats`` times."""
    settled = []
    for key in keys:  # learn what each key leads to once nothing moves
        term.press(key)
        settled.append(body(term.settle()))
    figures: dict[bytes, list[float]] = {key: [] for key in keys}
    for _ in range(repeats):
        for key, after in zip(keys, settled, strict=True):
            sent = term.press(key)
            shown = term.until(lambda text, after=after: body(text) == after)
            figures[key].append((shown - sent) * 1e3)
            term.settle(0.3)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="80x24", help="terminal COLUMNSxLINES")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions (median reported)")
    args = parser.parse_args()
    columns, lines = (int(n) for n in args.size.split("x"))
    saves = tempfile.mkdtemp(prefix="trilateral-bench-")
    env = {**os.environ, "TERM": "xterm-256color", "TRILATERAL_SAVES": saves}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    argv = [sys.executable, "-c", LAUNCH, "play", "baseline-2025", "--as", "japan", "--seed", "1"]

    startups = []
    for _ in range(args.repeats):
        term = Terminal(argv, columns, lines, env)
        try:
            shown = term.until(lambda text: "confidential briefing" in text)
            startups.append(shown - term.started)
        finally:
            term.close()
    print(
        f"start-up to the briefing ({args.size}): median {statistics.median(startups):.2f} s "
        f"(goal ≤ 1 s; runs {', '.join(f'{s:.2f}' for s in startups)})"
    )

    term = Terminal(argv, columns, lines, env)
    try:
        term.until(lambda text: "confidential briefing" in text)
        term.settle()
        term.press(b"\r")
        term.until(lambda text: "Round 1 of 12" in text)
        term.settle()
        term.press(b"\x1b")  # leave the offer: digits now switch panes
        term.settle()
        panes = keypress_ms(term, [b"2", b"3", b"4", b"5", b"1"], args.repeats)
        help_dialog = keypress_ms(term, [b"?", b"q"], args.repeats)
        term.press(b"c")  # into the offer, on its first cell
        term.settle()
        typing = keypress_ms(term, [b"1", b"\x7f"], args.repeats)
    finally:
        term.close()
    for label, by_key in (
        ("switching panes", panes),
        ("opening and closing the help", help_dialog),
        ("typing into the offer", typing),
    ):
        figures = [f for key_figures in by_key.values() for f in key_figures]
        each = ", ".join(
            f"{KEY_NAMES.get(key, key.decode())} {statistics.median(f):.0f}"
            for key, f in by_key.items()
        )
        print(
            f"keypress, {label}: median {statistics.median(figures):.0f} ms, "
            f"worst {max(figures):.0f} ms (goal ≤ 50 ms; {len(figures)} keys; "
            f"median by key: {each})"
        )


if __name__ == "__main__":
    main()
