"""Content: the game's data (techs, missions, sites, agencies, events...) read from TOML.

Every number of the game lives in `assets/`: `content/*.toml` holds what all scenarios share
and `scenarios/<name>.toml` a starting position. Loading checks every file completely, so a
broken mod fails with a `ContentError` naming the file, the key and the problem, never with a
traceback from deep inside the rules.

Reading these read-only data files is the only input the rules take from outside the match;
it happens once per scenario and the result is cached.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from game.rules.errors import ContentError

CONTENT_FILES = ("rules", "techs", "missions", "modules", "sites", "milestones", "events")
TERMS = (
    "alliance",
    "joint_program",
    "docking",
    "emergency_assistance",
    "tech_sharing",
    "transparency",
    "data_release",
    "leo_science",
)
TRAITS = {
    "cost": 1.0,
    "research": 1.0,
    "reliability": 0.0,
    "robotic": 0.0,
    "crewed": 0.0,
    "failure_support": 1.0,
    "partner_credit": 1.0,
    "science": 1.0,
    "supply": 1.0,
}
TECH_EFFECTS = {
    "mission_cost": float,
    "crewed_cost": float,
    "module_cost": float,
    "robotic_reliability": float,
    "crew_survival": float,
    "supply_use": float,
    "science": float,
    "surface_science": float,
    "unlock_module": str,
    "docking_standard": float,
}
EVENT_EFFECTS = ("support", "budget", "science", "relations", "setback", "supplies", "experience")
TARGETS = ("surface", "orbit", "station", "orbit_or_station")
STEP_WHEN = ("always", "sortie", "joining", "founding")
WHERE = ("any", "south_pole", "far_side", "ice")
SERVICES = ("commercial_heavy", "leo_station_access")
OBJECTIVE_KINDS = ("flight", "milestone", "module", "crew", "technology")
ORBIT = "orbit"


# --- the content's value types ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tech:
    id: str
    name: str
    branch: str
    cost: int
    min_turns: int
    requires: tuple[str, ...] = ()
    system: str = ""
    reliability: float = 0.0
    cap: float = 0.0
    effects: dict[str, Any] = field(default_factory=dict)
    agencies: tuple[str, ...] = ()  # national hardware: only these may research it; () = all


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    system: str
    when: str = "always"


@dataclass(frozen=True, slots=True)
class MissionType:
    id: str
    name: str
    cost: int
    build_turns: int
    target: str
    requires: tuple[str, ...]
    steps: tuple[Step, ...]
    milestones: tuple[tuple[str, str, str], ...]  # milestone, after step, when
    crew: int = 0
    science: int = 0
    supplies: int = 0
    advances: tuple[tuple[str, str], ...] = ()  # tech, after step: a head start on success

    @property
    def crewed(self) -> bool:
        return self.crew > 0

    @property
    def builds_module(self) -> bool:
        return self.id in ("orbital_module", "surface_module")


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    name: str
    location: str
    cost: int
    founding: bool = False
    capacity: int = 0
    storage: int = 0
    science: int = 0
    production: int = 0
    requires: str = ""
    supplies: int = 0  # supplies it arrives packed with (up to the station's storage)


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    lat: float
    lon: float
    ice: int
    sunlight: float
    science: float
    difficulty: float
    requires: str = ""
    note: str = ""

    @property
    def south_pole(self) -> bool:
        return self.lat <= -80.0

    @property
    def far_side(self) -> bool:
        return abs(self.lon) > 90.0

    def matches(self, where: str) -> bool:
        if where == "south_pole":
            return self.south_pole
        if where == "far_side":
            return self.far_side
        if where == "ice":
            return self.ice >= 2
        return True


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    name: str
    prestige: int
    where: str = "any"
    claimed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventDef:
    id: str
    text: str
    weight: int
    target: str
    effects: dict[str, float]
    from_year: int = 0
    until_year: int = 9999


@dataclass(frozen=True, slots=True)
class AgencyDef:
    id: str
    name: str
    country: str
    color: str
    budget: int
    support: int
    traits: dict[str, float]
    known: tuple[str, ...]
    research: dict[str, float]
    hardware: dict[str, str]
    note: str = ""

    def trait(self, name: str) -> float:
        return self.traits.get(name, TRAITS[name])


@dataclass(frozen=True, slots=True)
class Objective:
    """A public goal of one agency, met once by the condition of its `kind` (docs/rules.md,
    "Objectives"): `flight` a successful flight of one of `missions` at `place`; `milestone`
    reaching `milestone` (`first`: as its first); `module` a `module` (any, if none is named)
    delivered by the agency to a station at `place` (`anyone`: by anyone, to a station it
    owns a share of); `crew` its crew aboard a station at `place`; `technology` learning
    `tech`. All by the end of `by`; meeting it earns `prestige` in firsts and milestones."""

    id: str
    agency: str
    name: str
    kind: str
    by: int  # the last year it can be met in
    prestige: int
    text: str = ""
    missions: tuple[str, ...] = ()
    place: str = "any"  # "any", "orbit", a site id, or a region of WHERE
    milestone: str = ""
    first: bool = False
    module: str = ""
    anyone: bool = False
    tech: str = ""

    def at(self, site: Site | None) -> bool:
        """Whether a place (a site, or None for lunar orbit) is this objective's place."""
        if self.place == "any":
            return True
        if self.place == ORBIT:
            return site is None
        if site is None:
            return False
        return site.id == self.place or (self.place in WHERE and site.matches(self.place))


