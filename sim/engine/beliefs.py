"""What a party believes it can get on a track, and how the other side's moves change it.

A party knows its own numbers, not the other side's: neither how much it weighs each issue
nor the least it would settle for. What matters for the party's own choices is one number
that both of those decide: the most the party can get, in its own utility, in a deal the
other side would sign — its *attainable* level ``U*``. The party holds a prior over a ladder
of levels, drawn per game, and updates it by Bayes' rule from every move it sees, as Zeng &
Sycara (1998, "Bayesian learning in negotiation") learn an opponent's reservation price:

- an offer from the other side is one it would sign, so ``U*`` is at least what the offer
  is worth to the party: ``L_k = σ((U*_k − u(o))/τ)``;
- a refusal of the party's own ask ``a`` says ``U*`` is probably below it — probably, since
  a side may refuse what it would sign in the hope of more: ``L_k = 1 − ρ·σ((U*_k − a)/τ)``,
  ``ρ`` the weight of a refusal as evidence.

The chance the other side accepts an ask ``a`` is ``q(a) = Σ_k p_k·σ((U*_k − a)/τ)``. ``τ``
says how sharply that chance turns with the ask. All of it is in the party's own utility,
so a misreading of the other side's priorities cannot mislead the learning.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from math import exp
from operator import mul, truediv

import numpy as np

_LEAST = 1e-6
"""No level's probability falls below this, so no evidence is ever unrecoverable."""


def _sigmoids(shares: tuple[float, ...], s: float, tau: float) -> list[float]:
    """``σ((share − s)/τ)`` for each level: how likely the other side would sign a package
    at ``s`` (on the shares' scale) if the party's attainable level were each share."""
    found = []
    for share in shares:
        z = (share - s) / tau
        if z >= 0:
            found.append(1.0 / (1.0 + exp(-z)))
        else:  # the same value, without overflowing exp(-z)
            e = exp(z)
            found.append(e / (1.0 + e))
    return found


def _floored(likelihoods: list[float]) -> list[float]:
    """``max(lk, _LEAST)`` of each likelihood, spelt out (a call to max costs more)."""
    return [_LEAST if lk < _LEAST else lk for lk in likelihoods]


@lru_cache(maxsize=8192)
def _offer_likelihoods(shares: tuple[float, ...], s: float, tau: float) -> tuple[float, ...]:
    """``L_k`` of an offer worth ``s`` (on the shares' scale), floored. Cached: offers are
    packages on the issues' grids, so the games of a batch see the same worths again."""
    return tuple(_floored(_sigmoids(shares, s, tau)))


@lru_cache(maxsize=8192)
def _refusal_likelihoods(
    shares: tuple[float, ...], s: float, tau: float, weight: float
) -> tuple[float, ...]:
    """``L_k`` of a refusal of an ask worth ``s``, floored; cached as ``_offer_likelihoods``."""
    return tuple(_floored([1.0 - weight * x for x in _sigmoids(shares, s, tau)]))


@lru_cache(maxsize=4096)
def _acceptance(
    shares: tuple[float, ...], tau: float, asks: tuple[float, ...], floor: float, span: float
) -> np.ndarray:
    """Level × ask → the chance the other side accepts the ask if the party's attainable
    level is that one, ``σ((U*_k − a)/τ)`` on the shares' scale. It does not depend on the
    belief's weights, so a party's moves leave it alone; and since the games of a batch
    start from the same floors and bests, they share it (hence cached here, read-only)."""
    s = (np.asarray(asks) - floor) / span
    z = (np.asarray(shares)[:, None] - s[None, :]) / tau
    table = 0.5 * (1.0 + np.tanh(0.5 * z))
    table.flags.writeable = False
    return table


class Belief:
    """A party's belief about its attainable level on one track, during one game.

    Levels are shares of the way from the party's floor to its best: when events move the
    floor (a threat carried out, an outside option paying off), what it can attain moves
    with it.
    """

    __slots__ = (
        "_chances",
        "_curves",
        "floor",
        "probs",
        "refusal",
        "shares",
        "span",
        "tau",
        "version",
    )

    def __init__(
        self, shares: tuple[float, ...], probs: list[float], tau: float, refusal: float
    ) -> None:
        self.shares = shares
        """The attainable levels the party thinks possible, as shares of floor → best."""
        self.probs = probs
        """The probability of each level, summing to 1."""
        self.tau = tau
        self.refusal = refusal
        self.floor, self.span = 0.0, 1.0
        self.version = 0
        """Counts the updates, so that what was priced under the belief can be kept."""
        self._chances: tuple | None = None
        self._curves: tuple | None = None
        """((asks, floor, span), ``_acceptance`` of them): moves change only the weights."""

    def place(self, floor: float, best: float) -> None:
        """Where the party's floor and best are now, in its own utility."""
        self.floor, self.span = floor, max(best - floor, 1e-9)
        self.version += 1

    def chances(self, asks: tuple[float, ...]) -> tuple[float, ...]:
        """``accepts`` for several asks at once, kept until the belief changes (a party
        prices the same ladder of asks several times a round)."""
        key = (self.version, asks)
        if self._chances is None or self._chances[0] != key:
            curves = self._curves
            if curves is None or curves[0] != (asks, self.floor, self.span):
                table = _acceptance(self.shares, self.tau, asks, self.floor, self.span)
                curves = self._curves = ((asks, self.floor, self.span), table)
            # np.dot takes the list as it is and gives the very product ``@`` gives (the
            # same BLAS call, checked bit for bit), at half the cost for arrays this small
            self._chances = (key, tuple(np.dot(self.probs, curves[1]).tolist()))
        return self._chances[1]

    def accepts(self, ask: float) -> float:
        """The chance the other side accepts a package worth ``ask`` to the party."""
        found = _sigmoids(self.shares, (ask - self.floor) / self.span, self.tau)
        return sum(p * x for p, x in zip(self.probs, found, strict=True))

    def saw_offer(self, worth: float) -> None:
        """The other side offered a package worth ``worth`` to the party."""
        self._update(_offer_likelihoods(self.shares, (worth - self.floor) / self.span, self.tau))

    def saw_refusal(self, ask: float) -> None:
        """The other side refused a package worth ``ask`` to the party."""
        s = (ask - self.floor) / self.span
        self._update(_refusal_likelihoods(self.shares, s, self.tau, self.refusal))

    def expect(self, worth: float, weight: float) -> None:
        """Evidence, of ``weight`` (0..1), that a deal worth about ``worth`` to the party can
        be had, such as a precedent set on another track: levels near it gain,
        ``L_k = (σ(d/τ)·σ(−d/τ))^weight`` with ``d`` the distance in shares."""
        found = _sigmoids(self.shares, (worth - self.floor) / self.span, self.tau)
        self._update(_floored([(x * (1.0 - x)) ** weight for x in found]))

    def expected(self) -> float:
        """The mean attainable level under the current belief, in the party's utility."""
        mean = sum(share * p for share, p in zip(self.shares, self.probs, strict=True))
        return self.floor + mean * self.span

    def _update(self, likelihoods: list[float] | tuple[float, ...]) -> None:
        posterior = list(map(mul, self.probs, likelihoods))
        total = sum(posterior)
        self.probs = list(map(truediv, posterior, repeat(total)))
        self.version += 1
