"""Hand-written base of the generated pydantic models (models.py).

``Record`` is the base of every generated class; the mixins carry per-type behaviour that
cannot be derived from the schemas; ``IsoDate`` and ``JsonInt`` are the value types whose
JSON Schema semantics pydantic has no ready-made equivalent for. codegen.py decides which
class inherits which mixin.

The models are built so that a JSON value (what ``json.loads`` returns) is valid under a
record's model if and only if it is valid under its JSON Schema with the validator of
schemas.record_validator; tests/unit/test_models.py checks this.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

__all__ = ["ActorMixin", "ClaimMixin", "IsoDate", "JsonInt", "Record", "WholeFloatAsInt"]


class Record(BaseModel):
    """Base of every generated model: immutable, and no properties beyond the schema's.

    Patterns are matched with Python's ``re`` (a search, as JSON Schema's ``pattern`` is)
    because that is what the jsonschema validator does: with pydantic's default Rust engine
    ``$`` would not accept a trailing newline and ``\\s`` would differ on a few characters.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", regex_engine="python-re")


# --- value types ------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _check_iso_date(value: str) -> str:
    # The same test as jsonschema's FORMAT_CHECKER for "date": the shape, then a real day.
    if not _ISO_DATE.fullmatch(value):
        raise ValueError("date must be an ISO 8601 calendar date YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None
    return value


IsoDate = Annotated[
    StrictStr,
    AfterValidator(_check_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A JSON Schema ``"format": "date"`` string: YYYY-MM-DD naming a real day, kept as a str."""


def _integral_float_to_int(value: Any) -> Any:
    # JSON Schema counts a number with a zero fractional part (1.0) as an integer, and so
    # does jsonschema; everything else (strings, booleans, 1.5) is left for StrictInt to reject.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeFloatAsInt = BeforeValidator(_integral_float_to_int)
"""Turns 1.0 into 1 before a StrictInt sees it. Written after any Field(ge=...) in an
Annotated so that the bound stays on the integer schema (and shows as "minimum")."""

JsonInt = Annotated[StrictInt, WholeFloatAsInt]
"""A JSON Schema ``"type": "integer"``: an int (not a bool) or an integral float such as
1.0, stored as an int. Strings such as "1" are rejected. With a minimum, the generated
models write ``Annotated[StrictInt, Field(ge=0), WholeFloatAsInt]``."""


# --- per-type behaviour -------------------------------------------------------------------


class Pointer(Protocol):
    """What the mixins use of a generated ``models.Pointer`` (named here, not imported, so
    that the generated module is the only one that imports the other)."""

    @property
    def id(self) -> str: ...


def _unique_by_id(pointers: list[Pointer]) -> tuple[Pointer, ...]:
    seen: set[str] = set()
    unique = []
    for pointer in pointers:
        if pointer.id not in seen:
            seen.add(pointer.id)
            unique.append(pointer)
    return tuple(unique)


class ActorMixin:
    """Behaviour of Actor records."""

    __slots__ = ()

    @property
    def pointers(self) -> tuple[Pointer, ...]:
        """The pointers of the actor's names, then of its roles, in order; each id once."""
        names, roles = self.names, self.roles  # type: ignore[attr-defined]
        return _unique_by_id([n.pointer for n in names] + [r.pointer for r in roles])


class ClaimMixin:
    """Behaviour of Claim records."""

    __slots__ = ()

    @property
    def pointers(self) -> tuple[Pointer, ...]:
        """The pointers of the claim's attributions in order: each attribution's pointer, then
        its attribution_pointer when there is one; each id once."""
        found: list[Pointer] = []
        for attribution in self.attributions:  # type: ignore[attr-defined]
            found.append(attribution.pointer)
            if attribution.attribution_pointer is not None:
                found.append(attribution.attribution_pointer)
        return _unique_by_id(found)