@dataclass(frozen=True, slots=True)
class BlocDef:
    id: str
    name: str
    lead: str
    members: tuple[str, ...]
    terms: tuple[str, ...]
    open: bool = True
    dues: float = 0.0  # share of each member's half-year income paid each turn
    excludes: tuple[str, ...] = ()  # blocs whose members may not join this one, and back


@dataclass(frozen=True, slots=True)
class TreatyDef:
    id: str
    name: str
    terms: tuple[str, ...]
    dues: float = 0.0  # share of each signatory's half-year income paid each turn


@dataclass(frozen=True, slots=True)
class ProgramDef:
    name: str
    agency: str
    mission_type: str
    site: str
    progress: float
    module: str = ""
    commercial: bool = False
    station_name: str = ""
    partners: dict[str, float] = field(default_factory=dict)
    build_turns: int = 0  # its own schedule (national budgets pace it), 0 = its type's


@dataclass(frozen=True, slots=True)
class Beat:
    turn: int
    text: str
    relations: tuple[str, str, int] | None = None
    bounty: dict[str, Any] | None = None
    open_service: str = ""
    dissolve_bloc: str = ""


class Section:
    """A read-only table of constants with attribute access: `rules.economy.rush_fee`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


@dataclass(frozen=True)
class Content:
    """Everything a match needs to know that is not the match itself."""

    scenario: str
    title: str
    description: str
    hash: str
    rules: dict[str, Section]
    branches: dict[str, str]
    techs: dict[str, Tech]
    missions: dict[str, MissionType]
    modules: dict[str, Module]
    sites: dict[str, Site]
    milestones: dict[str, Milestone]
    events: dict[str, EventDef]
    agencies: dict[str, AgencyDef]
    blocs: dict[str, BlocDef]
    treaties: dict[str, TreatyDef]
    forbidden: tuple[tuple[frozenset[str], str], ...]
    relations: dict[tuple[str, str], int]
    programs: tuple[ProgramDef, ...]
    relays: dict[str, int]
    beats: tuple[Beat, ...]
    systems: frozenset[str]
    objectives: tuple[Objective, ...] = ()

    def rule(self, section: str) -> Any:
        return self.rules[section]

    @property
    def version(self) -> int:
        """The content's version, raised whenever a rule or a number changes: the
        human-readable name of what the hash identifies."""
        return int(self.rules["content"].version)

    @property
    def start_year(self) -> int:
        return int(self.rules["time"].start_year)

    def date(self, turn: int) -> str:
        return f"{self.start_year + turn // 2} H{turn % 2 + 1}"

    def turn_of(self, year: int, half: int = 1) -> int:
        return (year - self.start_year) * 2 + (half - 1)

    def forbidden_reason(self, a: str, b: str) -> str:
        pair = frozenset((a, b))
        for members, reason in self.forbidden:
            if members == pair:
                return reason
        return ""

    def baseline(self, a: str, b: str) -> int:
        return self.relations.get((a, b), self.relations.get((b, a), 0))


# --- reading and checking ------------------------------------------------------------------


class _Table:
    """One TOML table being read, with the file and key path for error messages."""

    def __init__(self, file: str, path: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ContentError(file, path or "(top)", "must be a table")
        self.file = file
        self.path = path
        self.data = data
        self.used: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> ContentError:
        return ContentError(self.file, self._key(key), problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(key, f"must be {_names(kinds)}, not a boolean")
        if not isinstance(value, kinds):
            raise self.fail(key, f"must be {_names(kinds)}, not {type(value).__name__}")
        return value

    def name(self, key: str, known: Any, what: str, default: Any = ...) -> str:
        """A string naming one of `known` (a mapping or a set); an empty default may stay
        empty. Anything else is refused as an unknown `what`."""
        value: str = self.get(key, str, default)
        if (value or default is ...) and value not in known:
            raise self.fail(key, f"unknown {what} {value!r}")
        return value

    def number(
        self,
        key: str,
        default: Any = ...,
        *,
        lo: float | None = None,
        hi: float | None = None,
        integer: bool = False,
    ) -> Any:
        value = self.get(key, int if integer else (int, float), default)
        if value is default and default is not ...:
            return value
        if lo is not None and value < lo:
            raise self.fail(key, f"must be at least {lo}, not {value}")
        if hi is not None and value > hi:
            raise self.fail(key, f"must be at most {hi}, not {value}")
        return value

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, list, default)
        if value is default and default is not ...:
            return tuple(value)
        for n, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{n}]", "must be a string")
        return tuple(value)

    def sub(self, key: str, default: Any = ...) -> _Table:
        value = self.get(key, dict, default)
        return _Table(self.file, self._key(key), value)

    def tables(self, key: str) -> dict[str, _Table]:
        sub = self.sub(key, {})
        return {k: _Table(self.file, sub._key(k), v) for k, v in sub.data.items()}

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(unknown[0], "is not a known key here (a typo?)")


def _names(kinds: tuple[type, ...]) -> str:
    words = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(words.get(k, k.__name__) for k in kinds)


def _check_id(table: _Table, key: str) -> None:
    if not key.replace("_", "").isalnum() or (not key.islower() and not key.isdigit()):
        raise table.fail(key, "an id must be lower-case letters, digits and underscores")


def _parse_toml(file: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(file, "(syntax)", str(exc)) from None


def assets_root() -> Path:
    """The folder holding `content/` and `scenarios/`: the checkout's, or the installed copy."""
    here = Path(__file__).resolve().parent.parent.parent / "assets"
    if (here / "content").is_dir():
        return here
    # Installed, the data is the package game.assets, a folder beside game/rules. It has no
    # __init__.py, so importlib.resources gives a MultiplexedPath that str() cannot turn
    # into a path; the folder's place is known, so use it.
    return Path(__file__).resolve().parent.parent / "assets"


