"""Scenario models for alliance dynamics: consultation, signals, ratification, security.

These carry every number of the mechanisms of docs/mechanics.md (consultation, signals,
ratification, precedent) — how much trust each Japan–Korea option needs and how trust moves,
what a threat threatens and how credible it is, how domestic approval judges a deal
(Putnam's two-level game, 1988), how far a closed deal pulls the other track (precedent),
how the security threat shifts priorities — so the commentary's argument is tested by the
rules and the numbers in YAML, never written into code.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.base import SENSITIVITY, Id, Share, Strict
from sim.scenario.effects import Effect


class ConsultOption(Strict):
    """One thing Japan and Korea can agree on in their channel."""

    trust: Share
    """Trust needed (at or above) to agree on it."""
    enabled: bool = True
    """Whether the option exists in this scenario (studies switch it off)."""


class ParityPact(ConsultOption):
    """A public pact that neither ally takes worse terms than its partner got on paired
    issues; breaking it costs the ``defection_*`` of the channel."""

    public: bool = True
    """Whether the allies invoke it in public: the first refusal of an ask that crosses
    the joint floor on a paired issue cites the pact, and the US then knows the floor on
    every paired issue at both tables; false keeps it between the allies (studies switch
    it off)."""


class JointPurchase(ConsultOption):
    """Pooling purchases (e.g. US LNG) into one larger deal both US tracks see."""

    effects: list[Effect] = Field(default_factory=list)
    """What agreeing on it changes, e.g. the US's weight on LNG volume (more leverage)."""


class Consultation(Strict):
    """The Japan–Korea channel: its options, and how trust and sentiment move."""

    channel: Id
    """The consultation track (``kind: consultation``) between the two allies."""
    enabled: bool = True
    """Whether the allies may consult at all (studies switch it off)."""
    trust: Share
    """Trust between the two governments at the start."""
    sentiment: Share
    """Public sentiment between the two countries at the start."""
    share_bottom_lines: ConsultOption
    """Exchanging bottom lines: each learns the other's hard limits, and both then hold the
    joint floor (the stricter limit on each paired issue)."""
    parity_pact: ParityPact
    """A pact that neither accepts terms worse than the joint floor on paired issues nor a
    deal worth less than the agreed floor, and that a partner's closed deal becomes a floor
    for the other rather than a ceiling."""
    joint_purchase: JointPurchase | None = None
    """A joint purchase (the commentary's joint LNG buy)."""
    trust_gain: float = 0.02
    """Trust gained in each round the allies agree on something."""
    sentiment_gain: float = 0.01
    """Public sentiment gained in each round the allies agree on something."""
    defection_trust: float = 0.25
    """Trust lost when an ally breaks the parity pact."""
    defection_sentiment: float = 0.1
    """Public sentiment lost when an ally breaks the parity pact."""
    defection_cost: Share = 0.0
    """Utility an ally gives up on the track where it breaks the parity pact: what
    breaking ranks costs it at home and with its partner. It is what makes the pact's
    floor credible: an AI ally breaks the pact only for a deal that beats going on by more."""


class ConsultPolicy(Strict):
    """What an AI ally agrees to when trust allows it."""

    share_bottom_lines: bool = True
    """Agree to exchange bottom lines."""
    parity_pact: bool = True
    """Agree to (and renew) a parity pact."""
    joint_purchase: bool = True
    """Agree to the joint purchase."""


class Threat(Strict):
    """A threat a party can make: a worse no-deal value of one issue for the other side."""

    id: Id
    """Identifier, e.g. ``tariff-japan``."""
    name: str
    """Short title."""
    track: Id
    """The track it bears on."""
    issue: Id
    """The issue whose no-deal value it changes."""
    value: float
    """The threatened value (e.g. a 35% tariff, 22 thousand troops)."""
    news: str
    """The line of news when the threat is made."""
    round: int | None = Field(default=None, ge=1)
    """The round in which the AI makes it if the track is still open (None: never)."""
    deadline: int = Field(default=2, ge=1)
    """Rounds after which the threat is carried out, or dropped, if the track is still open."""
    resolve: Share = 1.0
    """The chance it is carried out at its deadline (drawn from the game's seed)."""


