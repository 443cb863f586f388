"""Each source of chance in a game draws from a stream of its own.

Studies compare scenarios on paired seeds (``trilateral check``, ``study``): the same seed
should meet the same luck in both arms wherever the arms do not differ. With one generator
for everything, one extra draw early on (an event made certain, a refusal more) shifts
every later draw, and a small difference between the arms drowns in noise. So every random
event, every track's breakdown risk, every threat's resolve and every public's vote draws
from its own generator — common random numbers, the standard variance reduction of
simulation studies — each seeded from one number the model's seeded generator gives, and
so from the game's seed.
"""

from __future__ import annotations

from random import Random


class Draws:
    """Independent generators by name, all derived from one draw of the model's generator."""

    def __init__(self, rng: Random) -> None:
        self._root = rng.getrandbits(64)
        self._streams: dict[str, Random] = {}

    def __call__(self, source: str) -> Random:
        """The generator of one source of chance, e.g. ``"event:north-korea-test"``."""
        stream = self._streams.get(source)
        if stream is None:
            # A str seed is hashed with SHA-512, the same on every run and platform.
            stream = self._streams[source] = Random(f"{self._root}:{source}")
        return stream