def scenario_names(root: Path | None = None) -> list[str]:
    base = (root or assets_root()) / "scenarios"
    return sorted(p.stem for p in base.glob("*.toml"))


# Content built from texts and given a scenario name of its own (`register_content`).
_REGISTERED: dict[str, Content] = {}


def register_content(content: Content) -> None:
    """Make content built with `build_content` loadable by its scenario name in this
    process, as if it were a scenario on disk: a variant of the data (a mod, a benchmark's
    counterfactual) that matches, bots and views then all read alike."""
    if content.scenario in scenario_names():
        raise ValueError(f"scenario {content.scenario!r} is on disk already")
    _REGISTERED[content.scenario] = content
    load_content.cache_clear()


@lru_cache(maxsize=8)
def load_content(scenario: str = "2021", root: Path | None = None) -> Content:
    """Read and check the shared content and one scenario. Raises ContentError."""
    if root is None and scenario in _REGISTERED:
        return _REGISTERED[scenario]
    return build_content(scenario, content_texts(scenario, root))


def content_texts(scenario: str = "2021", root: Path | None = None) -> dict[str, str]:
    """The texts of the shared content files and of one scenario, keyed by their path under
    assets/, as `build_content` takes them. Raises ContentError."""
    base = root or assets_root()
    texts: dict[str, str] = {}
    for name in CONTENT_FILES:
        path = base / "content" / f"{name}.toml"
        try:
            texts[f"content/{name}.toml"] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ContentError(f"content/{name}.toml", "(file)", f"cannot be read: {exc}") from None
    scen_path = base / "scenarios" / f"{scenario}.toml"
    if not scenario.replace("_", "").replace("-", "").isalnum() or not scen_path.is_file():
        known = ", ".join(scenario_names(base)) or "none"
        raise ContentError(
            f"scenarios/{scenario}.toml", "(file)", f"no such scenario (known: {known})"
        )
    texts[f"scenarios/{scenario}.toml"] = scen_path.read_text(encoding="utf-8")
    return texts


