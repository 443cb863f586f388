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

from math import exp

import numpy as np

_LEAST = 1e-6
"""No level's probability falls below this, so no evidence is ever unrecoverable."""


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + exp(-z))
    e = exp(z)
    return e / (1.0 + e)


class Belief:
    """A party's belief about its attainable level on one track, during one game.

    Levels are shares of the way from the party's floor to its best: when events move the
    floor (a threat carried out, an outside option paying off), what it can attain moves
    with it.
    """

    __slots__ = ("_chances", "floor", "probs", "refusal", "shares", "span", "tau", "version")

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

    def place(self, floor: float, best: float) -> None:
        """Where the party's floor and best are now, in its own utility."""
        self.floor, self.span = floor, max(best - floor, 1e-9)
        self.version += 1

    def chances(self, asks: tuple[float, ...]) -> tuple[float, ...]:
        """``accepts`` for several asks at once, kept until the belief changes (a party
        prices the same ladder of asks several times a round)."""
        key = (self.version, asks)
        if self._chances is None or self._chances[0] != key:
            s = (np.asarray(asks) - self.floor) / self.span
            z = (np.asarray(self.shares)[:, None] - s[None, :]) / self.tau
            found = tuple((np.asarray(self.probs) @ (0.5 * (1.0 + np.tanh(0.5 * z)))).tolist())
            self._chances = (key, found)
        return self._chances[1]

    def accepts(self, ask: float) -> float:
        """The chance the other side accepts a package worth ``ask`` to the party."""
        s, tau = (ask - self.floor) / self.span, self.tau
        return sum(
            p * _sigmoid((share - s) / tau)
            for share, p in zip(self.shares, self.probs, strict=True)
        )

    def saw_offer(self, worth: float) -> None:
        """The other side offered a package worth ``worth`` to the party."""
        s, tau = (worth - self.floor) / self.span, self.tau
        self._update([_sigmoid((share - s) / tau) for share in self.shares])

    def saw_refusal(self, ask: float) -> None:
        """The other side refused a package worth ``ask`` to the party."""
        s, tau, weight = (ask - self.floor) / self.span, self.tau, self.refusal
        self._update([1.0 - weight * _sigmoid((share - s) / tau) for share in self.shares])

    def expected(self) -> float:
        """The mean attainable level under the current belief, in the party's utility."""
        mean = sum(share * p for share, p in zip(self.shares, self.probs, strict=True))
        return self.floor + mean * self.span

    def _update(self, likelihoods: list[float]) -> None:
        posterior = [p * max(lk, _LEAST) for p, lk in zip(self.probs, likelihoods, strict=True)]
        total = sum(posterior)
        self.probs = [p / total for p in posterior]
        self.version += 1

    def expect(self, worth: float, weight: float) -> None:
        """Evidence, of ``weight`` (0..1), that a deal worth about ``worth`` to the party can
        be had, such as a precedent set on another track: levels near it gain,
        ``L_k = (σ(d/τ)·σ(−d/τ))^weight`` with ``d`` the distance in shares."""
        s, tau = (worth - self.floor) / self.span, self.tau
        self._update(
            [
                (_sigmoid((share - s) / tau) * _sigmoid((s - share) / tau)) ** weight
                for share in self.shares
            ]
        )