class TieHands(Strict):
    """A public commitment on a track: a higher floor, and a cost at home if talks fail."""

    track: Id
    """The track committed on."""
    floor_rise: Share
    """How far above its current floor (reservation or no-deal utility, the higher) the
    party's reservation utility on the track is set."""
    audience_cost: Share
    """Approval lost if the track then ends without a deal."""
    round: int | None = Field(default=None, ge=1)
    """The round in which the AI ties its hands if the track is open (None: never)."""


class OutsideOption(Strict):
    """A coalition or agreement a party can pursue: costs now, pays off after a delay."""

    id: Id
    """Identifier, e.g. ``cptpp``."""
    name: str
    """Short title, e.g. ``CPTPP accession``."""
    news: str
    """The line of news when it is pursued."""
    delay: int = Field(ge=1)
    """Rounds until it pays off."""
    cost: list[Effect] = Field(default_factory=list)
    """What pursuing it costs at once (e.g. approval, patience)."""
    effects: list[Effect] = Field(default_factory=list)
    """What it changes once it pays off (e.g. ``parties.korea.batna.us-korea``, trust)."""
    round: int | None = Field(default=None, ge=1)
    """The round in which the AI pursues it (None: never)."""


class Ratification(Strict):
    """How a party's public judges a deal: approval must reach a threshold.

    The vote is ``approval + utility_weight·(u_deal − u_no_deal) − parity_weight·gap +
    noise``, where ``gap`` is how far the deal trails the partner ally's closed deal on
    paired issues (by the party's own values).
    """

    approval: Share = 0.5
    """Domestic approval of the government's handling of the talks at the start."""
    threshold: Share = 0.0
    """Approval a deal needs to be ratified (0: always ratified)."""
    utility_weight: float = Field(default=1.0, ge=0)
    """Approval per unit of track utility the deal adds over no deal."""
    parity_weight: float = Field(default=0.0, ge=0)
    """Approval lost per unit the deal trails the partner ally's deal on paired issues."""
    failure_cost: Share = 0.05
    """Approval lost when a deal fails ratification."""
    noise: float = Field(default=0.0, ge=0)
    """Standard deviation of a random swing in each vote (drawn from the game's seed)."""


class Signals(Strict):
    """A party's signals: threats it may make, commitments, and how credible it is."""

    credibility: Share = 1.0
    """How far others believe its threats: a threat moves the no-deal value this share of
    the way to the threatened value until it is carried out."""
    credibility_loss: Share = 0.2
    """Credibility lost each time a threat is not carried out at its deadline."""
    threats: list[Threat] = Field(default_factory=list)
    """Threats the party may make."""
    tie_hands: list[TieHands] = Field(default_factory=list)
    """Public commitments the party may make."""
    outside_options: list[OutsideOption] = Field(default_factory=list)
    """Coalitions and agreements the party may pursue."""


class Precedent(Strict):
    """How a closed US track weighs on the other (docs/mechanics.md, "Precedent")."""

    pull: Share = 0.5
    """How far the common counterpart's demands on the other track move toward the closed
    deal's terms on paired issues (0: not at all, 1: all the way)."""
    pact_blunting: Share = 0.5
    """The share of that pull a parity pact removes."""
    pairs: list[tuple[Id, Id]] = Field(default_factory=list)
    """Paired issues on the two tracks (same unit), e.g. ``[jp_tariff, kr_tariff]``."""


class Security(Strict):
    """The security environment: one threat level that shifts priorities."""

    threat: Share = 0.0
    """Threat level at the start (North Korea, Russia–North Korea transfers, China)."""


Sensitivity = dict[Id, Annotated[float, Field(ge=0.0, le=SENSITIVITY)]]
"""Issue id → how much the party's weight on it grows with the threat level:
effective weight = weight × (1 + sensitivity × threat), 0 to ``SENSITIVITY``."""

ConsultKind = Literal["share_bottom_lines", "parity_pact", "joint_purchase"]

OPTION_NAMES: dict[str, str] = {
    "share_bottom_lines": "Share bottom lines",
    "parity_pact": "Parity pact",
    "joint_purchase": "Joint purchase",
}
"""Each consultation option by the name players read, in the order the channel offers them."""
