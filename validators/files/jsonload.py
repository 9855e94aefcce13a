"""Strict JSON reading: duplicate keys, NaN/Infinity and runaway nesting are errors."""

from __future__ import annotations

import itertools
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
    out = dict(pairs)  # built in C; a repeated key makes it shorter than the pairs
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise StrictJSONError(f"duplicate key {key!r} in an object")
            seen.add(key)
    return out


def _no_constant(name: str):
    raise StrictJSONError(f"{name} is not valid JSON")


# A JSON string (escapes included) and a bracket outside strings: the depth scan skips the
# strings in one regex pass instead of a Python loop over every character (a descriptor of
# 10,000 resources is megabytes long).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _depth(text: str) -> int:
    bare = _STRING.sub("", text).split('"', 1)[0]  # an unterminated string runs to the end
    brackets = _NOT_BRACKET.sub("", bare)
    # The running depth after each bracket, summed in C (map and accumulate), not a Python loop.
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


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
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as e:
        _refuse_depth(text)  # too deep is said first, however else the text is broken
        raise StrictJSONError(e.msg, e.lineno, e.colno) from None
    except StrictJSONError as e:
        _refuse_depth(text)
        if e.message.startswith("a number of"):
            at = re.search(rf"[-0-9.eE+]{{{MAX_JSON_NUMBER_DIGITS + 1},}}", text)
            raise StrictJSONError(
                e.message, *(_line_column(text, at.start()) if at else (None, None))
            ) from None
        kind = "duplicate" if e.message.startswith("duplicate key") else "constant"
        raise StrictJSONError(e.message, *_find(text, kind)) from None
    except RecursionError:
        # The json module recurses once per level: a few thousand nested brackets exhaust
        # the stack, and that is too deep by far.
        _refuse_depth(text)
        raise StrictJSONError("JSON nested too deeply") from None
    # Parsed: the depth of the value is the depth of its brackets, found without scanning
    # the megabytes of text again.
    if _value_depth(value) > MAX_DEPTH:
        _refuse_depth(text)
    return value


def _refuse_depth(text: str) -> None:
    if _depth(text) > MAX_DEPTH:
        raise StrictJSONError(f"JSON nested deeper than {MAX_DEPTH} levels", *_find(text, "depth"))


def _value_depth(value: Any) -> int:
    """How deep lists and objects nest in a parsed value (0 for a scalar), as _depth counts."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                break
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return deepest


def line_of(text: str, key: str, value: Any) -> int | None:
    """The line of the first ``"key": value`` in a JSON text, to point a report at it."""
    match = re.search(
        re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value, ensure_ascii=False)), text
    )
    if match is None:
        match = re.search(re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None
