"""Generate models.py, frozen pydantic v2 models of the records, from the JSON Schemas.

    python -m claimtrail.contract.codegen            # rewrite validators/contract/models.py
    python -m claimtrail.contract.codegen --check    # exit 1 when models.py is not what it would be

Mapping, chosen so that a JSON value is valid under a model if and only if it is valid under
the record's JSON Schema (schemas.record_validator; tests/unit/test_models.py checks it):

- an object is a class deriving from model_base.Record (frozen, extra fields forbidden);
  every property must be required, so every field is required (``T`` or ``T | None``);
- ``anyOf: [X, {"type": "null"}]``, ``"type": [X, "null"]`` and ``null`` in an enum add
  ``| None``;
- a string is ``StrictStr`` with ``min_length`` / ``pattern`` (matched with Python's
  ``re.search``, like jsonschema), an alias named after its parent and property when it
  has a pattern; ``"format": "date"`` is model_base.IsoDate;
- an integer is model_base.JsonInt (a StrictInt that also takes a float with no fraction,
  as JSON Schema does) with ``ge`` from ``minimum``; a boolean is ``StrictBool``; an enum
  of strings is a ``Literal`` alias;
- an array is ``tuple[Item, ...]`` with ``min_length`` from ``minItems``;
- ``$ref`` to a record file is that record's class; ``$ref`` to a ``$defs`` entry is a class
  (objects) or a type alias (anything else) named after the entry (date_report ->
  DateReport); inline objects are named after their parent and property, singular for
  array items (Actor.names -> ActorName).

Any keyword outside this list makes the generator fail rather than emit a model that would
accept or reject something the schema does not.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from claimtrail.contract.schemas import RECORD_TYPES, SchemaSet, load_schemas

# Hand-written mixins (model_base.py) that a generated class inherits besides Record.
MIXINS = {"Actor": "ActorMixin", "Claim": "ClaimMixin"}
BASE_CLASS = "Record"

_SOURCE = Path(__file__).resolve()  # through the editable install's symlink, into the repo
DEFAULT_OUT = _SOURCE.with_name("models.py")
LINE = 100

HEADER = """\
# GENERATED FILE - DO NOT EDIT BY HAND.
# Generated from schema/*.schema.json by `python -m claimtrail.contract.codegen`; to change the models,
# change the schemas (or codegen.py / model_base.py) and re-run it. `--check` tells whether
# this file is current.
"""

# Keywords that do not constrain instances. Everything else must be handled explicitly.
_ANNOTATIONS = {"description", "title", "examples", "$comment"}
_KEYWORDS = {
    "object": {"type", "properties", "required", "additionalProperties"},
    "array": {"type", "items", "minItems"},
    "string": {"type", "minLength", "pattern", "format"},
    "integer": {"type", "minimum"},
    "boolean": {"type"},
}
_ROOT_KEYWORDS = {"$schema", "$id", "$defs"}


class UnsupportedSchema(ValueError):
    """A schema construct the generator cannot map to an equivalent pydantic type."""


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith(("ss", "us")):
        return name[:-1]
    return name


def _literal(text: str) -> str:
    """A double-quoted Python string literal (JSON string syntax is valid Python)."""
    return json.dumps(text, ensure_ascii=False)


def _regex_literal(pattern: str) -> str:
    if '"' in pattern or "\n" in pattern or "\r" in pattern or pattern.endswith("\\"):
        return _literal(pattern)
    return f'r"{pattern}"'


def _chunks(text: str, width: int) -> list[str]:
    """Split text at spaces into pieces of about width characters that join back to text."""
    pieces: list[str] = []
    for token in re.findall(r"\S+\s*|\s+", text):
        if pieces and len(pieces[-1]) + len(token) <= width:
            pieces[-1] += token
        else:
            pieces.append(token)
    return pieces or [""]


def _docstring(text: str, indent: str) -> list[str]:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    lines = textwrap.wrap(text, LINE - len(indent) - 6, break_long_words=False, break_on_hyphens=False)
    if len(lines) <= 1 and len(indent) + len(text) + 6 <= LINE:
        return [f'{indent}"""{text}"""']
    return [f'{indent}"""{lines[0]}', *(indent + line for line in lines[1:]), f'{indent}"""']


@dataclass
class _Generator:
    schemas: SchemaSet
    blocks: list[list[str]] = field(default_factory=list)  # aliases and classes, in emission order
    names: list[str] = field(default_factory=list)
    done: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, fragment) -> name
    in_progress: set[str] = field(default_factory=set)
    item_docs: dict[str, str] = field(default_factory=dict)  # class of an array item -> docstring
    imports: dict[str, set[str]] = field(default_factory=dict)

    def use(self, module: str, name: str) -> str:
        self.imports.setdefault(module, set()).add(name)
        return name

    def annotated(self, *parts: str) -> str:
        return f"{self.use('typing', 'Annotated')}[{', '.join(parts)}]"

    def claim_name(self, name: str, where: str) -> None:
        if name in self.names or name in self.in_progress:
            raise UnsupportedSchema(f"{where}: two generated types would be named {name}")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise UnsupportedSchema(f"{where}: {name!r} is not a usable class name")

    # --- schema nodes -> type expressions -------------------------------------------------

    def check_keywords(self, node: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = [k for k in node if k not in allowed and k not in _ANNOTATIONS]
        if unknown:
            raise UnsupportedSchema(f"{where}: cannot map keyword(s) {', '.join(unknown)} in {node}")

    def annotation(self, node: Any, base: str, hint: str, where: str) -> str:
        """The type expression of a schema node; hint names a class or alias it needs."""
        if not isinstance(node, dict):
            raise UnsupportedSchema(f"{where}: boolean schemas are not supported")
        if "$ref" in node:
            self.check_keywords(node, {"$ref"}, where)
            return self.named(node["$ref"], base, where)
        if "anyOf" in node:
            inner = self.annotation(self.without_null(node, where), base, hint, where)
            return inner if inner.endswith(" | None") else f"{inner} | None"
        expression, nullable = self.expression(node, base, hint, where, alias=False)
        return f"{expression} | None" if nullable else expression

    def without_null(self, node: dict[str, Any], where: str) -> Any:
        """The X of ``anyOf: [X, {"type": "null"}]`` (in either order)."""
        self.check_keywords(node, {"anyOf"}, where)
        rest = [a for a in node["anyOf"] if a != {"type": "null"}]
        if len(rest) != 1 or len(node["anyOf"]) != 2:
            raise UnsupportedSchema(f"{where}: anyOf must be one schema and {{'type': 'null'}}")
        return rest[0]

    def types(self, node: dict[str, Any], where: str) -> tuple[str | None, bool]:
        """(the non-null type or None when absent, whether null is allowed by type)."""
        types = node.get("type")
        if types is None:
            return None, True
        if isinstance(types, str):
            return types, types == "null"
        rest = [t for t in types if t != "null"]
        if len(rest) != 1 or len(types) != len(set(types)):
            raise UnsupportedSchema(f"{where}: type must be one type, optionally with null: {types}")
        return rest[0], "null" in types

    def expression(
        self, node: dict[str, Any], base: str, hint: str, where: str, alias: bool
    ) -> tuple[str, bool]:
        """(type expression without null, nullable) of a node that is not a $ref or anyOf.

        alias: the expression is itself being assigned to the name hint (a $defs entry).
        """
        kind, nullable = self.types(node, where)
        if "enum" in node:
            return self.enum(node, kind, nullable, hint, where, alias)
        if kind is None:
            raise UnsupportedSchema(f"{where}: a schema needs a type, an enum, a $ref or an anyOf")
        if kind not in _KEYWORDS:
            raise UnsupportedSchema(f"{where}: type {kind!r} is not supported")
        self.check_keywords(node, _KEYWORDS[kind], where)
        if kind == "object":
            return self.model(hint, node, base, where), nullable
        if kind == "array":
            if "items" not in node:
                raise UnsupportedSchema(f"{where}: an array needs items")
            item = self.annotation(node["items"], base, singular(hint), where + "[]")
            expr = f"tuple[{item}, ...]"
            if node.get("minItems"):
                expr = self.annotated(
                    expr, f"{self.use('pydantic', 'Field')}(min_length={int(node['minItems'])})"
                )
            return expr, nullable
        if kind == "boolean":
            return self.use("pydantic", "StrictBool"), nullable
        if kind == "integer":
            if "minimum" not in node:
                return self.use("model_base", "JsonInt"), nullable
            minimum = node["minimum"]
            if isinstance(minimum, bool) or not isinstance(minimum, (int, float)):
                raise UnsupportedSchema(f"{where}: minimum must be a number")
            # JsonInt spelled out, so that ge applies to the integer itself (see model_base).
            parts = [
                self.use("pydantic", "StrictInt"),
                f"{self.use('pydantic', 'Field')}(ge={minimum!r})",
                self.use("model_base", "WholeFloatAsInt"),
            ]
            return self.annotated(*parts), nullable
        # string
        if "format" in node and node["format"] != "date":
            raise UnsupportedSchema(f"{where}: format {node['format']!r} is not supported")
        if node.get("format") == "date":
            expr = self.use("model_base", "IsoDate")
        else:
            expr = self.use("pydantic", "StrictStr")
        constraints = []
        if node.get("minLength"):
            constraints.append(f"min_length={int(node['minLength'])}")
        if "pattern" in node:
            try:
                re.compile(node["pattern"])
            except re.error as e:
                raise UnsupportedSchema(f"{where}: pattern is not a Python regular expression: {e}") from None
            constraints.append(f"pattern={_regex_literal(node['pattern'])}")
        if constraints:
            expr = self.annotated(
                expr, f"{self.use('pydantic', 'StringConstraints')}({', '.join(constraints)})"
            )
        if "pattern" in node and not alias:
            # A patterned string is a kind of identifier or code: give it a name, as $defs have.
            self.claim_name(hint, where)
            self.add_block(hint, self.assignment(hint, expr, []))
            return hint, nullable
        return expr, nullable

    def enum(
        self, node: dict[str, Any], kind: str | None, type_null: bool, hint: str, where: str, alias: bool
    ) -> tuple[str, bool]:
        self.check_keywords(node, {"enum", "type"}, where)
        if kind not in (None, "string"):
            raise UnsupportedSchema(f"{where}: only enums of strings (and null) are supported")
        values = node["enum"]
        if not values or any(v is not None and not isinstance(v, str) for v in values):
            raise UnsupportedSchema(f"{where}: only enums of strings (and null) are supported")
        if len(set(values)) != len(values):
            raise UnsupportedSchema(f"{where}: repeated enum value")
        # null is allowed when both the enum and the type (if any) allow it.
        nullable = None in values and type_null
        strings = [v for v in values if v is not None]
        if not strings:
            raise UnsupportedSchema(f"{where}: an enum of only null is not supported")
        literal = self.use("typing", "Literal")
        one_line = f"{literal}[{', '.join(map(_literal, strings))}]"
        if alias:
            return one_line, nullable
        self.claim_name(hint, where)
        self.add_block(hint, self.assignment(hint, one_line, [_literal(s) for s in strings]))
        return hint, nullable

    @staticmethod
    def assignment(name: str, one_line: str, items: list[str]) -> list[str]:
        if len(name) + 3 + len(one_line) <= LINE or "[" not in one_line or not one_line.endswith("]"):
            return [f"{name} = {one_line}"]
        head = one_line[: one_line.index("[") + 1]
        items = items or [one_line[len(head) : -1]]
        return [f"{name} = {head}", *(f"    {item}," for item in items), "]"]

    # --- named types -------------------------------------------------------------------------

    def named(self, ref: str, base: str, where: str) -> str:
        file, target = self.schemas.resolve(ref, base)
        fragment = ref.partition("#")[2].rstrip("/")
        key = (file, fragment)
        if key in self.done:
            return self.done[key]
        if fragment == "":
            record_type = file.removesuffix(".schema.json")
            if record_type not in RECORD_TYPES:
                raise UnsupportedSchema(f"{where}: $ref {ref!r} is not a record schema")
            return self.record(record_type)
        match = re.fullmatch(r"/\$defs/([^/]+)", fragment)
        if not match:
            raise UnsupportedSchema(f"{where}: $ref {ref!r} must point to a file or to one of its $defs")
        name = camel(match.group(1))
        if name in self.in_progress:
            raise UnsupportedSchema(f"{where}: recursive reference to {name} is not supported")
        where = f"{file}#{fragment}"
        inner, nullable = target, False
        if isinstance(inner, dict) and "anyOf" in inner:
            inner, nullable = self.without_null(inner, where), True
        if not isinstance(inner, dict):
            raise UnsupportedSchema(f"{where}: boolean schemas are not supported")
        if "$ref" in inner:
            self.check_keywords(inner, {"$ref"}, where)
            expr = self.named(inner["$ref"], file, where)
        else:
            kind, type_null = self.types(inner, where)
            if kind == "object" and "enum" not in inner:
                if nullable or type_null:
                    raise UnsupportedSchema(f"{where}: make the references nullable, not the object")
                self.done[key] = self.model(name, inner, file, where)
                return name
            expr, also_null = self.expression(inner, file, name, where, alias=True)
            nullable = nullable or also_null
        if nullable and not expr.endswith(" | None"):
            expr += " | None"
        self.claim_name(name, where)
        lines = self.assignment(name, expr, [])
        if "description" in target:
            lines += _docstring(target["description"], "")
        self.add_block(name, lines)
        self.done[key] = name
        return name

    def record(self, record_type: str) -> str:
        file = f"{record_type}.schema.json"
        key = (file, "")
        if key not in self.done:
            schema = self.schemas.record_schema(record_type)
            extra = {k: v for k, v in schema.items() if k not in _ROOT_KEYWORDS}
            self.done[key] = self.model(camel(record_type), extra, file, file)
        return self.done[key]

    def model(self, name: str, node: dict[str, Any], base: str, where: str) -> str:
        if name in self.in_progress:
            raise UnsupportedSchema(f"{where}: recursive reference to {name} is not supported")
        self.check_keywords(node, _KEYWORDS["object"], where)
        self.claim_name(name, where)
        properties = node.get("properties") or {}
        if node.get("additionalProperties") is not False:
            raise UnsupportedSchema(f"{where}: objects must set additionalProperties: false")
        if sorted(node.get("required", [])) != sorted(properties):
            raise UnsupportedSchema(
                f"{where}: every property must be required (optional ones nullable), and only those: "
                f"required={node.get('required')}, properties={list(properties)}"
            )
        self.in_progress.add(name)
        fields: list[list[str]] = []
        for prop, sub in properties.items():
            here = f"{where}.{prop}"
            if not prop.isidentifier() or keyword.iskeyword(prop) or prop.startswith(("_", "model_")):
                raise UnsupportedSchema(f"{here}: property name is not usable as a pydantic field")
            if hasattr(BaseModel, prop):
                raise UnsupportedSchema(f"{here}: property name shadows a pydantic BaseModel attribute")
            description = self.description(sub, base)
            if description:
                # An inline object in an array has no description of its own: use the array's.
                self.item_docs[name + camel(singular(prop))] = f"An item of {name}.{prop}: {description}"
            annotation = self.annotation(sub, base, name + camel(prop), here)
            fields.append(self.field_lines(prop, annotation, description))
        self.in_progress.discard(name)

        bases = [self.use("model_base", MIXINS[name])] if name in MIXINS else []
        bases.append(self.use("model_base", BASE_CLASS))
        lines = [f"class {name}({', '.join(bases)}):"]
        doc = node.get("description") or self.item_docs.get(name)
        if doc:
            lines += _docstring(doc, "    ")
        for i, f in enumerate(fields):
            if i or doc:
                lines.append("")
            lines += f
        if not fields and not doc:
            lines.append("    pass")
        self.add_block(name, lines)
        return name

    def description(self, node: dict[str, Any], base: str) -> str | None:
        """The description beside the property, else the one of what it refers to."""
        while isinstance(node, dict):
            if "description" in node:
                return node["description"]
            if "$ref" not in node:
                return None
            base, node = self.schemas.resolve(node["$ref"], base)
        return None

    def field_lines(self, prop: str, annotation: str, description: str | None) -> list[str]:
        if description is None:
            return [f"    {prop}: {annotation}"]
        field_ = self.use("pydantic", "Field")
        one = f"    {prop}: {annotation} = {field_}(description={_literal(description)})"
        if len(one) <= LINE:
            return [one]
        pieces = _chunks(description, LINE - 24)
        lines = [f"    {prop}: {annotation} = {field_}("]
        if len(pieces) == 1:
            lines.append(f"        description={_literal(pieces[0])},")
        else:
            lines.append("        description=(")
            lines += [f"            {_literal(p)}" for p in pieces]
            lines.append("        ),")
        lines.append("    )")
        return lines

    def add_block(self, name: str, lines: list[str]) -> None:
        self.names.append(name)
        self.blocks.append(lines)

    # --- the module ----------------------------------------------------------------------

    def module(self) -> str:
        records = [self.record(rt) for rt in RECORD_TYPES]
        imports = []
        if "typing" in self.imports:
            imports.append(f"from typing import {', '.join(sorted(self.imports['typing']))}")
        if "pydantic" in self.imports:
            imports += ["", f"from pydantic import {', '.join(sorted(self.imports['pydantic']))}"]
        self.use("model_base", BASE_CLASS)
        imports += [
            "",
            f"from claimtrail.contract.model_base import {', '.join(sorted(self.imports['model_base']))}",
        ]

        out = [HEADER.rstrip("\n")]
        out.append('"""Frozen pydantic models of the claimtrail records, generated from the JSON Schemas."""')
        out += ["", *imports, "", "__all__ = ["]
        out += [f"    {_literal(n)}," for n in ["RECORD_MODELS", *self.names]]
        out += ["]"]
        previous_class = True
        for block in self.blocks:
            is_class = block[0].startswith("class ")
            out += [""] * (2 if is_class or previous_class else 1) + block
            previous_class = is_class
        out += [
            "",
            "",
            "# The model of each record type, by the name used in schemas.RECORD_TYPES.",
            f"RECORD_MODELS: dict[str, type[{BASE_CLASS}]] = {{",
        ]
        out += [f"    {_literal(rt)}: {name}," for rt, name in zip(RECORD_TYPES, records)]
        out += ["}"]
        return "\n".join(out) + "\n"


def render_models(schemas: SchemaSet) -> str:
    """The source of models.py for a set of schemas."""
    return _Generator(schemas).module()


def default_schema_dir() -> Path | None:
    """The schema/ folder of the source checkout codegen.py lives in; None outside one."""
    repo = _SOURCE.parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "schema").is_dir():
        return repo / "schema"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m claimtrail.contract.codegen",
        description="Generate the pydantic models (models.py) from the JSON Schemas.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"file to write (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help="folder of *.schema.json (default: the repository's schema/)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the file differs from what would be generated",
    )
    args = parser.parse_args(argv)

    folder = args.schema or default_schema_dir()
    schemas = load_schemas(folder.resolve()) if folder else load_schemas()
    source = render_models(schemas)
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    if args.check:
        if current != source:
            state = "is missing" if current is None else "is out of date"
            print(
                f"{args.out} {state}: it differs from what {schemas.folder} generates. "
                "Run `python -m claimtrail.contract.codegen` to regenerate it.",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out} is up to date with {schemas.folder}")
        return 0
    if current != source:
        args.out.write_text(source, encoding="utf-8", newline="\n")
        print(f"wrote {args.out}")
    else:
        print(f"{args.out} is already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
