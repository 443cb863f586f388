"""A headless Chromium driven over the Chrome DevTools protocol, for the web client's tests.

The browser test opens the page a student would, types as a student does and reads what
the page was sent. Chromium is Debian's (``.ci/run`` installs it); the protocol is spoken
with the ``websockets`` library the project already uses, so no browser download and no
driver package is needed. The terminal in the page draws on a canvas, so what it shows is
read where it arrives: a script added before the page loads keeps every byte the page's
websockets receive, decoded, in ``window.__received``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import websockets

_KEEP_RECEIVED = """
(() => {
  window.__received = "";
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      window.__received += typeof event.data === "string"
        ? event.data : decoder.decode(event.data, {stream: true});
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""

_ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>78]")


def chromium() -> str | None:
    """The Chromium on this machine, if there is one."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one page, spoken to over the DevTools protocol."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        # Chromium's helpers may still be writing the profile as the browser exits; the
        # whole process group is stopped first, and a file left behind is not a failure.
        self._profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self._socket = None
        self._ids = itertools.count(1)

    async def start(self, width: int = 1280, height: int = 800) -> None:
        """Launch the browser and attach to its first page."""
        binary = chromium()
        if binary is None:
            raise RuntimeError("no chromium on this machine")
        self._process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--window-size={width},{height}",
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        endpoint = await asyncio.to_thread(self._devtools_endpoint)
        self._socket = await websockets.connect(endpoint, max_size=None)
        targets = await self.call("Target.getTargets")
        page = next(t for t in targets["targetInfos"] if t["type"] == "page")
        attached = await self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)
        self._session = attached["sessionId"]
        await self.call("Page.enable", session=True)
        await self.call(
            "Page.addScriptToEvaluateOnNewDocument", source=_KEEP_RECEIVED, session=True
        )

    def _devtools_endpoint(self) -> str:
        for line in self._process.stderr:
            if line.startswith("DevTools listening on "):
                return line.split(" on ", 1)[1].strip()
        raise RuntimeError("chromium ended before it listened")

    async def call(self, method: str, session: bool = False, **params) -> dict:
        """Send one protocol command and wait for its answer (events are skipped)."""
        number = next(self._ids)
        message = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        await self._socket.send(json.dumps(message))
        while True:
            answer = json.loads(await self._socket.recv())
            if answer.get("id") == number:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    async def open(self, url: str) -> None:
        """Go to ``url``."""
        await self.call("Page.navigate", session=True, url=url)

    async def received(self) -> str:
        """Everything the page's websockets have received, as plain text (escapes removed)."""
        result = await self.call(
            "Runtime.evaluate", session=True, expression="window.__received || ''"
        )
        return _ANSI.sub("", result["result"].get("value", ""))

    async def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Wait until the page has received ``text``; everything it has received."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            seen = await self.received()
            if text in seen:
                return seen
            await asyncio.sleep(0.2)
        raise TimeoutError(f"the page never showed {text!r}")

    async def focus_terminal(self, timeout: float = 30.0) -> None:
        """Give the page's terminal the keyboard, as a student's click on it does (the
        terminal's own input field, found by xterm.js's class name)."""
        script = (
            "(() => { const field = document.querySelector('.xterm-helper-textarea');"
            " if (field) field.focus(); return document.activeElement === field; })()"
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            result = await self.call("Runtime.evaluate", session=True, expression=script)
            if result["result"].get("value"):
                return
            await asyncio.sleep(0.2)
        raise TimeoutError("the page's terminal never took the keyboard")

    async def type(self, text: str) -> None:
        """Type ``text`` into the page, as keys on the keyboard."""
        await self.call("Input.insertText", session=True, text=text)

    async def press(self, key: str, code: str, key_code: int, modifiers: int = 0) -> None:
        """Press and release one key, as ``Input.dispatchKeyEvent`` names it (e.g. ``"Enter",
        "Enter", 13``; ``modifiers`` 2 holds Ctrl)."""
        for kind in ("keyDown", "keyUp"):
            typed = "\r" if kind == "keyDown" and key == "Enter" else ""
            await self.call(
                "Input.dispatchKeyEvent",
                session=True,
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=key_code,
                modifiers=modifiers,
                text=typed,
            )

    async def screenshot(self, path: Path) -> None:
        """Save what the page shows as a PNG."""
        shot = await self.call("Page.captureScreenshot", session=True, format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        """Close the protocol connection and the browser."""
        if self._socket is not None:
            await self._socket.close()
        if self._process is not None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=10)
            self._signal_group(signal.SIGKILL)
            self._process.wait()
        self._profile.cleanup()

    def _signal_group(self, signum: int) -> None:
        """Send ``signum`` to the browser and every helper process it started."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signum)
