"""Errors as values with stable codes.

The tree of failures, from the outside in:

* `CommandFormatError` (raised) - a command's wire form is malformed: not a mapping, unknown
  kind, a missing field or one of the wrong type. Code `malformed`.
* `RuleError` (returned, never raised) - a well-formed command that the rules do not allow
  now. Its `code` is one of `Code` and its `message` says why in words a player understands.
* `ContentError` (raised) - a content file is broken; it names the file, the key and the
  problem.

Codes are part of the protocol: clients and bots may branch on them, so they never change
meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from game.rules.shapes import RuleErrorWire


class Code(StrEnum):
    """Stable reasons a command is refused."""

    MALFORMED = "malformed"  # not a command at all
    NOT_SEATED = "not_seated"  # the agency is not in this match
    MATCH_OVER = "match_over"  # the match has ended
    UNKNOWN_TECH = "unknown_tech"
    TECH_LOCKED = "tech_locked"  # prerequisites not researched
    TECH_MAXED = "tech_maxed"  # researched and refined to its cap
    UNKNOWN_MISSION_TYPE = "unknown_mission_type"
    MISSING_TECH = "missing_tech"  # the mission type needs a technology the agency lacks
    UNKNOWN_SITE = "unknown_site"
    BAD_TARGET = "bad_target"  # the site does not suit the mission type
    NEEDS_RELAY = "needs_relay"  # far side without a relay satellite
    UNKNOWN_MODULE = "unknown_module"
    NO_STATION = "no_station"  # crew, supplies or modules for a station that is not there
    STATION_FULL = "station_full"
    ACCESS_DENIED = "access_denied"  # the station's access rule excludes the agency
    UNKNOWN_PROGRAM = "unknown_program"  # no such mission program
    NOT_YOURS = "not_yours"  # a program, station or proposal of someone else
    WRONG_PHASE = "wrong_phase"  # e.g. launching a program still being built
    BAD_AMOUNT = "bad_amount"  # zero, negative or above a limit
    OVER_BUDGET = "over_budget"  # orders together spend more than the treasury
    DUPLICATE = "duplicate"  # the same action twice in one turn's orders
    TOO_MANY_ORDERS = "too_many_orders"
    TOO_MANY_PROGRAMS = "too_many_programs"
    UNKNOWN_AGENCY = "unknown_agency"
    SELF_TARGET = "self_target"  # a proposal to oneself
    FORBIDDEN_PAIRING = "forbidden_pairing"  # e.g. NASA and CNSA, barred by law
    RELATIONS_TOO_LOW = "relations_too_low"
    ALREADY_AGREED = "already_agreed"  # the treaty or membership exists already
    PENDING = "pending"  # the same proposal is waiting for an answer already
    UNKNOWN_PROPOSAL = "unknown_proposal"
    UNKNOWN_AGREEMENT = "unknown_agreement"
    UNKNOWN_TREATY = "unknown_treaty"
    UNKNOWN_BLOC = "unknown_bloc"
    BLOC_CLOSED = "bloc_closed"
    RIVAL_BLOC = "rival_bloc"  # a bloc, or an alliance into one, that one's own bloc excludes
    UNKNOWN_SERVICE = "unknown_service"
    SERVICE_UNAVAILABLE = "service_unavailable"
    NOT_A_PARTNER = "not_a_partner"  # funding a program one has not joined


@dataclass(frozen=True, slots=True)
class RuleError:
    """Why one command was refused: a stable code, a message, and which order it was."""

    code: Code
    message: str
    index: int = -1  # position of the command in the submitted orders, -1 when not known

    def to_wire(self) -> RuleErrorWire:
        return {"code": str(self.code), "message": self.message, "index": self.index}


class CommandFormatError(ValueError):
    """A command's wire form cannot be read (code `malformed`)."""

    code = Code.MALFORMED


class ContentError(Exception):
    """A content file is broken. The message names the file, the key and what is wrong."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        super().__init__(f"{file}: {key}: {problem}")
