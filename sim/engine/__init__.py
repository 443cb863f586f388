"""One game of the negotiation: utilities, beliefs, strategies, the world and the model
(docs/architecture.md has the module map). Light to import: only ``MAX_SEED`` lives here."""

MAX_SEED = (1 << 63) - 1
"""The largest seed a game takes: seeds are kept as signed 64-bit integers (batch results,
saves) and ``--seed`` takes no more."""