def build_content(scenario: str, texts: dict[str, str]) -> Content:
    """Check and assemble content from file texts keyed by their path under assets/."""
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(texts[name].encode())
        digest.update(b"\0")
    data = {name: _parse_toml(name, text) for name, text in texts.items()}
    scen_file = f"scenarios/{scenario}.toml"
    if scen_file not in data:
        raise ContentError(scen_file, "(file)", "missing")
    for name in CONTENT_FILES:
        if f"content/{name}.toml" not in data:
            raise ContentError(f"content/{name}.toml", "(file)", "missing")

    rules = _read_rules(data["content/rules.toml"], data[scen_file].get("rules", {}), scen_file)
    branches, techs = _read_techs(_Table("content/techs.toml", "", data["content/techs.toml"]))
    systems = frozenset(t.system for t in techs.values() if t.system)
    modules = _read_modules(_Table("content/modules.toml", "", data["content/modules.toml"]), techs)
    milestones = _read_milestones(
        _Table("content/milestones.toml", "", data["content/milestones.toml"])
    )
    missions = _read_missions(
        _Table("content/missions.toml", "", data["content/missions.toml"]),
        techs,
        systems,
        milestones,
    )
    sites = _read_sites(_Table("content/sites.toml", "", data["content/sites.toml"]), techs)
    events = _read_events(_Table("content/events.toml", "", data["content/events.toml"]))
    scen = _Table(scen_file, "", data[scen_file])
    scen.used.add("rules")
    head = scen.sub("scenario")
    title = head.get("name", str)
    description = head.get("description", str, "")
    head.done()
    agencies = _read_agencies(scen, techs)
    for m in milestones.values():
        for a in m.claimed:
            if a not in agencies:
                raise ContentError(
                    "content/milestones.toml", f"milestones.{m.id}.claimed", f"unknown agency {a!r}"
                )
    blocs = _read_blocs(scen, agencies)
    treaties = {}
    for tid, t in scen.tables("treaties").items():
        terms = t.strings("terms")
        for term in terms:
            if term not in TERMS:
                raise t.fail("terms", f"unknown term {term!r}; known: {', '.join(TERMS)}")
        dues = t.number("dues", 0.0, lo=0.0, hi=0.5)
        treaties[tid] = TreatyDef(tid, t.get("name", str), terms, dues)
        t.done()
    forbidden = []
    scen.used.add("forbidden")
    for n, item in enumerate(scen.data.get("forbidden", [])):
        t = _Table(scen_file, f"forbidden[{n}]", item)
        pair = t.strings("pair")
        if len(pair) != 2 or any(a not in agencies for a in pair) or pair[0] == pair[1]:
            raise t.fail("pair", "must name two different agencies")
        forbidden.append((frozenset(pair), t.get("reason", str)))
        t.done()
    relations = {}
    rel = scen.sub("relations", {})
    for key in rel.data:
        parts = key.split()
        if len(parts) != 2 or any(a not in agencies for a in parts):
            raise rel.fail(key, "must be two agency ids separated by a space")
        relations[(parts[0], parts[1])] = rel.number(key, integer=True, lo=-100, hi=100)
    programs = _read_programs(scen, agencies, missions, sites, modules)
    relays = {}
    rl = scen.sub("relays", {})
    for key in rl.data:
        if key not in agencies:
            raise rl.fail(key, "unknown agency")
        relays[key] = rl.number(key, integer=True, lo=0)
    start_year = int(rules["time"].start_year)
    beats = _read_beats(scen, start_year, agencies, modules, blocs)
    objectives = _read_objectives(scen, agencies, techs, missions, modules, sites, milestones)
    scen.done()
    return Content(
        scenario=scenario,
        title=title,
        description=description,
        hash=digest.hexdigest(),
        rules=rules,
        branches=branches,
        techs=techs,
        missions=missions,
        modules=modules,
        sites=sites,
        milestones=milestones,
        events=events,
        agencies=agencies,
        blocs=blocs,
        treaties=treaties,
        forbidden=tuple(forbidden),
        relations=relations,
        programs=programs,
        relays=relays,
        beats=beats,
        systems=systems,
        objectives=objectives,
    )


def _read_rules(base: dict[str, Any], override: Any, scen_file: str) -> dict[str, Section]:
    if not isinstance(override, dict):
        raise ContentError(scen_file, "rules", "must be a table")
    out: dict[str, Section] = {}
    for section, values in base.items():
        if not isinstance(values, dict):
            raise ContentError("content/rules.toml", section, "must be a table")
        merged = dict(values)
        for key, value in override.get(section, {}).items():
            if key not in values:
                raise ContentError(scen_file, f"rules.{section}.{key}", "is not a known rule")
            if type(value) is not type(values[key]) and not (
                isinstance(value, int | float)
                and isinstance(values[key], int | float)
                and not isinstance(value, bool)
            ):
                raise ContentError(
                    scen_file,
                    f"rules.{section}.{key}",
                    f"must be of the same type as {values[key]!r}",
                )
            merged[key] = value
        out[section] = Section(merged)
    for section in override:
        if section not in base:
            raise ContentError(scen_file, f"rules.{section}", "is not a known rule section")
    return out


