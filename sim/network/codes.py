"""Join codes: what a team types to take its seat, and the teacher's code to the whole class.

A code is the only thing that stands between a team and another party's private numbers,
so it is drawn from ``secrets`` (never from a seeded generator) and long enough that it
cannot be guessed: a team's code is 10 letters and digits (about 50 bits), the teacher's 15
(about 74 bits), and the server refuses a connection that keeps trying wrong ones. The
alphabet leaves out the characters a class mistypes (0/O, 1/I/L), and a code is read back
in any case, with or without the dashes and spaces it is printed with.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""The characters of a code: capital letters and digits, without 0, 1, I, L and O."""
TEAM_LENGTH = 10
TEACHER_LENGTH = 15
GROUP = 5
"""A code is printed in groups of this many characters, joined by dashes."""


def new_code(length: int = TEAM_LENGTH) -> str:
    """A fresh random code of ``length`` characters (as stored: no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normal(text: str) -> str:
    """A code as typed, read the way it is stored: capitals, no dashes or spaces."""
    return "".join(c for c in text.upper() if c not in "- ")


def seat_codes(tables: int, parties: tuple[str, ...]) -> dict[str, tuple[int, str] | None]:
    """A new code for every team at every table, and one for the teacher.

    Args:
        tables: How many tables, numbered from 1.
        parties: The scenario's parties: one team each at every table.

    Returns:
        Each code (normalised) → (table, party) for a team, None for the teacher; no two
        codes alike.
    """
    codes: dict[str, tuple[int, str] | None] = {new_code(TEACHER_LENGTH): None}
    for table in range(1, tables + 1):
        for party in parties:
            code = new_code()
            while code in codes:  # a repeat is all but impossible; it must still not happen
                code = new_code()
            codes[code] = (table, party)
    return codes


def printed(code: str) -> str:
    """A stored (normalised) code as it is printed: in dashed groups."""
    return "-".join(code[n : n + GROUP] for n in range(0, len(code), GROUP))
