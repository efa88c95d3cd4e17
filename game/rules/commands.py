"""Commands: what an agency orders in a turn, as small frozen values with a lossless wire form.

Every command has a `kind` (its wire tag) and a handful of str/int/bool fields. `to_wire()`
gives a plain dict; `Command.from_wire(d)` reads one back and raises `CommandFormatError`
(code `malformed`) for anything that is not exactly a command. Whether a well-formed command
is *allowed* is a separate question answered by `game.rules.legal`.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from game.rules.errors import CommandFormatError

_KINDS: dict[str, type[Command]] = {}


@dataclass(frozen=True, slots=True)
class Command:
    """Base of all commands; subclasses set KIND and declare their fields."""

    KIND: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.KIND}
        for name, _, _ in _SCHEMAS[self.KIND]:
            out[name] = getattr(self, name)
        return out

    @staticmethod
    def from_wire(data: Any) -> Command:
        if not isinstance(data, dict):
            raise CommandFormatError(f"a command must be a mapping, not {type(data).__name__}")
        kind = data.get("kind")
        reader = _READERS.get(kind) if isinstance(kind, str) else None
        if reader is None:
            raise CommandFormatError(f"unknown command kind {kind!r}; known: {sorted(_KINDS)}")
        cls, allowed, spec = reader
        if not data.keys() <= allowed:
            extra = sorted(str(k) for k in data if k not in allowed)
            raise CommandFormatError(f"{kind}: unexpected field(s) {extra}")
        args = []
        for name, expected, default in spec:
            value = data.get(name, default)
            if value is _REQUIRED:
                raise CommandFormatError(f"{kind}: missing field {name!r}")
            if type(value) is not expected:  # the exact type is the common case
                # bool is an int in Python; a command field is one or the other, never both.
                if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
                    raise CommandFormatError(f"{kind}.{name} must be an integer")
                if expected is not int and not isinstance(value, expected):
                    raise CommandFormatError(f"{kind}.{name} must be {expected.__name__}")
            if expected is str and len(value) > 64:
                raise CommandFormatError(f"{kind}.{name} is longer than 64 characters")
            args.append(value)
        return cls(*args)

    def __str__(self) -> str:
        args = " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
        return f"{self.KIND} {args}".strip()


_FIELD_TYPES: dict[str, type] = {"str": str, "int": int, "bool": bool}
_SCHEMAS: dict[str, tuple[tuple[str, type, bool], ...]] = {}
_REQUIRED = object()  # the default of a field that has none
_READERS: dict[str, tuple[type[Command], frozenset[str], tuple[tuple[str, type, Any], ...]]] = {}


@dataclass(frozen=True, slots=True)
class Research(Command):
    """Spend `amount` ($M) on a technology: toward learning it, or refining it once known."""

    KIND: ClassVar[str] = "research"
    tech: str
    amount: int


@dataclass(frozen=True, slots=True)
class StartMission(Command):
    """Open a new mission program of a type, aimed at a site ("orbit" for lunar orbit).

    `module` names the station module for station-building types; `commercial` buys the
    launch from the commercial provider instead of flying the agency's own rocket.
    """

    KIND: ClassVar[str] = "start_mission"
    mission_type: str
    site: str
    module: str = ""
    commercial: bool = False


@dataclass(frozen=True, slots=True)
class Fund(Command):
    """Pay `amount` ($M) into a program being built (one's own or a joint partner's)."""

    KIND: ClassVar[str] = "fund"
    program: str
    amount: int


@dataclass(frozen=True, slots=True)
class Rush(Command):
    """Allow a program to take up to twice its schedule this turn, at a surcharge and risk."""

    KIND: ClassVar[str] = "rush"
    program: str


@dataclass(frozen=True, slots=True)
class Delay(Command):
    """Hold a ready program on the ground for one more turn of testing (raises reliability)."""

    KIND: ClassVar[str] = "delay"
    program: str


@dataclass(frozen=True, slots=True)
class Scrub(Command):
    """Cancel a program; contributors get part of their money back."""

    KIND: ClassVar[str] = "scrub"
    program: str


@dataclass(frozen=True, slots=True)
class Launch(Command):
    """Fly a ready program this turn."""

    KIND: ClassVar[str] = "launch"
    program: str


@dataclass(frozen=True, slots=True)
class Propose(Command):
    """Offer a treaty to another agency, ask to join a bloc, or invite a partner to a program.

    `treaty` is a treaty kind from the content (alliance, tech_sharing, joint_program, docking,
    emergency_assistance), or "join_bloc" with `bloc` set (addressed to the bloc's lead), or
    "joint_mission" with `program` set (an invitation to co-fund and share credit).
    """

    KIND: ClassVar[str] = "propose"
    to: str
    treaty: str
    bloc: str = ""
    program: str = ""


@dataclass(frozen=True, slots=True)
class Answer(Command):
    """Accept or decline a proposal addressed to this agency."""

    KIND: ClassVar[str] = "answer"
    proposal: str
    accept: bool


@dataclass(frozen=True, slots=True)
class Withdraw(Command):
    """Leave a treaty or bloc. Breaking one's word costs prestige, support and relations."""

    KIND: ClassVar[str] = "withdraw"
    agreement: str


@dataclass(frozen=True, slots=True)
class SetAccess(Command):
    """Set who may dock or send crew to a station: "owners", "partners" or "open"."""

    KIND: ClassVar[str] = "set_access"
    station: str
    access: str


@dataclass(frozen=True, slots=True)
class BuyService(Command):
    """Buy a service from the commercial provider for this turn (e.g. LEO station access)."""

    KIND: ClassVar[str] = "buy_service"
    service: str


for _cls in (
    Research,
    StartMission,
    Fund,
    Rush,
    Delay,
    Scrub,
    Launch,
    Propose,
    Answer,
    Withdraw,
    SetAccess,
    BuyService,
):
    _KINDS[_cls.KIND] = _cls
    # Each kind's fields as (name, type, required), read once rather than on every message.
    _SCHEMAS[_cls.KIND] = tuple(
        (
            f.name,
            _FIELD_TYPES[f.type if isinstance(f.type, str) else f.type.__name__],
            f.default is MISSING,
        )
        for f in fields(_cls)
    )
    # What `from_wire` needs: the class, the keys allowed, and each field's type and default.
    _READERS[_cls.KIND] = (
        _cls,
        frozenset({"kind", *(f.name for f in fields(_cls))}),
        tuple(
            (name, kind, _REQUIRED if required else f.default)
            for (name, kind, required), f in zip(_SCHEMAS[_cls.KIND], fields(_cls), strict=True)
        ),
    )
COMMAND_KINDS: tuple[str, ...] = tuple(_KINDS)


def orders_from_wire(data: Any, *, limit: int = 64) -> list[Command]:
    """Read a list of commands; raises CommandFormatError for anything malformed."""
    if not isinstance(data, list):
        raise CommandFormatError("orders must be a list of commands")
    if len(data) > limit:
        raise CommandFormatError(f"at most {limit} commands a turn")
    return [Command.from_wire(item) for item in data]


def orders_to_wire(orders: list[Command]) -> list[dict[str, Any]]:
    return [c.to_wire() for c in orders]