def _read_techs(top: _Table) -> tuple[dict[str, str], dict[str, Tech]]:
    branches_t = top.sub("branches")
    branches = {k: branches_t.get(k, str) for k in branches_t.data}
    techs: dict[str, Tech] = {}
    for tid, t in top.tables("techs").items():
        _check_id(top, tid)
        branch = t.get("branch", str)
        if branch not in branches:
            raise t.fail("branch", f"unknown branch {branch!r}")
        system = t.get("system", str, "")
        rel = t.number("reliability", 0.0, lo=0.0, hi=1.0)
        cap = t.number("cap", 0.0, lo=0.0, hi=1.0)
        if system and not (0 < rel <= cap):
            raise t.fail("cap", "a tech with a system needs 0 < reliability <= cap")
        effects_t = t.sub("effects", {})
        effects: dict[str, Any] = {}
        for key in effects_t.data:
            if key not in TECH_EFFECTS:
                raise effects_t.fail(key, f"unknown effect; known: {', '.join(TECH_EFFECTS)}")
            effects[key] = effects_t.get(key, TECH_EFFECTS[key])
        techs[tid] = Tech(
            id=tid,
            name=t.get("name", str),
            branch=branch,
            cost=t.number("cost", integer=True, lo=1),
            min_turns=t.number("min_turns", integer=True, lo=1, hi=20),
            requires=t.strings("requires", []),
            system=system,
            reliability=float(rel),
            cap=float(cap),
            effects=effects,
            agencies=t.strings("agencies", []),
        )
        t.done()
    top.done()
    for tech in techs.values():
        for req in tech.requires:
            if req not in techs:
                raise ContentError(
                    "content/techs.toml", f"techs.{tech.id}.requires", f"unknown tech {req!r}"
                )
    # The tree must be a directed acyclic graph.
    state: dict[str, int] = {}

    def visit(tid: str, trail: tuple[str, ...]) -> None:
        if state.get(tid) == 2:
            return
        if state.get(tid) == 1:
            raise ContentError(
                "content/techs.toml",
                f"techs.{tid}.requires",
                f"prerequisites form a cycle: {' -> '.join((*trail, tid))}",
            )
        state[tid] = 1
        for req in techs[tid].requires:
            visit(req, (*trail, tid))
        state[tid] = 2

    for tid in techs:
        visit(tid, ())
    for effect_tech in techs.values():
        mod = effect_tech.effects.get("unlock_module")
        if mod is not None and not isinstance(mod, str):
            raise ContentError(
                "content/techs.toml",
                f"techs.{effect_tech.id}.effects",
                "unlock_module must be a string",
            )
    return branches, techs


def _read_modules(top: _Table, techs: dict[str, Tech]) -> dict[str, Module]:
    modules = {}
    for mid, t in top.tables("modules").items():
        location = t.get("location", str)
        if location not in ("orbit", "surface"):
            raise t.fail("location", 'must be "orbit" or "surface"')
        requires = t.get("requires", str, "")
        if requires and requires not in techs:
            raise t.fail("requires", f"unknown tech {requires!r}")
        modules[mid] = Module(
            id=mid,
            name=t.get("name", str),
            location=location,
            cost=t.number("cost", integer=True, lo=0),
            founding=t.get("founding", bool, False),
            capacity=t.number("capacity", 0, integer=True, lo=0),
            storage=t.number("storage", 0, integer=True, lo=0),
            science=t.number("science", 0, integer=True, lo=0),
            production=t.number("production", 0, integer=True, lo=0),
            requires=requires,
            supplies=t.number("supplies", 0, integer=True, lo=0),
        )
        t.done()
    top.done()
    for loc in ("orbit", "surface"):
        if not any(m.founding and m.location == loc for m in modules.values()):
            raise ContentError(
                "content/modules.toml", "modules", f"no founding module for a station in {loc}"
            )
    return modules


def _read_milestones(top: _Table) -> dict[str, Milestone]:
    out = {}
    for mid, t in top.tables("milestones").items():
        where = t.get("where", str, "any")
        if where not in WHERE:
            raise t.fail("where", f"must be one of {', '.join(WHERE)}")
        out[mid] = Milestone(
            mid,
            t.get("name", str),
            t.number("prestige", integer=True, lo=0),
            where,
            t.strings("claimed", []),
        )
        t.done()
    top.done()
    return out


