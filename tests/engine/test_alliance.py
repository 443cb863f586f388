"""Alliance dynamics, each mechanism at its own level: consultation, joint floors, the
parity pact, precedent, ratification, signals, outside options and security."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model import NegotiationModel
from sim.engine.moves import InvalidMove, Move
from sim.engine.rules import Rules
from sim.engine.utility import EPS
from sim.scenario.loading import load_scenario
from tests.factories import CONSULTATION, trio


def politics(model, phase=None):
    table = model.datacollector.tables["politics"]
    rows = [dict(zip(table, values, strict=True)) for values in zip(*table.values(), strict=True)]
    return [r for r in rows if phase is None or r["phase"] == phase]


@settings(max_examples=40, deadline=None)
@given(
    trust=st.floats(0, 1),
    share=st.floats(0, 1),
    pact=st.floats(0, 1),
    seed=st.integers(0, 1000),
)
def test_consultation_never_happens_below_its_trust_threshold(trust, share, pact, seed):
    scenario = trio(
        consultation={
            "channel": "a-b",
            "trust": trust,
            "sentiment": 0.5,
            "share_bottom_lines": {"trust": share},
            "parity_pact": {"trust": pact},
            "trust_gain": 0.0,
        }
    )
    model = NegotiationModel(scenario, seed=seed)
    model.run()
    agreed = {r["subject"] for r in politics(model, "consultation") if r["outcome"] == "agreed"}
    assert ("share_bottom_lines" in agreed) == (trust >= share - EPS)
    assert ("parity_pact" in agreed) == (trust >= pact - EPS)


def test_consultation_can_be_switched_off_and_ais_can_decline():
    off = NegotiationModel(
        trio(
            consultation={
                "channel": "a-b",
                "enabled": False,
                "trust": 1,
                "sentiment": 1,
                "share_bottom_lines": {"trust": 0},
                "parity_pact": {"trust": 0},
            }
        )
    )
    off.run()
    assert not politics(off, "consultation")
    unwilling = NegotiationModel(trio(a={"consult": {"parity_pact": False}}))
    unwilling.world.trust = 1.0
    unwilling.run()
    assert "parity_pact" not in unwilling.channel.agreed


@pytest.mark.parametrize(("trust", "limit"), [(0.4, 26), (0.5, 25), (0.8, 22), (1.0, 20)])
def test_shared_bottom_lines_move_each_ally_toward_the_joint_floor_as_far_as_it_trusts(
    trust, limit
):
    """a's tariff limit (30) moves the share ``trust`` of the way to b's stricter 20."""
    model = NegotiationModel(
        trio(
            consultation={
                "channel": "a-b",
                "trust": trust,
                "sentiment": 0.5,
                "share_bottom_lines": {"trust": 0.4},
                "parity_pact": {"trust": 0.6, "enabled": False},
            }
        ),
        seed=0,
    )
    assert model.world.limits[("a", "us-a")].bounds[0] == (0, 30)
    model.step()
    assert "share_bottom_lines" in model.channel.agreed
    assert model.world.limits[("a", "us-a")].bounds[0] == (0, limit)
    assert model.world.limits[("b", "us-b")].bounds[0] == (0, 20)


def test_a_parity_pact_holds_the_whole_joint_floor():
    model = pact_game()
    assert model.world.limits[("b", "us-b")].bounds[0] == (0, 20)
    assert model.world.limits[("a", "us-a")].bounds[0][1] <= 20


@pytest.mark.parametrize("seed", range(5))
def test_with_a_parity_pact_no_ai_ally_accepts_below_the_joint_floor(seed):
    scenario = load_scenario(
        "baseline-2025",
        [
            "consultation.trust=0.9",
            "parties.us.strategy={name: hardliner}",
            "parties.korea.bottom_lines.kr_autos.max=12.5",
        ],
    )
    model = NegotiationModel(scenario, seed=seed)
    model.run()
    # an ally that broke ranks took a deal the pact ruled out; one that kept it signed
    # inside the joint floor; and no ally ever proposed past its own bottom lines
    outcomes = [r["outcome"] for r in politics(model, "consultation")]
    broke = {o.removeprefix("broken by ") for o in outcomes if o.startswith("broken by ")}
    assert {"share_bottom_lines", "parity_pact"} <= model.channel.ever
    assert "parity_pact" in model.channel.agreed or broke  # it held, or an ally broke it
    rules = model.rules
    checked = 0
    for a_issue, b_issue in scenario.precedent.pairs:
        bounds = [
            model.world.bottom_lines[(ally, rules.scenario.issue(i).track)].bounds[
                rules.position(i)
            ]
            for ally, i in (("japan", a_issue), ("korea", b_issue))
        ]
        joint = max(b[0] for b in bounds), min(b[1] for b in bounds)
        for issue in (a_issue, b_issue):
            talks = model.talks[rules.scenario.issue(issue).track]
            ally = talks.track.other("us")
            own = model.world.bottom_lines[(ally, talks.track.id)]
            for offer in talks.history:
                assert offer.proposer == "us" or own.allow(offer.package), offer
                checked += offer.proposer == ally
            if talks.deal is not None and ally not in broke:
                value = talks.deal.package[rules.position(issue)]
                assert joint[0] - EPS <= value <= joint[1] + EPS, (issue, talks.deal)
                checked += 1
    assert checked


def after_a_first_deal(term: float, pull: float, pact: bool = False, us: dict | None = None):
    """What the US expects to attain from b, and b's tariff limit, once a closed its deal
    on a tariff of ``term`` (the US wants it high); ``us`` updates the US's party."""
    from sim.engine.phases.alliance import apply_precedent

    pairs = [["tariff_a", "tariff_b"]]
    scenario = trio(precedent={"pull": pull, "pairs": pairs}, us=us or {})
    model = NegotiationModel(scenario, seed=0)
    model.world.trust = 0.7 if pact else 0.5
    model.step()
    talks = model.talks["us-a"]
    offer = model._offer(talks, "us", (term, 0.0))
    talks.close("agreed", model.round, offer)
    apply_precedent(model, offer)
    expected = model.countries["us"].seats["us-b"].belief.expected()
    return expected, model.world.limits[("b", "us-b")].bounds[0], model


