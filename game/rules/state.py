"""The match state: plain data with a lossless wire form, plus events and the outcome.

Everything here round-trips through `to_wire()` / `from_wire()` as dicts and lists of str, int,
float, bool and None, so it packs into msgpack or JSON unchanged. The content (techs, sites...)
is not part of the wire form: it is loaded again by scenario name and checked by its hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from game.rules.content import Content, load_content
from game.rules.errors import ContentError
from game.rules.shapes import AgreementWire, EventWire, OutcomeWire

PRESTIGE_CATEGORIES = ("firsts", "science", "stations", "reliability", "diplomacy", "penalties")
WIRE_VERSION = 3


class StateFormatError(ValueError):
    """A state's wire form is not readable (wrong version, missing fields, other content)."""


@dataclass(slots=True)
class Agency:
    """One seated agency: its money, support, prestige, research and record."""

    id: str
    treasury: int
    budget: int
    support: int
    prestige: dict[str, int]
    known: dict[str, int]  # tech -> refinements bought
    research: dict[str, int]  # tech -> $M paid toward learning it or its next refinement
    experience: dict[str, float]  # hardware family -> reliability earned by flying
    flights: int = 0
    successes: int = 0
    failures: int = 0
    crew_lost: int = 0
    year_prestige: int = 0  # prestige at the start of the year, for the yearly review

    @property
    def total_prestige(self) -> int:
        return sum(self.prestige.values())

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "treasury": self.treasury,
            "budget": self.budget,
            "support": self.support,
            "prestige": dict(self.prestige),
            "known": dict(self.known),
            "research": dict(self.research),
            "experience": dict(self.experience),
            "flights": self.flights,
            "successes": self.successes,
            "failures": self.failures,
            "crew_lost": self.crew_lost,
            "year_prestige": self.year_prestige,
        }

    def copy(self) -> Agency:
        return Agency(
            self.id,
            self.treasury,
            self.budget,
            self.support,
            dict(self.prestige),
            dict(self.known),
            dict(self.research),
            dict(self.experience),
            self.flights,
            self.successes,
            self.failures,
            self.crew_lost,
            self.year_prestige,
        )

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Agency:
        return cls(
            d["id"],
            d["treasury"],
            d["budget"],
            d["support"],
            dict(d["prestige"]),
            dict(d["known"]),
            dict(d["research"]),
            dict(d["experience"]),
            d["flights"],
            d["successes"],
            d["failures"],
            d["crew_lost"],
            d["year_prestige"],
        )


@dataclass(slots=True)
class Program:
    """A mission program: built over turns with money from its lead and partners, then flown."""

    id: str
    name: str
    agency: str  # the lead
    mission_type: str
    site: str  # a site id, "orbit", or a station id
    module: str
    commercial: bool
    cost: int
    started: int
    paid: int = 0
    contributions: dict[str, int] = field(default_factory=dict)
    partners: list[str] = field(default_factory=list)
    phase: str = "building"  # "building" or "ready"
    rushes: int = 0
    tests: int = 0
    station_name: str = ""
    build_turns: int = 0  # its own schedule in turns (a scenario's program), 0 = its type's

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "agency": self.agency,
            "mission_type": self.mission_type,
            "site": self.site,
            "module": self.module,
            "commercial": self.commercial,
            "cost": self.cost,
            "started": self.started,
            "paid": self.paid,
            "contributions": dict(self.contributions),
            "partners": list(self.partners),
            "phase": self.phase,
            "rushes": self.rushes,
            "tests": self.tests,
            "station_name": self.station_name,
            "build_turns": self.build_turns,
        }

    def copy(self) -> Program:
        return Program(
            self.id,
            self.name,
            self.agency,
            self.mission_type,
            self.site,
            self.module,
            self.commercial,
            self.cost,
            self.started,
            self.paid,
            dict(self.contributions),
            list(self.partners),
            self.phase,
            self.rushes,
            self.tests,
            self.station_name,
            self.build_turns,
        )

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Program:
        return cls(
            d["id"],
            d["name"],
            d["agency"],
            d["mission_type"],
            d["site"],
            d["module"],
            d["commercial"],
            d["cost"],
            d["started"],
            d["paid"],
            dict(d["contributions"]),
            list(d["partners"]),
            d["phase"],
            d["rushes"],
            d["tests"],
            d["station_name"],
            d["build_turns"],
        )

    @property
    def participants(self) -> list[str]:
        return [self.agency, *self.partners]


