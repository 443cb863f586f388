"""Results as plain data: the JSON-ready form of a game's record and its analysis.

Floats are rounded to 9 places so that the last bits of a sum — which can differ between
numpy builds and machines — never show in ``trilateral run --json`` or an export.
"""

from __future__ import annotations

import numpy as np


def plain(value: object) -> object:
    """``value`` as JSON-ready data that prints the same on every run and machine.

    Dicts get string keys in sorted order, tuples and arrays become lists, numpy scalars
    become Python ones, and floats are rounded to 9 places (``-0.0`` reads ``0.0``).
    Anything else (strings, ``None``) is kept as it is.
    """
    if isinstance(value, dict):
        return {str(k): plain(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 9) + 0.0
    return value