def test_a_bad_first_deal_moves_the_us_limit_with_the_second_ally_a_share_pull_of_the_way():
    """What Washington conceded to the first ally it holds out against with the second: its
    own limit on the paired tariff (0..50: none of its own) moves ``pull`` of the way to the
    first deal's term, on the issue's grid; a deal no better for it than its limit moves
    nothing, and the second ally's own limit stays its own."""
    for pull, lo in ((0.0, 0), (0.3, 12), (0.5, 20), (0.9, 36)):
        _, b_limit, model = after_a_first_deal(40.0, pull)
        assert model.world.limits[("us", "us-b")].bounds[0] == (lo, 50)
        assert b_limit == (0, 20)
    _, _, model = after_a_first_deal(33.5, 0.5)
    assert model.world.limits[("us", "us-b")].bounds[0] == (16, 50)  # 16.75, on the grid
    us = model.countries["us"].seats["us-b"]
    assert min(us.path.ideal[0], *(c.end for c in us.path.steps if c.pos == 0)) >= 16
    # a limit off the grid (11.5, on a grid of 1) is never loosened by the snap to it, and
    # a share too small for a step moves nothing and says nothing
    off_grid = {"bottom_lines": {"tariff_b": {"min": 11.5}}}
    _, _, model = after_a_first_deal(12.0, 0.3, us=off_grid)
    assert model.world.limits[("us", "us-b")].bounds[0] == (11.5, 50)
    assert not [r for r in politics(model, "precedent") if "holds" in r["outcome"]]


