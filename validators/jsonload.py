"""Strict JSON reading: duplicate keys, NaN/Infinity and runaway nesting are errors."""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class StrictJSONError(ValueError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise StrictJSONError(f"duplicate key {key!r} in an object")
        out[key] = value
    return out


def _no_constant(name: str):
    raise StrictJSONError(f"{name} is not valid JSON")


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def loads(text: str) -> Any:
    # Checked before parsing: the json module recurses once per level and would exhaust the
    # stack on a few thousand nested brackets.
    if _depth(text) > MAX_DEPTH:
        raise StrictJSONError(f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise StrictJSONError(e.msg, e.lineno, e.colno) from None
    except RecursionError:
        raise StrictJSONError(f"JSON nested too deeply") from None
