"""What a scenario schedules after its last round, and so never happens.

A scheduled event, an AI's signal or the moment a threat or an outside option comes due may
lie past ``rounds``: valid (a sweep over ``rounds`` makes it so on purpose), but in a
file written by hand it is usually a slip — the event that was meant to shake the talks
never fires, silently. ``trilateral validate`` says so as a note and still passes.
"""

from __future__ import annotations

from sim.scenario.models import Scenario


def after_the_end(scenario: Scenario) -> list[str]:
    """Each scheduled thing of ``scenario`` that falls after its last round, in words.

    Returns:
        ``PATH: …`` lines in file order (events, then each party's signals), with the
        dotted path ``--set`` would use; empty when everything can happen.
    """
    last = scenario.rounds
    found = []

    def late(path: str, when: int | None, what: str) -> None:
        if when is not None and when > last:
            found.append(f"{path}: round {when} is after the last round ({last}): {what}")

    for event in scenario.events:
        late(f"events.{event.id}.round", event.round, "it never fires")
    for party in scenario.parties:
        signals, at = party.signals, f"parties.{party.id}.signals"
        for threat in signals.threats:
            path = f"{at}.threats.{threat.id}"
            late(f"{path}.round", threat.round, "it is never made")
            if threat.round is not None and threat.round <= last:
                late(f"{path}.deadline", threat.round + threat.deadline, "it never comes due")
        for n, tie in enumerate(signals.tie_hands):
            late(f"{at}.tie_hands.{n}.round", tie.round, "it is never made")
        for option in signals.outside_options:
            path = f"{at}.outside_options.{option.id}"
            late(f"{path}.round", option.round, "it is never pursued")
            if option.round is not None and option.round <= last:
                late(f"{path}.delay", option.round + option.delay, "it never pays off")
    return found