def test_an_ai_never_offers_past_a_limit_that_moved_after_it_heard_a_red_line():
    """b named the tariff a red line and held 10; then a first deal at 40 moved the US's
    limit to 20. The two ranges no longer meet: the US's offers stop at its own limit,
    as near b's line as that allows, and go no further."""
    from sim.engine.phases.alliance import _hold

    _, _, model = after_a_first_deal(40.0, 0.0)
    us = model.countries["us"].seats["us-b"]
    for _ in range(2):
        us.heard_ask((10.0, 0.0))
    us.heard_red_line(0, 30.0)
    assert us.red_lines.bounds[0] == (0, 10)
    _hold(model, "us", "us-b", 0, "tariff_b", 40.0, share=0.5)
    assert model.world.limits[("us", "us-b")].bounds[0] == (20, 50)
    tariffs = {us.path.package(target)[0] for target in (0.0, 0.3, 0.6, 1.0)}
    assert tariffs == {20}


def test_a_bad_first_deal_raises_what_the_us_expects_of_the_second_ally_graded_in_pull():
    untouched, *_ = after_a_first_deal(40.0, pull=0.0)
    bad = [after_a_first_deal(40.0, pull)[0] for pull in (0.2, 0.5, 0.9)]
    worse = [after_a_first_deal(20.0, pull)[0] for pull in (0.2, 0.5, 0.9)]
    # the US already expected to give b a tariff of 0: a first deal at 0 tells it little
    good = [after_a_first_deal(0.0, pull)[0] for pull in (0.2, 0.5, 0.9)]
    assert untouched < bad[0] < bad[1] < bad[2]  # continuous in pull: no cliff
    assert all(g < w < b for g, w, b in zip(good, worse, bad, strict=True))
    assert all(abs(g - untouched) < 0.01 for g in good)


def test_a_parity_pact_blunts_the_precedent_and_makes_the_first_deal_a_floor():
    untouched, b_alone, _ = after_a_first_deal(40.0, pull=0.0)
    plain, b_plain, _ = after_a_first_deal(40.0, pull=0.9)
    pact, b_pact, _ = after_a_first_deal(40.0, pull=0.9, pact=True)
    assert untouched < pact < plain
    assert b_plain == b_alone == (0, 20)
    assert b_pact == (0, 20)  # the first deal (40) is above b's own limit: its limit stays
    _, b_pact_good, _ = after_a_first_deal(10.0, pull=0.9, pact=True)
    assert b_pact_good == (0, 10)  # b will not take a worse tariff than a got


def test_a_failed_ratification_reopens_the_track_and_costs_approval():
    scenario = trio(a={"ratification": {"approval": 0.5, "threshold": 1.0, "failure_cost": 0.1}})
    model = NegotiationModel(scenario, seed=0)
    model.step()
    talks = model.talks["us-a"]
    offer = model._offer(talks, "us", (10.0, 0.0))
    assert not model._ratify(talks, offer)
    votes = [r for r in politics(model, "ratification") if r["party"] == "a"]
    assert votes and votes[-1]["outcome"].startswith("rejected")
    assert talks.open and talks.on_table is None and talks.failed_votes == 1
    assert model.world.approval["a"] == pytest.approx(0.4)
    model.step()
    assert talks.history[-1].round == 2  # the talks went on after the failed vote


def test_parity_with_the_partners_deal_enters_the_vote():
    from sim.engine.phases.ratification import vote

    scenario = trio(
        b={"ratification": {"approval": 0.5, "parity_weight": 2.0, "utility_weight": 0.0}}
    )
    model = NegotiationModel(scenario, seed=0)
    offer_a = model._offer(model.talks["us-a"], "us", (5.0, 0.0))
    model.talks["us-a"].close("agreed", 1, offer_a)
    same = model._offer(model.talks["us-b"], "us", (5.0, 0.0))
    worse = model._offer(model.talks["us-b"], "us", (15.0, 0.0))
    assert vote(model, "b", same) == pytest.approx(0.5)
    weight = model.world.valuation("b", "us-b").terms[0][0]
    assert vote(model, "b", worse) == pytest.approx(0.5 - 2.0 * weight * 10 / 50)