@dataclass(slots=True)
class Station:
    """A station in lunar orbit or on the surface, built module by module."""

    id: str
    name: str
    site: str  # "orbit" or a site id
    founded: int
    modules: list[list[Any]] = field(default_factory=list)  # [module id, turn, lead agency]
    contributions: dict[str, int] = field(default_factory=dict)  # agency -> $M of modules
    crew: list[list[Any]] = field(default_factory=list)  # [agency, count, leaves on turn]
    supplies: float = 0.0  # kept to the tenth
    access: str = "partners"  # "owners", "partners" or "open"
    crewed_turns: int = 0

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "site": self.site,
            "founded": self.founded,
            "modules": [list(m) for m in self.modules],
            "contributions": dict(self.contributions),
            "crew": [list(c) for c in self.crew],
            "supplies": self.supplies,
            "access": self.access,
            "crewed_turns": self.crewed_turns,
        }

    def copy(self) -> Station:
        return Station(
            self.id,
            self.name,
            self.site,
            self.founded,
            [list(m) for m in self.modules],
            dict(self.contributions),
            [list(c) for c in self.crew],
            self.supplies,
            self.access,
            self.crewed_turns,
        )

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Station:
        return cls(
            d["id"],
            d["name"],
            d["site"],
            d["founded"],
            [list(m) for m in d["modules"]],
            dict(d["contributions"]),
            [list(c) for c in d["crew"]],
            float(d["supplies"]),
            d["access"],
            d["crewed_turns"],
        )

    def shares(self) -> dict[str, float]:
        """Ownership by contribution, summing to 1."""
        total = sum(self.contributions.values())
        if total <= 0:
            return {}
        return {a: v / total for a, v in sorted(self.contributions.items()) if v > 0}

    def majority_owner(self) -> str:
        return max(sorted(self.contributions), key=lambda a: self.contributions[a])

    @property
    def crew_count(self) -> int:
        return sum(c[1] for c in self.crew)


@dataclass(slots=True)
class Agreement:
    """A bloc (many members, a lead) or a treaty between two agencies, with its terms."""

    id: str
    kind: str  # "bloc" or a treaty kind
    name: str
    members: list[str]
    lead: str
    terms: list[str]
    since: int
    open: bool = False

    def to_wire(self) -> AgreementWire:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "members": list(self.members),
            "lead": self.lead,
            "terms": list(self.terms),
            "since": self.since,
            "open": self.open,
        }

    def copy(self) -> Agreement:
        return Agreement(
            self.id,
            self.kind,
            self.name,
            list(self.members),
            self.lead,
            list(self.terms),
            self.since,
            self.open,
        )

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Agreement:
        return cls(
            d["id"],
            d["kind"],
            d["name"],
            list(d["members"]),
            d["lead"],
            list(d["terms"]),
            d["since"],
            d["open"],
        )


@dataclass(slots=True)
class Proposal:
    """An offer waiting for an answer from `to` in a later turn."""

    id: str
    sender: str
    to: str
    treaty: str
    turn: int
    bloc: str = ""
    program: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "to": self.to,
            "treaty": self.treaty,
            "turn": self.turn,
            "bloc": self.bloc,
            "program": self.program,
        }

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Proposal:
        return cls(d["id"], d["sender"], d["to"], d["treaty"], d["turn"], d["bloc"], d["program"])


class Termination(StrEnum):
    """How a match ended."""

    SCENARIO_END = "scenario_end"  # the last turn of the scenario was played
    SUSTAINED_PRESENCE = "sustained_presence"  # a station stayed crewed long enough
    TURN_LIMIT = "turn_limit"  # the match was set to stop early