def _read_missions(
    top: _Table, techs: dict[str, Tech], systems: frozenset[str], milestones: dict[str, Milestone]
) -> dict[str, MissionType]:
    out = {}
    for mid, t in top.tables("missions").items():
        target = t.get("target", str)
        if target not in TARGETS:
            raise t.fail("target", f"must be one of {', '.join(TARGETS)}")
        requires = t.strings("requires")
        for req in requires:
            if req not in techs:
                raise t.fail("requires", f"unknown tech {req!r}")
        raw_steps = t.get("steps", list)
        steps = []
        for n, raw in enumerate(raw_steps):
            if (
                not isinstance(raw, list)
                or len(raw) not in (2, 3)
                or not all(isinstance(x, str) for x in raw)
            ):
                raise t.fail(f"steps[{n}]", "must be [name, system] or [name, system, when]")
            step = Step(*raw)
            if step.system not in systems:
                raise t.fail(f"steps[{n}]", f"no tech provides the system {step.system!r}")
            if step.when not in STEP_WHEN:
                raise t.fail(f"steps[{n}]", f"when must be one of {', '.join(STEP_WHEN)}")
            steps.append(step)
        if not steps:
            raise t.fail("steps", "a mission needs at least one step")
        names = [s.name for s in steps]
        marks = []
        for n, raw in enumerate(t.get("milestones", list, [])):
            if (
                not isinstance(raw, list)
                or len(raw) not in (2, 3)
                or not all(isinstance(x, str) for x in raw)
            ):
                raise t.fail(f"milestones[{n}]", "must be [milestone, step name, when?]")
            when = raw[2] if len(raw) == 3 else "always"
            if when not in (*STEP_WHEN, "staying"):
                raise t.fail(f"milestones[{n}]", f"unknown condition {when!r}")
            if raw[0] not in milestones:
                raise t.fail(f"milestones[{n}]", f"unknown milestone {raw[0]!r}")
            if raw[1] not in names:
                raise t.fail(f"milestones[{n}]", f"no step named {raw[1]!r}")
            marks.append((raw[0], raw[1], when))
        advances = []
        for n, raw in enumerate(t.get("advances", list, [])):
            if (
                not isinstance(raw, list)
                or len(raw) != 2
                or not all(isinstance(x, str) for x in raw)
            ):
                raise t.fail(f"advances[{n}]", "must be [tech, step name]")
            if raw[0] not in techs:
                raise t.fail(f"advances[{n}]", f"unknown tech {raw[0]!r}")
            if raw[1] not in names:
                raise t.fail(f"advances[{n}]", f"no step named {raw[1]!r}")
            advances.append((raw[0], raw[1]))
        out[mid] = MissionType(
            id=mid,
            name=t.get("name", str),
            cost=t.number("cost", integer=True, lo=1),
            build_turns=t.number("build_turns", integer=True, lo=1, hi=20),
            target=target,
            requires=requires,
            steps=tuple(steps),
            milestones=tuple(marks),
            crew=t.number("crew", 0, integer=True, lo=0, hi=12),
            science=t.number("science", 0, integer=True, lo=0),
            supplies=t.number("supplies", 0, integer=True, lo=0),
            advances=tuple(advances),
        )
        t.done()
    top.done()
    return out


def _read_sites(top: _Table, techs: dict[str, Tech]) -> dict[str, Site]:
    out = {}
    for sid, t in top.tables("sites").items():
        if sid == ORBIT:
            raise t.fail("name", '"orbit" is reserved for lunar orbit')
        requires = t.get("requires", str, "")
        if requires and requires not in techs:
            raise t.fail("requires", f"unknown tech {requires!r}")
        out[sid] = Site(
            id=sid,
            name=t.get("name", str),
            lat=t.number("lat", lo=-90, hi=90),
            lon=t.number("lon", lo=-180, hi=180),
            ice=t.number("ice", integer=True, lo=0, hi=3),
            sunlight=t.number("sunlight", lo=0, hi=1),
            science=t.number("science", lo=0, hi=5),
            difficulty=t.number("difficulty", lo=-0.5, hi=0.5),
            requires=requires,
            note=t.get("note", str, ""),
        )
        t.done()
    top.done()
    if len(out) < 2:
        raise ContentError("content/sites.toml", "sites", "needs at least two sites")
    return out


def _read_events(top: _Table) -> dict[str, EventDef]:
    out = {}
    for eid, t in top.tables("events").items():
        target = t.get("target", str)
        if target not in ("agency", "pair", "all"):
            raise t.fail("target", 'must be "agency", "pair" or "all"')
        eff = t.sub("effects")
        effects = {}
        for key in eff.data:
            if key not in EVENT_EFFECTS:
                raise eff.fail(key, f"unknown effect; known: {', '.join(EVENT_EFFECTS)}")
            effects[key] = float(eff.number(key))
        if "relations" in effects and target != "pair":
            raise eff.fail("relations", 'needs target = "pair"')
        out[eid] = EventDef(
            id=eid,
            text=t.get("text", str),
            weight=t.number("weight", integer=True, lo=0),
            target=target,
            effects=effects,
            from_year=t.number("from_year", 0, integer=True),
            until_year=t.number("until_year", 9999, integer=True),
        )
        t.done()
    top.done()
    return out