def threat_scenario(resolve: float):
    return trio(
        us={
            "signals": {
                "credibility": 0.5,
                "credibility_loss": 0.2,
                "threats": [
                    {
                        "id": "t",
                        "name": "T",
                        "track": "us-a",
                        "issue": "tariff_a",
                        "value": 45,
                        "news": "Threat!",
                        "round": 1,
                        "deadline": 2,
                        "resolve": resolve,
                    }
                ],
            },
            "strategy": {"name": "hardliner"},
        },
        a={"strategy": {"name": "hardliner"}},
    )


def test_a_threat_not_carried_out_costs_credibility():
    model = NegotiationModel(threat_scenario(0.0), seed=0)
    model.step()
    assert model.world.escalation["tariff_a"] == pytest.approx(35)  # half-way: credibility 0.5
    model.step()
    model.step()
    assert model.world.credibility["us"] == 0.5  # round 3, its deadline, is dealt in under it
    model.step()
    assert model.world.credibility["us"] == pytest.approx(0.3)
    assert "tariff_a" not in model.world.escalation
    assert model.world.status_quo["tariff_a"] == 25


def test_a_threat_carried_out_changes_the_status_quo():
    model = NegotiationModel(threat_scenario(1.0), seed=0)
    for _ in range(3):
        model.step()
    assert model.world.status_quo["tariff_a"] == 25  # not before its deadline round is over
    model.step()
    assert model.world.status_quo["tariff_a"] == 45
    assert model.world.credibility["us"] == 0.5


def test_an_outside_option_pays_off_only_after_its_delay():
    scenario = trio(
        b={
            "signals": {
                "outside_options": [
                    {
                        "id": "cptpp",
                        "name": "CPTPP",
                        "news": "B applies.",
                        "delay": 3,
                        "round": 1,
                        "cost": [{"target": "parties.b.approval", "add": -0.1}],
                        "effects": [{"target": "parties.b.batna.us-b", "add": 0.05}],
                    }
                ]
            },
            "strategy": {"name": "hardliner"},
        },
        us={"strategy": {"name": "hardliner"}},
    )
    model = NegotiationModel(scenario, seed=0)
    before = model.world.no_deal_utility("b", model.rules.track["us-b"])
    model.step()
    assert model.world.approval["b"] == pytest.approx(0.4)
    for _ in range(2):
        model.step()
        assert model.world.bonus["b"]["us-b"] == 0
    model.step()
    assert model.world.bonus["b"]["us-b"] == pytest.approx(0.05)
    after = model.world.no_deal_utility("b", model.rules.track["us-b"])
    assert after == pytest.approx(before + 0.05)


def test_tied_hands_raise_the_floor_and_cost_approval_when_talks_fail():
    scenario = trio(
        a={
            "signals": {
                "tie_hands": [
                    {"track": "us-a", "floor_rise": 0.2, "audience_cost": 0.15, "round": 1}
                ]
            },
            "strategy": {"name": "hardliner"},
            "ratification": {"approval": 0.5},
        },
        us={"strategy": {"name": "hardliner"}},
        rounds=3,
    )
    model = NegotiationModel(scenario, seed=0)
    model.run()
    floor = model.world.no_deal_utility("a", model.rules.track["us-a"])
    assert model.world.reservation["a"]["us-a"] == pytest.approx(floor + 0.2)
    assert model.talks["us-a"].status == "no-deal"
    assert model.world.approval["a"] == pytest.approx(0.35)


def test_the_tie_hands_label_names_the_floor_that_tying_then_sets():
    model = NegotiationModel(Rules(load_scenario("baseline-2025")), seed=3, humans=["japan"])
    model.advance()
    track = model.rules.track["us-japan"]
    before = model.world.floor("japan", track)
    (label,) = [label for kind, _, label in model.signals.available("japan") if kind == "tie_hands"]
    model.signals.send("japan", "tie_hands", "us-japan")
    after = model.world.floor("japan", track)
    assert after > before
    assert f"your floor {before:.2f} → {after:.2f};" in label


