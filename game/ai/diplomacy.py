"""Diplomacy for the greedy bot: what an agreement is worth, and what to do about it.

Every agreement is weighed by what its terms give this agency each turn with each of its
co-members, less its dues and less what its terms give a rival ahead in the standings, in
prestige a turn (money at the doctrine's price per $M). From that:

- proposals addressed to it are accepted when they are worth their dues, declined when not,
  and a declined treaty is countered with the best one that is worth signing;
- it leaves an agreement whose dues outlive its use, or whose alliance would share a
  presence victory with an agency racing it for the pole, when the loss over the turns
  left is larger than the price of leaving; and it leaves its bloc for the rival one when
  that pays clearly better;
- it asks to join the bloc worth most to it and offers each partner the treaty worth most.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.ai.doctrine import Doctrine
from game.ai.reading import Reading
from game.rules import AgreementWire, Command, ProposalView, Propose, Withdraw

# Rough worths of terms, in prestige a turn, where the view gives nothing finer.
DOCKING_STATION = 0.6  # a partner's station one may dock at under the `partners` rule
EMERGENCY = 0.5  # +20% crew survival while one flies crews
TRANSPARENCY = 0.15  # exact intel on a co-signatory
LEO_SCIENCE = 2.0  # science a turn from the ISS
JOINT_SHARED = 0.5  # a program shared with the partner flies more reliably
JOINT_LIKELY = 0.15  # a partner one invites into programs may share one later
ALLIANCE_CLAIM = 2.5  # an ally who holds or builds a share of one's claim at the pole
ALLIANCE_FRIEND = 0.6  # an ally for a claim to come
RIVAL_CLAIM = -2.0  # an ally whose claim at the pole races one's own
SHARING = 0.4  # a tech-sharing partner cuts the price of what it knows by this share
DATA_RELEASE = 0.1  # share of a partner's mission science
SWITCH_MARGIN = 1.5  # how much better a rival bloc must be (prestige a turn) to move to it
RELATION_VALUE = 0.02  # prestige a point of relations is worth when weighing a break
ALLIANCE_TRUST = 15  # relations a lead wants with an agency before sharing an alliance bloc


@dataclass(frozen=True)
class Weighed:
    """An agreement's worth to this agency, in prestige a turn."""

    gain: float  # what its terms give
    dues: float  # what its dues cost, at the price of money

    @property
    def net(self) -> float:
        return self.gain - self.dues


