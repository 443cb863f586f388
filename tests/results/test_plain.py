"""Plain data: JSON-ready, the same on every machine."""

from __future__ import annotations

import json

import numpy as np

from sim.results.plain import plain


def test_numpy_and_containers_become_plain_json_data():
    value = {
        "b": (np.float64(0.1) + np.float64(0.2), np.int64(3)),
        "a": {2: np.bool_(True), 1: np.array([1.5, -1e-12])},
        "c": None,
    }
    found = plain(value)
    assert found == {"a": {"1": [1.5, 0.0], "2": True}, "b": [0.3, 3], "c": None}
    assert list(found) == ["a", "b", "c"]
    assert json.dumps(found) == (
        '{"a": {"1": [1.5, 0.0], "2": true}, "b": [0.3, 3], "c": null}'
    )  # -1e-12 rounds to 0.0, never "-0.0"
    assert type(found["b"][1]) is int and type(found["a"]["2"]) is bool