def test_the_security_threat_shifts_weights_toward_troops():
    scenario = load_scenario("baseline-2025")
    model = NegotiationModel(scenario, seed=0)
    before = dict(model.world.weights["korea"])["kr_troops"]
    model.world.apply(next(e for e in scenario.events if e.id == "russia-nk-transfer").effects[0])
    after = dict(model.world.weights["korea"])["kr_troops"]
    assert after > before
    assert dict(model.world.weights["us"]) == dict(NegotiationModel(scenario).world.weights["us"])


def test_humans_signal_and_consult_through_the_move_api():
    rules = Rules(load_scenario("baseline-2025"))
    model = NegotiationModel(rules, seed=1, humans=["korea", "us"])
    request = model.advance()
    assert request.party == "us"
    same = model.submit(
        Move("us", "us-japan", "signal", {"signal": "threat", "id": "tariff-japan"})
    )
    assert same == request
    assert model.world.escalation["jp_tariff"] > 25
    with pytest.raises(InvalidMove, match="no such signal"):
        model.submit(Move("us", "us-japan", "signal", {"signal": "threat", "id": "tariff-japan"}))
    with pytest.raises(InvalidMove, match="not played by a human"):
        model.submit(
            Move("japan", "japan-korea", "consult", {"option": "parity_pact", "agree": True})
        )
    with pytest.raises(InvalidMove, match="consultation move"):
        model.submit(Move("korea", "japan-korea", "consult", {"option": "alliance"}))
    model.submit(Move("korea", "japan-korea", "consult", {"option": "parity_pact", "agree": True}))
    assert model.channel.offers["korea"]["parity_pact"] is True
    kinds = [m.kind for m in model.moves]
    assert kinds.count("signal") == 1 and kinds.count("consult") == 1


def pact_game(a: dict | None = None, **consultation):
    """A trio game in round 1 with a parity pact in force; b has closed at a tariff of 5."""
    from sim.engine.phases.alliance import apply_precedent

    scenario = trio(
        a=a or {},
        consultation={**CONSULTATION, "trust": 0.7, **consultation},
    )
    model = NegotiationModel(scenario, seed=0)
    model.step()
    assert "parity_pact" in model.channel.agreed
    closed = model._offer(model.talks["us-b"], "us", (5.0, 0.0))
    model.talks["us-b"].close("agreed", model.round, closed)
    apply_precedent(model, closed)
    return model


@pytest.mark.parametrize("public", [True, False])
def test_an_ally_refusing_an_ask_past_a_public_pact_cites_it_and_the_us_learns_the_floor(public):
    pact = {"trust": 0.6, "public": public}
    model = NegotiationModel(
        trio(consultation={**CONSULTATION, "trust": 0.7, "parity_pact": pact}), seed=0
    )
    model.channel.consult()
    assert "parity_pact" in model.channel.agreed
    us = model.countries["us"].seats
    assert us["us-a"].public == us["us-b"].public == {}  # nothing cited yet
    talks = model.talks["us-a"]
    offer = model._offer(talks, "us", (25.0, 0.0))  # past the joint floor of 20
    model.countries["a"].respond(talks, offer.package, offer.worth["a"])
    lines = model.world.limits[("a", "us-a")].crossed(offer.package)
    assert lines == (0,)
    model.channel.cite(talks.track, "a", lines)
    for track in ("us-a", "us-b"):
        assert us[track].public == ({0: (0, 20)} if public else {})
        asked = max(us[track].path.ideal[0], *(c.end for c in us[track].path.steps if c.pos == 0))
        assert (asked <= 20) == public  # no more asks past the line it now knows
    cited = [r for r in politics(model, "consultation") if r["outcome"].startswith("announced")]
    assert [(r["party"], r["outcome"]) for r in cited] == (
        [("a", "announced 0..20"), ("b", "announced 0..20")] if public else []
    )