class Diplomat:
    """One turn's diplomatic judgement for one agency, from its reading of the view."""

    def __init__(self, reading: Reading, doctrine: Doctrine, legal: set[Command]) -> None:
        self.reading = reading
        self.doctrine = doctrine
        self.legal = legal
        self.me = reading.agency
        self.money = doctrine.min_value  # prestige a $M, the doctrine's price of money
        view = reading.view
        self.agreements: dict[str, AgreementWire] = view["agreements"]
        self.prestige = {a: pub["prestige"] for a, pub in view["agencies"].items()}
        self.turn = max(1, reading.turn)
        self.budget = int(reading.me["budget"])
        self.claims = self._claims()

    # -- what terms are worth ---------------------------------------------------------------

    def _claims(self) -> dict[str, str]:
        """Agency -> the station of its claim at the pole (its largest owner)."""
        out: dict[str, str] = {}
        for st in self.reading.view["stations"].values():
            if st["claim"]["counts"] and st["owner"]:
                out.setdefault(st["owner"], st["id"])
        return out

    def rivalry(self, other: str) -> float:
        """How much a gain of `other`'s counts against this agency: a rival ahead of it in
        the standings costs most."""
        if other in self.doctrine.rivals:
            return 1.0
        mine = self.prestige.get(self.me, 0)
        theirs = self.prestige.get(other, 0)
        return 0.6 if theirs > mine * 1.1 + 5 else 0.2

    def science_rate(self, agency: str) -> float:
        return self.reading.view["agencies"][agency]["score"].get("science", 0) / self.turn

    def techs(self, agency: str) -> int:
        if agency == self.me:
            return len(self.reading.me["known"])
        return int(self.reading.view["intel"][agency]["techs"])

    def term_worth(self, term: str, other: str) -> float:
        """What one term shared with `other` gives this agency a turn, less what it gives
        `other` weighed by rivalry."""
        reading = self.reading
        if term == "tech_sharing":
            mine, theirs = self.techs(self.me), self.techs(other)
            spend = self.doctrine.research_share * reading.income * SHARING * self.money
            given = max(0, mine - theirs) / max(1, mine)
            got = max(0, theirs - mine) / max(1, theirs) + 0.15
            return spend * got - spend * given * self.rivalry(other)
        if term == "docking":
            usable = sum(
                1
                for st in reading.view["stations"].values()
                if st["owner"] == other
                and st["access"] == "partners"
                and self.me not in st["shares"]
            )
            return DOCKING_STATION * usable + (0.1 if self.me in self.claims else 0.0)
        if term == "emergency_assistance":
            crewed = any(
                reading.content.missions[p["mission_type"]].crewed for p in reading.own_programs
            )
            return EMERGENCY if crewed else 0.0
        if term == "joint_program":
            shared = sum(
                1
                for p in reading.view["programs"].values()
                if {p["agency"], *p["partners"]} >= {self.me, other}
            )
            likely = JOINT_LIKELY if other in self.doctrine.friends else 0.0
            return JOINT_SHARED * shared + likely
        if term == "alliance":
            return self.alliance_worth(other)
        if term == "data_release":
            return DATA_RELEASE * (
                self.science_rate(other) - self.science_rate(self.me) * self.rivalry(other)
            )
        if term == "transparency":
            return TRANSPARENCY
        if term == "leo_science":
            return LEO_SCIENCE / max(2, len(self.agreements))
        return 0.0

    def alliance_worth(self, other: str) -> float:
        """An ally shares a presence victory: worth most when it holds a share of one's
        claim, least (below nothing) when its own claim races one's own."""
        mine = self.claims.get(self.me)
        theirs = self.claims.get(other)
        stations = self.reading.view["stations"]
        if mine and theirs and mine != theirs:
            return RIVAL_CLAIM
        if mine and other in stations[mine]["shares"]:
            return ALLIANCE_CLAIM
        if theirs and self.me in stations[theirs]["shares"]:
            return ALLIANCE_CLAIM
        return ALLIANCE_FRIEND if other in self.doctrine.friends else ALLIANCE_FRIEND / 3

    def terms_worth(self, terms: list[str] | tuple[str, ...], others: list[str]) -> float:
        """What these terms give with each of these agencies, beyond what other agreements
        already give with them."""
        total = 0.0
        for other in others:
            have = self.reading.agreed_terms(other)
            for term in terms:
                if term not in have:
                    total += self.term_worth(term, other)
        return total

    def dues_cost(self, share: float) -> float:
        return share * (self.budget // 2) * self.money

    def weigh(self, g: AgreementWire) -> Weighed:
        """What an agreement this agency is in gives it, with its terms counted as if the
        others ended (what leaving it would lose)."""
        others = [m for m in g["members"] if m != self.me]
        gain = 0.0
        for other in others:
            elsewhere = set()
            for h in self.agreements.values():
                if h["id"] != g["id"] and self.me in h["members"] and other in h["members"]:
                    elsewhere.update(h["terms"])
            for term in g["terms"]:
                if term not in elsewhere:
                    gain += self.term_worth(term, other)
        return Weighed(gain, self.dues_cost(self._dues_share(g)))

    def _dues_share(self, g: AgreementWire) -> float:
        content = self.reading.content
        if g["kind"] == "bloc":
            bloc = content.blocs.get(g["id"])
            return bloc.dues if bloc is not None else 0.0
        treaty = content.treaties.get(g["kind"])
        return treaty.dues if treaty is not None else 0.0

    def weigh_joining(self, bloc_id: str) -> Weighed:
        g = self.agreements[bloc_id]
        share = self.reading.content.blocs[bloc_id].dues
        return Weighed(self.terms_worth(g["terms"], list(g["members"])), self.dues_cost(share))

    def weigh_treaty(self, kind: str, other: str) -> Weighed:
        treaty = self.reading.content.treaties[kind]
        return Weighed(self.terms_worth(treaty.terms, [other]), self.dues_cost(treaty.dues))

    # -- answers ------------------------------------------------------------------------------

    def answer(self, proposal: ProposalView) -> tuple[bool, Command | None]:
        """Accept or decline, and the counter-proposal that goes with a declined treaty."""
        sender = proposal["sender"]
        relation = self.reading.relation(sender)
        kind = proposal["treaty"]
        if kind == "joint_mission":
            return sender not in self.doctrine.rivals and relation >= -20, None
        if kind == "join_bloc":
            return self.admits(sender, proposal["bloc"]), None
        if sender in self.doctrine.rivals or relation < -10:
            return False, None
        if self.weigh_treaty(kind, sender).net > 0:
            return True, None
        return False, self.best_treaty(sender, exclude=kind)

    def admits(self, applicant: str, bloc_id: str) -> bool:
        """As a bloc's lead: admit an applicant whose terms are worth having; into a bloc
        with an alliance, only one trusted enough and not a rival ahead in the standings
        (it would share a presence victory)."""
        g = self.agreements.get(bloc_id)
        if g is None or applicant in self.doctrine.rivals:
            return False
        trust = 0
        if "alliance" in g["terms"]:
            if self.rivalry(applicant) >= 0.6:
                return False
            trust = ALLIANCE_TRUST
        relation = self.reading.relation(applicant)
        return relation >= trust and self.terms_worth(g["terms"], [applicant]) > 0

    def best_treaty(self, other: str, exclude: str = "") -> Propose | None:
        """The treaty with `other` worth most to this agency, if any is worth its dues."""
        best: tuple[float, str] | None = None
        for kind in self.reading.content.treaties:
            if kind == exclude:
                continue
            cmd = Propose(other, kind)
            if cmd not in self.legal:
                continue
            net = self.weigh_treaty(kind, other).net
            if net > 0 and (best is None or net > best[0]):
                best = (net, kind)
        return Propose(other, best[1]) if best is not None else None

    # -- leaving --------------------------------------------------------------------------------

    def leave_price(self, g: AgreementWire) -> float:
        """What walking out costs, in prestige: the penalties of a break within the notice,
        and the trust lost with every other member either way."""
        content = self.reading.content
        dip = content.rule("diplomacy")
        others = len(g["members"]) - 1
        if self.reading.turn - g["since"] < dip.notice:
            support = content.rule("support").broken_treaty
            return (
                content.rule("prestige").broken_treaty
                + support
                - dip.broken * RELATION_VALUE * others
            )
        return -dip.left * RELATION_VALUE * others

    def withdrawal(self) -> Withdraw | None:
        """The agreement it pays most to leave this turn, if any."""
        turns = self.reading.turns_left
        best: tuple[float, str] | None = None
        for g in self.agreements.values():
            if self.me not in g["members"]:
                continue
            loss = -self.weigh(g).net * turns
            if g["kind"] == "bloc":
                loss = max(loss, self.switch_gain(g["id"]) * turns)
            margin = loss - self.leave_price(g)
            if margin > 0 and (best is None or margin > best[0]):
                best = (margin, g["id"])
        if best is None:
            return None
        cmd = Withdraw(best[1])
        return cmd if cmd in self.legal else None

    def switch_gain(self, bloc_id: str) -> float:
        """How much better a bloc this one excludes would be, a turn, if its lead would
        have this agency (0 when none is clearly better)."""
        content = self.reading.content
        bloc = content.blocs.get(bloc_id)
        if bloc is None:
            return 0.0
        here = self.weigh(self.agreements[bloc_id]).net
        best = 0.0
        for rival in bloc.excludes:
            g = self.agreements.get(rival)
            if g is None or not g["open"]:
                continue
            trust = ALLIANCE_TRUST if "alliance" in g["terms"] else 0
            if self.reading.relation(g["lead"]) < trust:
                continue
            there = self.weigh_joining(rival).net
            if there - here > SWITCH_MARGIN:
                best = max(best, there - here - SWITCH_MARGIN)
        return best

    # -- proposing ------------------------------------------------------------------------------

    def bloc_to_join(self, offers: list[Propose]) -> Propose | None:
        """The bloc worth most to join among the legal requests, if one is worth its dues."""
        best: tuple[float, Propose] | None = None
        for cmd in offers:
            if cmd.treaty != "join_bloc" or self.reading.relation(cmd.to) < 0:
                continue
            net = self.weigh_joining(cmd.bloc).net
            if net > 0 and (best is None or net > best[0]):
                best = (net, cmd)
        return best[1] if best is not None else None

    def treaties_to_offer(self, limit: int) -> list[Propose]:
        """The treaties worth most to offer, one a partner, to agencies on good terms."""
        pending = {p["to"] for p in self.reading.view["proposals"] if p["sender"] == self.me}
        offers: list[tuple[float, Propose]] = []
        for other in self.reading.view["seats"]:
            if (
                other == self.me
                or other in pending
                or other in self.doctrine.rivals
                or self.reading.relation(other) < 10
            ):
                continue
            cmd = self.best_treaty(other)
            if cmd is not None:
                offers.append((self.weigh_treaty(cmd.treaty, other).net, cmd))
        offers.sort(key=lambda o: (-o[0], o[1].to))
        return [cmd for _, cmd in offers[:limit]]
