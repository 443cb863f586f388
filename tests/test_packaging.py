"""The package as a packager gets it, and the dependency floors it promises.

The slow tests build the sdist, then the wheel from that sdist (what ``python -m build``
does), install the wheel without extras into a fresh virtual environment — pip installs
the base dependencies for real, from its cache where it can — and run the installed
``trilateral`` from outside the checkout: every command the base install promises, and
``play`` on a pseudo-terminal from the briefing to the table and out again. The fast test
keeps ``.ci/floors.txt`` (the constraints ``.ci/run`` tests the floors with) equal to the
floors in ``pyproject.toml``.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import tarfile
import tempfile
import termios
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / ".ci" / "floors.txt"

SHIPPED = ("sim", "scenarios", "tui", "tests", "benchmarks", ".ci", "README.md", "pyproject.toml")
"""What the sdist must carry: the wheel's packages and what a packager runs to check them
(``docs`` too, once the checkout has it)."""

BATCH_ONLY = ("pyarrow", "dask", "distributed", "SALib")
"""Modules only the ``batch`` extra brings (its scipy comes with Mesa anyway)."""


def floors() -> list[str]:
    """``name==floor`` for every dependency of the package and its batch and test extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    pins = []
    for text in [*project["dependencies"], *extras["batch"], *extras["test"]]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == project["name"]:
            continue  # the test extra's own "trilateral[batch]"
        floor = [s.version for s in requirement.specifier if s.operator == ">="]
        assert len(floor) == 1, f"{text!r}: every dependency needs one floor (>=)"
        pins.append(f"{requirement.name}=={floor[0]}")
    return pins


def test_the_floors_file_pins_every_floor_of_pyproject():
    lines = FLOORS.read_text(encoding="utf-8").splitlines()
    pinned = [line for line in lines if line and not line.startswith("#")]
    expected = floors()
    assert pinned == expected, ".ci/floors.txt must list, after its comment:\n" + "\n".join(
        expected
    )


# -- the built package, installed on its own -----------------------------------------------


def outside_env() -> dict[str, str]:
    """This process's environment without what would point a program at the checkout or
    at this environment (the commands also run from a folder outside the checkout)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run(argv: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    """Run a command in ``outside_env()``; its output."""
    result = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=outside_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{argv}: exit {result.returncode}\n{result.stdout}{result.stderr}"
    )
    return result.stdout


class Installed:
    """The sdist, and a fresh environment holding only the wheel built from it."""

    def __init__(self, folder: Path) -> None:
        dist = folder / "dist"
        # With no --sdist/--wheel, build makes the sdist, then the wheel from the sdist.
        run([sys.executable, "-m", "build", "--outdir", dist, ROOT], folder, timeout=600)
        (self.sdist,) = dist.glob("*.tar.gz")
        (wheel,) = dist.glob("*.whl")
        run([sys.executable, "-m", "venv", folder / "venv"], folder)
        self.bin = folder / "venv" / "bin"
        run([self.bin / "python", "-m", "pip", "install", "-q", wheel], folder, timeout=900)
        self.home = folder / "home"
        self.home.mkdir()

    def trilateral(self, *args: str | Path) -> str:
        return run([self.bin / "trilateral", *args], self.home)


@pytest.fixture(scope="module")
def installed() -> Iterator[Installed]:
    # Not tmp_path: pytest keeps those folders, and this one holds a whole environment.
    with tempfile.TemporaryDirectory(prefix="trilateral-packaging-") as folder:
        yield Installed(Path(folder))


@pytest.mark.slow
def test_the_sdist_carries_the_packages_the_tests_and_the_checks(installed):
    with tarfile.open(installed.sdist) as sdist:
        top = {Path(name).parts[1] for name in sdist.getnames() if len(Path(name).parts) > 1}
    needed = {*SHIPPED, *(["docs"] if (ROOT / "docs").is_dir() else [])}
    assert needed <= top, f"missing from the sdist: {sorted(needed - top)}"


@pytest.mark.slow
def test_the_base_install_has_no_batch_packages(installed):
    probe = "import importlib.util as u, sys; print([n for n in sys.argv[1:] if u.find_spec(n)])"
    found = run([installed.bin / "python", "-c", probe, *BATCH_ONLY], installed.home)
    assert found.strip() == "[]", "the base install should not bring the batch extra's packages"


@pytest.mark.slow
def test_the_base_install_runs_every_base_command(installed):
    assert "play" in installed.trilateral("--help")
    results = installed.trilateral("run", "baseline-2025", "--seed", "1", "--quiet")
    assert "Japan" in results
    assert "baseline-2025" in installed.trilateral("scenarios")
    assert json.loads(installed.trilateral("schema"))["title"]
    assert "Japan" in installed.trilateral("brief", "baseline-2025", "--party", "japan")
    installed.trilateral("new", "class-game", "-o", installed.home)
    installed.trilateral("validate", installed.home / "class-game.yaml")


@pytest.mark.slow
def test_the_base_install_plays_on_a_terminal(installed, tmp_path):
    """``trilateral play`` on a pseudo-terminal: the briefing, Enter to the table, Ctrl+Q."""
    argv = [installed.bin / "trilateral", "play", "baseline-2025", "--as", "japan", "--seed", "1"]
    env = outside_env() | {"TERM": "xterm-256color", "TRILATERAL_SAVES": str(tmp_path)}
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    game = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=installed.home,
        env=env,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(slave)
    shown = bytearray()

    def until(text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in shown:
            assert time.monotonic() < deadline, (
                f"never showed {text!r}:\n{shown.decode(errors='replace')}"
            )
            if select.select([master], [], [], 0.2)[0]:
                try:
                    shown.extend(os.read(master, 65536))
                except OSError:  # the program ended and closed the terminal
                    assert text in shown, (
                        f"ended before {text!r}:\n{shown.decode(errors='replace')}"
                    )

    try:
        until(b"confidential briefing")
        os.write(master, b"\r")
        until(b"Round 1 of")
        os.write(master, b"\x11")  # Ctrl+Q
        until(b"Game saved")
        assert game.wait(15) == 0
    finally:
        if game.poll() is None:
            game.kill()
            game.wait()
        os.close(master)
    assert list(tmp_path.glob("baseline-2025-*.json")), "the game was not saved"