@dataclass(frozen=True, slots=True)
class Outcome:
    """The end of a match: who won, how, and every agency's score with its breakdown."""

    termination: Termination
    winners: tuple[str, ...]
    turn: int
    scores: dict[str, dict[str, int]]  # agency -> category -> points, plus "total"
    station: str = ""  # the station that won by presence
    # agency -> its share of the prestige over its share of the field's means, in thousandths
    standings: dict[str, int] = field(default_factory=dict)

    def to_wire(self) -> OutcomeWire:
        return {
            "termination": str(self.termination),
            "winners": list(self.winners),
            "turn": self.turn,
            "scores": {a: dict(s) for a, s in self.scores.items()},
            "station": self.station,
            "standings": dict(self.standings),
        }

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Outcome:
        return cls(
            Termination(d["termination"]),
            tuple(d["winners"]),
            d["turn"],
            {a: dict(s) for a, s in d["scores"].items()},
            d["station"],
            dict(d.get("standings", {})),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened during a turn, with a news line. `visible_to` None = public."""

    kind: str
    turn: int
    agency: str | None
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    visible_to: tuple[str, ...] | None = None

    def to_wire(self) -> EventWire:
        return {
            "kind": self.kind,
            "turn": self.turn,
            "agency": self.agency,
            "text": self.text,
            "data": self.data,
            "visible_to": None if self.visible_to is None else list(self.visible_to),
        }

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Event:
        vis = d.get("visible_to")
        return cls(
            d["kind"],
            d["turn"],
            d.get("agency"),
            d["text"],
            dict(d.get("data", {})),
            None if vis is None else tuple(vis),
        )

    def seen_by(self, agency: str | None) -> bool:
        return self.visible_to is None or (agency is not None and agency in self.visible_to)


@dataclass(slots=True)
class State:
    """A whole match at the start of a turn."""

    content: Content
    seed: int
    rng: int
    turn: int
    last_turn: int
    agencies: list[str]
    agency: dict[str, Agency]
    relations: dict[str, dict[str, int]]
    programs: dict[str, Program] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    milestones: dict[str, list[list[Any]]] = field(default_factory=dict)  # [agency, turn, rank]
    flights: list[dict[str, Any]] = field(default_factory=list)
    relays: dict[str, int] = field(default_factory=dict)  # agency -> last turn of coverage
    services: list[str] = field(default_factory=list)  # commercial services on sale
    demand: dict[str, int] = field(default_factory=dict)  # service -> buyers last turn
    bounties: list[dict[str, Any]] = field(default_factory=list)
    news: list[dict[str, Any]] = field(default_factory=list)  # recent public news
    objectives: dict[str, int] = field(default_factory=dict)  # objective met -> turn met
    next_id: int = 1
    outcome: Outcome | None = None
    # Keys the intelligence noise (view.py): drawn by whoever creates the match, never from
    # the seed, so knowing the seed does not undo the noise. Never shown in a view.
    intel_secret: int = 0

    @property
    def scenario(self) -> str:
        return self.content.scenario

    @property
    def date(self) -> str:
        return self.content.date(self.turn)

    @property
    def year(self) -> int:
        return self.content.start_year + self.turn // 2

    def secret_draw(self, key: str) -> float:
        """A repeatable number in [-1, 1) keyed by the intel secret: the same key always
        gives the same number in this match, and nobody without the secret can work it out,
        even knowing the seed."""
        secret = self.intel_secret.to_bytes(16, "big")
        digest = hashlib.blake2b(key.encode(), digest_size=8, key=secret).digest()
        return int.from_bytes(digest, "big") / 2**63 - 1.0

    def new_id(self, prefix: str) -> str:
        n = self.next_id
        self.next_id += 1
        return f"{prefix}{n}"

    def to_wire(self, *, shared: bool = False) -> dict[str, Any]:
        """The state as plain data. `shared`: the flight and news records are the state's
        own rather than copies, for a reader that changes nothing (`state_hash`)."""
        return {
            "format": WIRE_VERSION,
            "scenario": self.content.scenario,
            "content_hash": self.content.hash,
            "seed": self.seed,
            "rng": self.rng,
            "turn": self.turn,
            "last_turn": self.last_turn,
            "agencies": list(self.agencies),
            "agency": {a: s.to_wire() for a, s in self.agency.items()},
            "relations": {a: dict(r) for a, r in self.relations.items()},
            "programs": {k: p.to_wire() for k, p in self.programs.items()},
            "stations": {k: s.to_wire() for k, s in self.stations.items()},
            "agreements": {k: g.to_wire() for k, g in self.agreements.items()},
            "proposals": {k: p.to_wire() for k, p in self.proposals.items()},
            "milestones": {k: [list(r) for r in v] for k, v in self.milestones.items()},
            "flights": self.flights if shared else [_copy_flat(f) for f in self.flights],
            "relays": dict(self.relays),
            "services": list(self.services),
            "demand": dict(self.demand),
            "bounties": [dict(b) for b in self.bounties],
            "news": self.news if shared else [_copy_flat(n) for n in self.news],
            "objectives": dict(self.objectives),
            "next_id": self.next_id,
            "outcome": None if self.outcome is None else self.outcome.to_wire(),
            # Hexadecimal: 128 bits do not fit msgpack's integers.
            "intel_secret": f"{self.intel_secret:032x}",
        }

    @classmethod
    def from_wire(cls, d: Any, content: Content | None = None) -> State:
        """Read a state back; raises StateFormatError for anything that is not one."""
        if not isinstance(d, dict):
            raise StateFormatError("a state must be a mapping")
        if d.get("format") != WIRE_VERSION:
            raise StateFormatError(
                f"unsupported state format {d.get('format')!r}; "
                f"this version reads format {WIRE_VERSION}"
            )
        try:
            if content is None:
                try:
                    content = load_content(str(d["scenario"]))
                except ContentError as exc:
                    raise StateFormatError(f"the state's scenario is not here: {exc}") from None
            if d["content_hash"] != content.hash:
                raise StateFormatError(
                    "the state was made with different content (content hash "
                    f"{str(d['content_hash'])[:12]}, here {content.hash[:12]})"
                )
            outcome = d["outcome"]
            return cls(
                content=content,
                seed=d["seed"],
                rng=d["rng"],
                turn=d["turn"],
                last_turn=d["last_turn"],
                agencies=list(d["agencies"]),
                agency={a: Agency.from_wire(s) for a, s in d["agency"].items()},
                relations={a: dict(r) for a, r in d["relations"].items()},
                programs={k: Program.from_wire(p) for k, p in d["programs"].items()},
                stations={k: Station.from_wire(s) for k, s in d["stations"].items()},
                agreements={k: Agreement.from_wire(g) for k, g in d["agreements"].items()},
                proposals={k: Proposal.from_wire(p) for k, p in d["proposals"].items()},
                milestones={k: [list(r) for r in v] for k, v in d["milestones"].items()},
                flights=[_copy_flat(f) for f in d["flights"]],
                relays=dict(d["relays"]),
                services=list(d["services"]),
                demand=dict(d["demand"]),
                bounties=[dict(b) for b in d["bounties"]],
                news=[_copy_flat(n) for n in d["news"]],
                objectives=dict(d["objectives"]),
                next_id=d["next_id"],
                outcome=None if outcome is None else Outcome.from_wire(outcome),
                intel_secret=int(d["intel_secret"], 16),
            )
        except StateFormatError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateFormatError(f"the state is damaged: {type(exc).__name__}: {exc}") from None

    def clone(self) -> State:
        """A copy to resolve a turn on. Records that are never changed once written (flights,
        news, milestone entries, proposals, bounties) are shared, not copied."""
        return State(
            content=self.content,
            seed=self.seed,
            rng=self.rng,
            turn=self.turn,
            last_turn=self.last_turn,
            agencies=list(self.agencies),
            agency={a: s.copy() for a, s in self.agency.items()},
            relations={a: dict(r) for a, r in self.relations.items()},
            programs={k: p.copy() for k, p in self.programs.items()},
            stations={k: s.copy() for k, s in self.stations.items()},
            agreements={k: g.copy() for k, g in self.agreements.items()},
            proposals=dict(self.proposals),
            milestones={k: list(v) for k, v in self.milestones.items()},
            flights=list(self.flights),
            relays=dict(self.relays),
            services=list(self.services),
            demand=dict(self.demand),
            bounties=list(self.bounties),
            news=list(self.news),
            objectives=dict(self.objectives),
            next_id=self.next_id,
            outcome=self.outcome,
            intel_secret=self.intel_secret,
        )


def _copy_flat(d: dict[str, Any]) -> dict[str, Any]:
    """Copy a record whose values are scalars or lists of scalars."""
    return {k: (list(v) if isinstance(v, list) else v) for k, v in d.items()}


def state_hash(state: State) -> str:
    """A digest of the whole state, the same on every machine and Python process."""
    text = json.dumps(
        state.to_wire(shared=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()