def test_in_the_baseline_the_pact_is_cited_at_an_allys_refusal_not_when_it_is_made():
    rules = Rules(load_scenario("baseline-2025", ["consultation.trust=0.9"]))
    model = NegotiationModel(rules, seed=0)
    model.run()
    notes = politics(model, "consultation")
    made = next(r["round"] for r in notes if r["subject"] == "parity_pact")
    cited = next(r["round"] for r in notes if r["outcome"].startswith("announced"))
    offers = model.datacollector.tables["offers"]
    refused_by_an_ally = {
        r
        for r, proposer, response in zip(
            offers["round"], offers["proposer"], offers["response"], strict=True
        )
        if proposer == "us" and response == "reject"
    }
    assert made == 1 and cited in refused_by_an_ally


def test_under_a_pact_the_partners_terms_bind_and_the_us_knows_it_until_the_pact_lapses():
    model = pact_game()
    world = model.world
    assert world.limits[("a", "us-a")].bounds[0] == (0, 5)  # a takes no worse than b got
    us = model.countries["us"].seats["us-a"]
    assert max(us.path.ideal[0], *(c.end for c in us.path.steps if c.pos == 0)) <= 5
    world.trust = 0.5
    model.channel.consult()
    assert "parity_pact" not in model.channel.agreed
    # a's limit from before the pact: 0.7 of the way from its 30 to b's 20, as it trusted
    assert world.limits[("a", "us-a")].bounds[0] == (0, 23)
    assert max(us.path.ideal[0], *(c.end for c in us.path.steps if c.pos == 0)) > 5


def pact_bound(defection_cost: float, a: dict | None = None):
    """The last round of a game with a parity pact in force, and a package for ``a`` the
    pact rules out (a tariff above b's 5) but a's own bottom lines allow."""
    model = pact_game(a, defection_cost=defection_cost)
    model.round = model.rounds  # going on is worth no deal: the last round
    talks = model.talks["us-a"]
    offer = model._offer(talks, "us", (15.0, 0.0))
    no_deal = model.world.no_deal_utility("a", talks.track)
    assert not model.world.limits[("a", "us-a")].allow(offer.package)
    assert offer.worth["a"] > no_deal
    return model, talks, offer, no_deal


def test_a_failed_vote_tells_the_other_side_its_terms_were_more_than_the_public_takes():
    scenario = trio(a={"ratification": {"approval": 0.5, "threshold": 1.0}})
    model = NegotiationModel(scenario, seed=0)
    model.step()
    talks, seat = model.talks["us-a"], model.countries["us"].seats["us-a"]
    before = seat.belief.expected()
    offer = model._offer(talks, "us", (20.0, 5.0))
    assert not model._ratify(talks, offer)
    assert seat.belief.expected() < before - 0.01  # the US now expects less of a


def test_a_pact_bound_ally_breaks_ranks_only_when_the_deal_beats_going_on_by_the_cost():
    from sim.results.analysis import party_result

    model, talks, offer, no_deal = pact_bound(defection_cost=0.02)
    margin = offer.worth["a"] - no_deal
    assert model.countries["a"].respond(talks, offer.package, offer.worth["a"]) == "accept"
    assert model._ratify(talks, offer)
    assert "parity_pact" not in model.channel.agreed
    assert model.world.trust == pytest.approx(0.7 - 0.25)
    assert model.world.paid["a"]["us-a"] == pytest.approx(0.02)
    result = party_result(model.world, model.talks, "a")
    share = model.world.valuation("a", "us-a").share
    gain = model.world.patience["a"] ** (model.rounds - 1) * (margin - 0.02)
    assert result.utility == pytest.approx(share * (no_deal + gain))  # the cost is paid

    dear, talks, offer, _ = pact_bound(defection_cost=margin + 0.01)
    assert dear.countries["a"].respond(talks, offer.package, offer.worth["a"]) == "reject"