def _read_agencies(scen: _Table, techs: dict[str, Tech]) -> dict[str, AgencyDef]:
    out = {}
    for aid, t in scen.tables("agencies").items():
        _check_id(scen, aid)
        traits_t = t.sub("traits", {})
        traits = {}
        for key in traits_t.data:
            if key not in TRAITS:
                raise traits_t.fail(key, f"unknown trait; known: {', '.join(TRAITS)}")
            traits[key] = float(traits_t.number(key, lo=-1, hi=5))
        known = t.strings("known", [])
        for tech in known:
            if tech not in techs:
                raise t.fail("known", f"unknown tech {tech!r}")
        research_t = t.sub("research", {})
        research = {}
        for key in research_t.data:
            if key not in techs:
                raise research_t.fail(key, "unknown tech")
            research[key] = float(research_t.number(key, lo=0, hi=0.99))
        hardware_t = t.sub("hardware", {})
        hardware = {}
        for key in hardware_t.data:
            if key not in techs:
                raise hardware_t.fail(key, "unknown tech")
            hardware[key] = hardware_t.get(key, str)
        color = t.get("color", str)
        if len(color) != 7 or not color.startswith("#"):
            raise t.fail("color", "must be #rrggbb")
        out[aid] = AgencyDef(
            id=aid,
            name=t.get("name", str),
            country=t.get("country", str),
            color=color,
            budget=t.number("budget", integer=True, lo=1),
            support=t.number("support", integer=True, lo=0, hi=100),
            traits=traits,
            known=known,
            research=research,
            hardware=hardware,
            note=t.get("note", str, ""),
        )
        t.done()
    if len(out) < 2:
        raise scen.fail("agencies", "a scenario needs at least two agencies")
    return out


def _read_objectives(
    scen: _Table,
    agencies: dict[str, AgencyDef],
    techs: dict[str, Tech],
    missions: dict[str, MissionType],
    modules: dict[str, Module],
    sites: dict[str, Site],
    milestones: dict[str, Milestone],
) -> tuple[Objective, ...]:
    out: list[Objective] = []
    seen: set[str] = set()
    scen.used.add("objectives")
    for n, item in enumerate(scen.data.get("objectives", [])):
        t = _Table(scen.file, f"objectives[{n}]", item)
        oid = t.get("id", str)
        _check_id(t, oid)
        if oid in seen:
            raise t.fail("id", f"{oid!r} is used twice")
        seen.add(oid)
        agency = t.name("agency", agencies, "agency")
        kind = t.get("kind", str)
        if kind not in OBJECTIVE_KINDS:
            raise t.fail("kind", f"unknown kind {kind!r}; known: {', '.join(OBJECTIVE_KINDS)}")
        place = t.get("place", str, "any")
        if place not in WHERE and place != ORBIT and place not in sites:
            raise t.fail("place", f"unknown place {place!r}: any, orbit, a region or a site")
        kind_keys = {
            "flight": ("missions",),
            "milestone": ("milestone",),
            "module": (),
            "crew": (),
            "technology": ("tech",),
        }[kind]
        for key in kind_keys:
            if key not in t.data:
                raise t.fail(key, f"is needed by a {kind} objective")
        mission_ids = t.strings("missions", [])
        for m in mission_ids:
            if m not in missions:
                raise t.fail("missions", f"unknown mission type {m!r}")
        milestone = t.name("milestone", milestones, "milestone", "")
        module = t.name("module", modules, "module", "")
        tech = t.name("tech", techs, "tech", "")
        out.append(
            Objective(
                id=oid,
                agency=agency,
                name=t.get("name", str),
                kind=kind,
                by=t.number("by", integer=True, lo=1900, hi=2200),
                prestige=t.number("prestige", integer=True, lo=0),
                text=t.get("text", str, ""),
                missions=mission_ids,
                place=place,
                milestone=milestone,
                first=t.get("first", bool, False),
                module=module,
                anyone=t.get("anyone", bool, False),
                tech=tech,
            )
        )
        t.done()
    return tuple(out)


