"""How a setting is declared: its variable, default, description and reading, all in one place.

A setting is a field of a frozen dataclass with its default, whose metadata
(`variable(...)`) names the environment variable, describes it and says how its text is read;
a field whose default is another such dataclass holds a group. `read_group` builds the
dataclass from an environment, and `declared` walks the same fields to write
`deploy/env.example`, so neither can drift from the other. A plain dataclass keeps
`import bot.config` cheap: every command reads its settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, Field, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
G = TypeVar("G")

_VARIABLE = "jaarrond.variable"


class Invalid(ValueError):
    """A setting's text cannot be used; the message follows the variable's name."""


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How one setting's text becomes its value, and how a value is written back as text."""

    read: Callable[[str], T]
    show: Callable[[T], str] = str


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    kind: Kind[Any]
    # A secret's value never shows in a log line (`secret_values`).
    secret: bool = False


def variable(
    name: str, description: str, kind: Kind[Any] | None = None, *, secret: bool = False
) -> dict[str, Variable]:
    """A field's metadata: read from `name` (a missing variable keeps the field's default)."""
    return {_VARIABLE: Variable(name, description, kind or TEXT, secret)}


@dataclass(frozen=True)
class Setting:
    """One declared setting as the example file shows it."""

    variable: str
    description: str
    default_text: str
    secret: bool


def _group(item: Field[Any]) -> type[Any] | None:
    factory = item.default_factory
    return factory if isinstance(factory, type) and is_dataclass(factory) else None


def declared(cls: type[Any]) -> Iterator[tuple[type[Any], Setting]]:
    """Every setting of `cls` and its groups, each with the class that declares it, in order:
    a class's own settings first, then its groups."""
    subgroups = []
    for item in fields(cls):
        if _VARIABLE in item.metadata:
            about: Variable = item.metadata[_VARIABLE]
            if item.default is MISSING:
                raise TypeError(f"{cls.__name__}.{item.name} has no default")
            shown = about.kind.show(item.default)
            yield cls, Setting(about.name, about.description, shown, about.secret)
        elif (subgroup := _group(item)) is not None:
            subgroups.append(subgroup)
        else:
            # A field no variable sets would be a setting nobody can change.
            raise TypeError(f"{cls.__name__}.{item.name} is neither a setting nor a group")
    for subgroup in subgroups:
        yield from declared(subgroup)


def read_group(cls: Callable[..., G], env: Mapping[str, str], problems: list[str]) -> G:
    """Build `cls` from `env`; each problem is added to `problems` and its default kept.

    After its fields, a group's own `problems()` (settings that depend on each other) runs."""
    values: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        if (subgroup := _group(item)) is not None:
            values[item.name] = read_group(subgroup, env, problems)
            continue
        about: Variable | None = item.metadata.get(_VARIABLE)
        if about is None or about.name not in env:
            continue
        text = env[about.name].strip()
        try:
            values[item.name] = about.kind.read(text)
        except Invalid as reason:
            problems.append(f"{about.name} {reason}")
    built = cls(**values)
    check: Callable[[], list[str]] | None = getattr(built, "problems", None)
    if check is not None:
        problems.extend(check())
    return built


def secret_values(settings: Any) -> list[str]:
    """The values of every setting declared secret in `settings` and its groups."""
    values: list[str] = []
    for item in fields(settings):
        value = getattr(settings, item.name)
        about: Variable | None = item.metadata.get(_VARIABLE)
        if about is not None and about.secret:
            values.extend(value if isinstance(value, tuple) else [value])
        elif _group(item) is not None:
            values.extend(secret_values(value))
    return [value for value in values if value]


# ---- kinds ----------------------------------------------------------------------------------

TEXT: Kind[str] = Kind(lambda text: text)


def whole(low: int, high: int, expected: str) -> Kind[int]:
    """A whole number from `low` to `high`; `expected` says so in the operator's terms."""

    def read(text: str) -> int:
        if text.isdigit() and low <= int(text) <= high:
            return int(text)
        raise Invalid(f"must be {expected}, not '{text}'")

    return Kind(read)


def number(low: float, high: float, expected: str) -> Kind[float]:
    """A decimal number from `low` to `high` (never infinite or NaN)."""

    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if low <= value <= high and value != float("inf"):
            return value
        raise Invalid(f"must be {expected}, not '{text}'")

    return Kind(read, lambda value: f"{value:g}")


def choice(*options: str, hint: str = "") -> Kind[str]:
    """One of `options`, in any case, spelled as declared; `hint` adds why an option is there."""
    spelled = {option.lower(): option for option in options}

    def read(text: str) -> str:
        if text.lower() in spelled:
            return spelled[text.lower()]
        raise Invalid(f"must be one of {', '.join(options)}, not '{text}'{hint}")

    return Kind(read)


def switch(on: tuple[str, ...], off: tuple[str, ...]) -> Kind[bool]:
    """On or off, spelled as one of `on` or `off` (the first of each is how it is written)."""

    def read(text: str) -> bool:
        if text.lower() in on + off:
            return text.lower() in on
        raise Invalid(f"must be {' or '.join((on[0], off[0]))}, not '{text}'")

    return Kind(read, lambda value: on[0] if value else off[0])


def separated(separator: str, item: Kind[Any] = TEXT) -> Kind[tuple[Any, ...]]:
    """A list split at `separator`, empty items left out; each item read by `item`."""

    def read(text: str) -> tuple[Any, ...]:
        return tuple(item.read(part.strip()) for part in text.split(separator) if part.strip())

    return Kind(read, lambda values: separator.join(item.show(value) for value in values))


def _folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise Invalid(f"names '{text}', which is not a folder")
    return Path(text)


# Folders separated as in PATH (':' on Linux and macOS, ';' on Windows).
FOLDERS = separated(os.pathsep, Kind(_folder))
