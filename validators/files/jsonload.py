"""Strict JSON reading: duplicate keys, NaN/Infinity and runaway nesting are errors."""

from __future__ import annotations

import json
import re
from typing import Any

from claimtrail.files.limits import MAX_JSON_DEPTH as MAX_DEPTH
from claimtrail.files.limits import MAX_JSON_NUMBER_DIGITS


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


# A JSON string (escapes included) and a bracket outside strings: the depth scan skips the
# strings in one regex pass instead of a Python loop over every character (a descriptor of
# 10,000 resources is megabytes long).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    bare = _STRING.sub("", text).split('"', 1)[0]  # an unterminated string runs to the end
    depth = deepest = 0
    for match in _BRACKET.finditer(bare):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        else:
            depth -= 1
    return deepest


def _int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_JSON_NUMBER_DIGITS:
        raise StrictJSONError(
            f"a number of {len(literal)} digits is longer than the limit of {MAX_JSON_NUMBER_DIGITS}"
        )
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_JSON_NUMBER_DIGITS:
        raise StrictJSONError(
            f"a number of {len(literal)} characters is longer than the limit of {MAX_JSON_NUMBER_DIGITS}"
        )
    return float(literal)


def _line_column(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _find(text: str, kind: str) -> tuple[int | None, int | None]:
    """Line and column of the first duplicate key, NaN/Infinity or too-deep bracket.

    The json module reports these without a position; this scan, run only once an error is
    known, finds it so that the report can name the line.
    """
    stack: list[set | None] = []  # one entry per open bracket: the keys of an object, None for a list
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            k = j + 1
            while k < n and text[k] in " \t\r\n":
                k += 1
            if kind == "duplicate" and k < n and text[k] == ":" and stack and stack[-1] is not None:
                try:
                    key = json.loads(text[i : j + 1])
                except ValueError:
                    key = text[i : j + 1]
                if key in stack[-1]:
                    return _line_column(text, i)
                stack[-1].add(key)
            i = j + 1
            continue
        if ch in "[{":
            stack.append(set() if ch == "{" else None)
            if kind == "depth" and len(stack) > MAX_DEPTH:
                return _line_column(text, i)
        elif ch in "]}":
            if stack:
                stack.pop()
        elif kind == "constant" and text.startswith(("NaN", "Infinity", "-Infinity"), i):
            return _line_column(text, i)
        i += 1
    return None, None


def loads(text: str) -> Any:
    # Checked before parsing: the json module recurses once per level and would exhaust the
    # stack on a few thousand nested brackets.
    if _depth(text) > MAX_DEPTH:
        raise StrictJSONError(f"JSON nested deeper than {MAX_DEPTH} levels", *_find(text, "depth"))
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as e:
        raise StrictJSONError(e.msg, e.lineno, e.colno) from None
    except StrictJSONError as e:
        if e.message.startswith("a number of"):
            at = re.search(rf"[-0-9.eE+]{{{MAX_JSON_NUMBER_DIGITS + 1},}}", text)
            raise StrictJSONError(
                e.message, *(_line_column(text, at.start()) if at else (None, None))
            ) from None
        kind = "duplicate" if e.message.startswith("duplicate key") else "constant"
        raise StrictJSONError(e.message, *_find(text, kind)) from None
    except RecursionError:
        raise StrictJSONError("JSON nested too deeply") from None


def line_of(text: str, key: str, value: Any) -> int | None:
    """The line of the first ``"key": value`` in a JSON text, to point a report at it."""
    match = re.search(
        re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value, ensure_ascii=False)), text
    )
    if match is None:
        match = re.search(re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None