def proposing_past_the_pact(defection_cost: float) -> NegotiationModel:
    """A game in which a pact binds a to b's tariff of 5, and a has heard that the US signs
    no tariff below 15 (it held 15 on a red line), which a's own limit from before the pact
    (23) reaches."""
    from sim.engine.phases.alliance import apply_precedent

    consultation = {**CONSULTATION, "trust": 0.7, "defection_cost": defection_cost}
    model = NegotiationModel(trio(consultation=consultation), seed=0)
    seat = model.countries["a"].seats["us-a"]
    for _ in range(2):
        seat.heard_ask((15.0, 0.0))
    seat.heard_red_line(0, 0.0)
    assert seat.red_lines.bounds[0] == (15, 30)
    model.channel.consult()
    closed = model._offer(model.talks["us-b"], "us", (5.0, 0.0))
    model.talks["us-b"].close("agreed", model.round, closed)
    apply_precedent(model, closed)
    assert model.world.limits[("a", "us-a")].bounds[0] == (0, 5)
    assert model.channel.unbound("a", "us-a").bounds[0] == (0, 23)
    return model


def test_a_pact_bound_ally_proposes_past_the_pact_only_where_a_deal_is_worth_the_cost():
    """With no deal inside the pact to be had, a breaks ranks when a deal outside it, within
    its own limits from before the pact, is still worth its floor after the cost, and asks
    at least that much; when the cost is more, it keeps the pact and its offers stop at its
    line. A floor that rises past what breaking ranks leaves brings it back inside."""
    model = proposing_past_the_pact(defection_cost=0.01)
    agent, talks, world = model.countries["a"], model.talks["us-a"], model.world
    cheap = agent.propose(talks)
    assert 15 <= cheap[0] <= 23
    worth = world.valuation("a", "us-a")(cheap)
    assert worth - 0.01 >= world.floor("a", talks.track) - EPS
    top = agent.seats["us-a"].path.top
    world.raise_reservation("a", talks.track, top - 0.005 - world.floor("a", talks.track))
    assert agent.propose(talks)[0] == 5  # top - 0.01 no longer reaches the floor
    dear = proposing_past_the_pact(defection_cost=1.0)
    assert dear.countries["a"].propose(dear.talks["us-a"])[0] == 5


def test_a_pact_agreed_again_binds_the_partners_terms_anew():
    model = pact_game()
    model.world.trust = 0.5
    model.channel.consult()
    assert model.world.limits[("a", "us-a")].bounds[0] == (0, 23)
    model.world.trust = 0.7
    model.channel.consult()
    assert "parity_pact" in model.channel.agreed
    assert model.world.limits[("a", "us-a")].bounds[0] == (0, 5)
    assert model.countries["us"].seats["us-a"].public == {0: (0, 5)}


def test_under_a_pact_a_policy_still_refuses_what_the_pact_allows():
    """Breaking ranks is for packages the pact rules out, not a way round the policy."""
    model = pact_game()
    agent, talks = model.countries["a"], model.talks["us-a"]
    offer = model._offer(talks, "us", (5.0, 10.0))  # within the pact's floor, little for a
    assert model.world.limits[("a", "us-a")].allow(offer.package)
    refused = not agent.policies["us-a"].accepts(agent.seats["us-a"], offer.worth["a"])
    assert refused
    assert agent.respond(talks, offer.package, offer.worth["a"]) == "reject"


def test_a_defection_voted_down_at_home_breaks_nothing():
    model, talks, offer, _ = pact_bound(0.02, a={"ratification": {"threshold": 1.0}})
    assert not model._ratify(talks, offer)
    assert "parity_pact" in model.channel.agreed
    assert model.world.paid["a"]["us-a"] == 0.0
    assert model.world.trust == pytest.approx(0.7)
