"""Alliance politics as one team may see it: approval, trust, threat, channel, signals.

Approval polls, Japan–Korea trust and sentiment and the security threat are public; the
ratification threshold is the viewer's own; the signals listed are the viewer's to send.
Every number is one the engine keeps (``World.approval``, ``trust``, ``sentiment``,
``threat``, the consultation ``Channel`` and the ``SignalBoard``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.classroom.game import Game
from sim.scenario.politics import OPTION_NAMES


@dataclass(frozen=True, slots=True)
class ChannelOption:
    """One Japan–Korea option: in force or not, the trust it needs, the viewer's answer."""

    id: str
    name: str
    trust: float
    agreed: bool
    answer: bool | None
    """The viewer's standing answer (None: the viewer is not in the channel)."""
    partner: bool | None = None
    """The other ally's standing answer, which it has said in the channel (None: the
    viewer is not in the channel): an option holds only when both say yes."""


@dataclass(frozen=True, slots=True)
class Politics:
    """The numbers of alliance politics the engine keeps, as the viewer may see them.

    Approval polls, Japan–Korea trust and sentiment and the security threat are public;
    the ratification threshold shown is the viewer's own.
    """

    approval: tuple[tuple[str, float], ...] = ()
    """(party name, approval) for every party."""
    threshold: float | None = None
    """The approval a deal needs to pass at home, for the viewer."""
    trust: float | None = None
    sentiment: float | None = None
    threat: float | None = None
    channel: str = ""
    """The consultation channel's name, if the scenario has one."""
    options: tuple[ChannelOption, ...] = ()
    signals: tuple[tuple[str, str, str], ...] = ()
    """(kind, id, label) of the signals the viewer can send now."""
    allied: bool = False
    """Whether the viewer sits in the consultation channel."""
    partner: str = ""
    """The name of the viewer's partner in the channel (empty if it sits in none)."""

    @property
    def has_moves(self) -> bool:
        """Whether the viewer can signal or consult now."""
        return bool(self.signals) or (self.allied and bool(self.options))


def politics(game: Game, viewer: str | None) -> Politics:
    """Approval, trust, threat, the JP–KR channel and the viewer's signals."""
    model = game.model
    world = model.world
    scenario = game.scenario
    approval = tuple((game.name(p), world.approval[p]) for p in game.rules.party_ids)
    threshold = scenario.party(viewer).ratification.threshold if viewer else None
    channel = model.channel
    if channel is None or not channel.config.enabled:
        return Politics(approval, threshold, threat=world.threat, signals=_signals(game, viewer))
    allied = viewer in channel.allies
    partner = next((p for p in channel.allies if p != viewer), None) if allied else None
    options = tuple(
        ChannelOption(
            option,
            OPTION_NAMES.get(option, option),
            settings.trust,
            option in channel.agreed,
            channel.willing(viewer, option) if allied else None,
            channel.willing(partner, option) if allied else None,
        )
        for option, settings in _channel_options(channel)
    )
    track = next(t for t in scenario.tracks if t.id == channel.config.channel)
    return Politics(
        approval,
        threshold,
        world.trust,
        world.sentiment,
        world.threat,
        track.name,
        options,
        _signals(game, viewer),
        allied,
        game.name(partner) if partner else "",
    )


def _channel_options(channel) -> list[tuple[str, object]]:
    config = channel.config
    found = []
    for option in OPTION_NAMES:
        settings = getattr(config, option, None)
        if settings is not None and settings.enabled:
            found.append((option, settings))
    return found


def _signals(game: Game, viewer: str | None) -> tuple[tuple[str, str, str], ...]:
    if viewer is None or viewer not in game.model.humans:
        return ()
    return tuple(game.model.signals.available(viewer))