def _read_blocs(scen: _Table, agencies: dict[str, AgencyDef]) -> dict[str, BlocDef]:
    out = {}
    for bid, t in scen.tables("blocs").items():
        members = t.strings("members")
        lead = t.get("lead", str)
        for a in (*members, lead):
            if a not in agencies:
                raise t.fail("members", f"unknown agency {a!r}")
        if lead not in members:
            raise t.fail("lead", "the lead must be a member")
        terms = t.strings("terms")
        for term in terms:
            if term not in TERMS:
                raise t.fail("terms", f"unknown term {term!r}; known: {', '.join(TERMS)}")
        out[bid] = BlocDef(
            bid,
            t.get("name", str),
            lead,
            members,
            terms,
            t.get("open", bool, True),
            t.number("dues", 0.0, lo=0.0, hi=0.5),
            t.strings("excludes", ()),
        )
        t.done()
    # Exclusion runs both ways, and a bloc's founding members sit in no bloc it excludes.
    for bid, bloc in out.items():
        for other in bloc.excludes:
            if other not in out or other == bid:
                raise scen.fail(f"blocs.{bid}.excludes", f"unknown bloc {other!r}")
    for bid, bloc in list(out.items()):
        rivals = tuple(sorted({*bloc.excludes, *(o for o, b in out.items() if bid in b.excludes)}))
        for other in rivals:
            both = set(bloc.members) & set(out[other].members)
            if both:
                raise scen.fail(
                    f"blocs.{bid}.excludes", f"{', '.join(sorted(both))} in both {bid} and {other}"
                )
        out[bid] = replace(bloc, excludes=rivals)
    return out


def _read_programs(
    scen: _Table,
    agencies: dict[str, AgencyDef],
    missions: dict[str, MissionType],
    sites: dict[str, Site],
    modules: dict[str, Module],
) -> tuple[ProgramDef, ...]:
    scen.used.add("programs")
    out = []
    for n, raw in enumerate(scen.data.get("programs", [])):
        t = _Table(scen.file, f"programs[{n}]", raw)
        agency = t.name("agency", agencies, "agency")
        mtype = t.name("mission_type", missions, "mission type")
        site = t.get("site", str)
        if site != ORBIT and site not in sites:
            raise t.fail("site", f"unknown site {site!r}")
        module = t.get("module", str, "")
        if missions[mtype].builds_module and module not in modules:
            raise t.fail("module", f"unknown module {module!r}")
        partners_t = t.sub("partners", {})
        partners = {}
        for key in partners_t.data:
            if key not in agencies or key == agency:
                raise partners_t.fail(key, "must be another agency of the scenario")
            partners[key] = float(partners_t.number(key, lo=0, hi=0.9))
        if sum(partners.values()) >= 1:
            raise t.fail("partners", "partners' shares must add up to less than 1")
        out.append(
            ProgramDef(
                name=t.get("name", str),
                agency=agency,
                mission_type=mtype,
                site=site,
                progress=float(t.number("progress", lo=0, hi=1)),
                module=module,
                commercial=t.get("commercial", bool, False),
                station_name=t.get("station_name", str, ""),
                partners=partners,
                build_turns=int(t.number("build_turns", 0, integer=True, lo=0, hi=40)),
            )
        )
        t.done()
    return tuple(out)


def _read_beats(
    scen: _Table,
    start_year: int,
    agencies: dict[str, AgencyDef],
    modules: dict[str, Module],
    blocs: dict[str, BlocDef],
) -> tuple[Beat, ...]:
    scen.used.add("beats")
    out = []
    for n, raw in enumerate(scen.data.get("beats", [])):
        t = _Table(scen.file, f"beats[{n}]", raw)
        year = t.number("year", integer=True, lo=start_year)
        half = t.number("half", integer=True, lo=1, hi=2)
        relations = None
        if "relations" in t.data:
            r = t.sub("relations")
            pair = r.strings("pair")
            if len(pair) != 2 or any(a not in agencies for a in pair):
                raise r.fail("pair", "must name two agencies")
            relations = (pair[0], pair[1], r.number("change", integer=True, lo=-100, hi=100))
            r.done()
        bounty = None
        if "bounty" in t.data:
            b = t.sub("bounty")
            module = b.name("module", modules, "module")
            owner = b.name("owner", agencies, "agency")
            until = b.number("until_year", integer=True, lo=year)
            bounty = {
                "module": module,
                "owner": owner,
                "until": (until - start_year) * 2 + 1,
                "prestige": b.number("prestige", integer=True, lo=0),
                "relations": b.number("relations", integer=True, lo=-100, hi=100),
            }
            b.done()
        service = t.get("open_service", str, "")
        if service and service not in SERVICES:
            raise t.fail("open_service", f"must be one of {', '.join(SERVICES)}")
        dissolve = t.name("dissolve_bloc", blocs, "bloc", "")
        out.append(
            Beat(
                (year - start_year) * 2 + half - 1,
                t.get("text", str),
                relations,
                bounty,
                service,
                dissolve,
            )
        )
        t.done()
    return tuple(out)
