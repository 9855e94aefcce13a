"""What a descriptor may not ask of the validator: to fetch a URL, to read a file that is not
a regular file inside the package, or to read a table in a way the package does not use.

Run on the parsed descriptor before frictionless sees it. A URL is refused wherever
frictionless would dereference it (profiles, a resource's path, dialect or schema), except
the specification's own profiles, which are recognised by name and never fetched; a
dialect or schema given as a string (a URL or a file to read) is refused too, as they are
inline in a claimtrail package. Each finding is a (check, field, value, message, fix) tuple;
the resource is then left out of what frictionless reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimtrail.contract.descriptor import DECLARED, STANDARD_PROFILES
from claimtrail.files.safe_open import UnsafeFile, regular_file

Finding = tuple[str, str, Any, str, str | None]


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and ("://" in value or value.startswith("//"))


def _profiles(node: dict[str, Any], where: str) -> list[Finding]:
    out: list[Finding] = []
    for key in ("$schema", "profile"):
        value = node.get(key)
        if _is_url(value) and value not in STANDARD_PROFILES:
            out.append(
                (
                    "descriptor-url",
                    f"{where}{key}",
                    value,
                    f"{key} {value!r} is a URL that is not a standard Data Package profile: "
                    "claimtrail never fetches anything",
                    "use the profile of the specification (run 'claimtrail descriptor')",
                )
            )
    return out


def package_urls(descriptor: dict[str, Any]) -> list[Finding]:
    """URLs at the top of the descriptor that frictionless would fetch."""
    return _profiles(descriptor, "")


def resource_urls(resource: dict[str, Any], i: int) -> list[Finding]:
    """URLs, and dialects or schemas to be read from elsewhere, in one resource."""
    where = f"resources[{i}]."
    out = _profiles(resource, where)
    paths = resource.get("path")
    for path in paths if isinstance(paths, list) else [paths]:
        if _is_url(path):
            out.append(
                (
                    "descriptor-url",
                    f"{where}path",
                    path,
                    f"path {path!r} is a URL: a package's files are inside its folder; claimtrail never fetches anything",
                    "put the file in the package and give its relative path",
                )
            )
    for key in ("dialect", "schema"):
        value = resource.get(key)
        if isinstance(value, str):
            out.append(
                (
                    "descriptor-url",
                    f"{where}{key}",
                    value,
                    f"{key} {value!r} names a file or URL to read: a claimtrail package gives it inline "
                    "(and claimtrail never fetches anything)",
                    "run 'claimtrail descriptor' to regenerate the resources",
                )
            )
        elif isinstance(value, dict):
            out += _profiles(value, f"{where}{key}.")
    return out


def declarations(resource: dict[str, Any], i: int) -> list[Finding]:
    """Declared encoding, format, mediatype, scheme or compression that the file does not use:
    claimtrail reads every table as UTF-8 CSV and every text as UTF-8, uncompressed, so any
    other declaration would be silently ignored by one reader and honoured by another."""
    # A table resource says so ("type": "table") and has a schema; a source text has neither
    # (Data Package v2 knows only the type "table").
    table = resource.get("type") == "table" or "schema" in resource
    expected = DECLARED["table"] if table else DECLARED["text"]
    out: list[Finding] = []
    for key, want in expected.items():
        value = resource.get(key)
        if value is not None and (not isinstance(value, str) or value.lower() != want):
            out.append(
                (
                    "descriptor-declaration",
                    f"resources[{i}].{key}",
                    value,
                    f"resource {resource.get('name')!r} declares {key} {value!r}, but the package's files "
                    f"are read as {key} {want!r}: a declaration that is not honoured is refused",
                    "run 'claimtrail descriptor' to regenerate the resources",
                )
            )
    for key in ("compression", "innerpath", "dialect"):
        # A dialect given as a string is a file or URL to read: resource_urls reports it. A
        # table's dialect object is compared with the one its CSV is written in by the
        # descriptor step (descriptor-dialect); a text has no dialect.
        if key == "dialect" and (isinstance(resource.get(key), str) or table):
            continue
        if key in resource:
            out.append(
                (
                    "descriptor-declaration",
                    f"resources[{i}].{key}",
                    resource[key],
                    f"resource {resource.get('name')!r} declares {key}, which claimtrail does not honour "
                    "(tables are plain, uncompressed CSV in the default dialect)",
                    "remove it, or run 'claimtrail descriptor' to regenerate the resources",
                )
            )
    return out


def unsafe_file(root: Path, relative: str) -> str | None:
    """Why the file a resource names may not be read (a FIFO, a device, a link out of the
    package), or None when it is a regular file inside it or does not exist."""
    try:
        regular_file(root / relative, root)
    except UnsafeFile as e:
        return None if e.missing else e.reason
    return None
