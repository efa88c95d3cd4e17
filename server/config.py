"""A host's settings for `lunar-race serve`: a TOML file, then the environment, then the flags.

The file has two tables, `[server]` (the fields of `HostSettings`: where to listen, where the
data lives, the admin token...) and `[limits]` (the fields of `server.limits.Limits`). Each
field may also come from the environment as `LUNAR_RACE_<NAME>` (`LUNAR_RACE_PORT`,
`LUNAR_RACE_MAX_ROOMS`, `LUNAR_RACE_ADMIN_TOKEN`), which wins over the file; the command
line's own flags win over both. Both tables are read from the dataclasses' fields, so a new
limit needs no code here. A key nobody knows, or a value of the wrong type, is a
`ConfigError` naming where it came from: a typo in a host's file surfaces at start, not as
a default silently kept.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from server.limits import Limits

ENV_PREFIX = "LUNAR_RACE_"
LOG_LEVELS = ("debug", "info", "warning", "error")

D = TypeVar("D")


class ConfigError(ValueError):
    """The configuration file or an environment variable cannot be used as it is."""


@dataclass(frozen=True, slots=True)
class HostSettings:
    """How the server process runs, besides its limits."""

    host: str = "127.0.0.1"  # address to bind; 0.0.0.0 for every interface
    port: int = 8765  # 0 picks a free port
    data: str = ""  # folder for the SQLite store; "" is the platform's default
    durable: bool = False  # fsync every acknowledged order
    workers: int = 1  # processes for turn work; 0: a thread of the server process
    log_level: str = "info"  # debug, info, warning or error
    admin_token: str = ""  # the secret for admin commands; "" turns them off
    metrics: bool = True  # answer GET /metrics in Prometheus's text format


@dataclass(frozen=True, slots=True)
class Config:
    """Everything `serve` needs to know before it starts."""

    host: HostSettings
    limits: Limits


def _convert(kind: type, value: Any, where: str) -> Any:
    """`value` as `kind` (int, float, bool, str or a tuple of str), from TOML or from an
    environment string (a tuple from commas)."""
    if typing.get_origin(kind) is tuple:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}: {value!r} is not a list of strings")
        return tuple(i.strip() for i in items if i.strip())
    if isinstance(value, str) and kind is not str:
        text = value.strip()
        if kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ConfigError(f"{where}: {value!r} is not true or false")
        try:
            return kind(text)
        except ValueError:
            raise ConfigError(f"{where}: {value!r} is not {_name(kind)}") from None
    if kind is float and type(value) is int:
        return float(value)
    if type(value) is not kind:
        raise ConfigError(f"{where}: {value!r} is not {_name(kind)}")
    return value


def _name(kind: type) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}[kind]


def _field_types(cls: type) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def env_name(field: str) -> str:
    """The environment variable that sets `field`."""
    return ENV_PREFIX + field.upper()


def apply(base: D, table: Mapping[str, Any], env: Mapping[str, str], where: str) -> D:
    """`base` with the fields in `table` (from the file), then those in `env`, set."""
    types = _field_types(type(base))
    unknown = sorted(set(table) - set(types))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {unknown}; known: {sorted(types)}")
    changes: dict[str, Any] = {}
    for name, kind in types.items():
        if name in table:
            changes[name] = _convert(kind, table[name], f"{where}: {name}")
        variable = env_name(name)
        if variable in env:
            changes[name] = _convert(kind, env[variable], variable)
    return dataclasses.replace(base, **changes)  # type: ignore[type-var]


def load(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The settings from the file at `path` (if any) and the environment (`os.environ` by
    default); the defaults for whatever neither sets."""
    env = os.environ if env is None else env
    document: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as fh:
                document = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    where = str(path) if path is not None else "config"
    unknown = sorted(set(document) - {"server", "limits"})
    if unknown:
        raise ConfigError(f"{where}: unknown table(s) {unknown}; known: ['limits', 'server']")
    tables = {}
    for name in ("server", "limits"):
        table = document.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        tables[name] = table
    host = apply(HostSettings(), tables["server"], env, f"{where} [server]")
    if host.log_level not in LOG_LEVELS:
        raise ConfigError(f"{where} [server]: log_level must be one of {list(LOG_LEVELS)}")
    limits = apply(Limits(), tables["limits"], env, f"{where} [limits]")
    return Config(host, limits)


def to_toml(config: Config) -> str:
    """`config` as a configuration file (the admin token is left out: it is a secret)."""
    lines = ["# Lunar Race server settings (lunar-race serve --config FILE)", ""]
    for table, instance in (("server", config.host), ("limits", config.limits)):
        lines.append(f"[{table}]")
        for field in dataclasses.fields(instance):
            value = getattr(instance, field.name)
            if field.name == "admin_token":
                shown = "set, not shown" if value else "not set: admin commands are off"
                lines.append(f"# admin_token: {shown}")
                continue
            lines.append(f"{field.name} = {_toml(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
