"""The repairs ``claimtrail fix`` can make without a curator's judgement.

(a) A pointer whose quote is not at its start/end but occurs exactly once in its source
    (once among the places its prefix and suffix fit, when it has them) gets that start/end.
(b) A source whose sha256, bytes or length disagree with its file: bytes and length are
    corrected when the hash still matches (the text is the one that was hashed). A text that
    changed is only accepted when asked (accept_sources, ``--sources``), with a warning that
    every pointer into it must be re-checked, and its pointers are re-checked against it.
(c) A stale descriptor (table hashes and sizes, resources, table schemas) is regenerated.

Everything else, including a quote that occurs nowhere or more than once, is listed for a
curator and left alone. Planning reads only; write() replaces each file atomically.
"""

from __future__ import annotations

import difflib
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from claimtrail.contract.descriptor import DESCRIPTOR, DescriptorError, regenerate
from claimtrail.contract.layout import build_layout
from claimtrail.curation.tables import CurationError, read_table, replace_rows, sha256
from claimtrail.files.atomic import check_target, write_bytes_atomic
from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES, MAX_SOURCE_BYTES, MAX_TABLE_BYTES
from claimtrail.files.safe_open import UnsafeFile, read_regular
from claimtrail.package.locate import find_all, near_miss
from claimtrail.package.paths import safe_source_path


@dataclass
class FixPlan:
    root: Path
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # file -> (current text, repaired text)
    repairs: list[str] = field(default_factory=list)  # what the changes do, one line each
    unresolved: list[str] = field(default_factory=list)  # what needs a curator
    warnings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.changes and not self.unresolved


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdecimal() else None


def _sources(
    plan: FixPlan, table, accept_sources: bool
) -> tuple[dict[str, str], dict[int, dict[str, str]], set[str]]:
    """Texts that pointers may be checked against, sources.csv changes, ids of accepted new texts."""
    texts: dict[str, str] = {}
    changes: dict[int, dict[str, str]] = {}
    accepted: set[str] = set()
    for i, row in enumerate(table.rows):
        sid, line = row.get("id", ""), table.lines[i + 1]
        where = f"sources.csv:{line}"
        if table.widths[i + 1] != len(table.header):
            continue
        path, why = safe_source_path(plan.root, row.get("path", ""))
        if path is None:
            plan.unresolved.append(f"{where}: {sid}: {why}")
            continue
        try:
            data = read_regular(path, MAX_SOURCE_BYTES, plan.root)
        except UnsafeFile as e:
            plan.unresolved.append(f"{where}: {sid}: {row.get('path')}: {e.reason}")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            plan.unresolved.append(
                f"{where}: {sid}: {row.get('path')} is not UTF-8; restore the text as received"
            )
            continue
        actual = {"sha256": sha256(data), "bytes": str(len(data)), "length": str(len(text))}
        differs = {k: v for k, v in actual.items() if row.get(k) != v}
        if not differs:
            texts[sid] = text
        elif "sha256" not in differs:
            changes[i] = differs
            texts[sid] = text
            plan.repairs.append(
                f"{where}: {sid}: "
                + ", ".join(f"{k} {row.get(k)} -> {v}" for k, v in differs.items())
                + " (the text is the one that was hashed)"
            )
        elif accept_sources:
            changes[i] = differs
            texts[sid] = text
            accepted.add(sid)
            plan.repairs.append(
                f"{where}: {sid}: accepted the re-captured text of {row.get('path')}: "
                + ", ".join(f"{k} {row.get(k)} -> {v}" for k, v in differs.items())
            )
        else:
            plan.unresolved.append(
                f"{where}: {sid}: the text of {row.get('path')} changed after it was hashed "
                f"(sha256 {row.get('sha256')} -> {actual['sha256']}); restore it as received, or if it was "
                f"re-captured on purpose run 'claimtrail fix {plan.root} --sources' and re-check every pointer into it"
            )
    return texts, changes, accepted


@dataclass
class _Tally:
    """Pointers into a source whose text changed: still matching, moved, or lost (their ids)."""

    still: int = 0
    moved: int = 0
    lost: list[str] = field(default_factory=list)


def _pointers(plan: FixPlan, table, texts: dict[str, str], accepted: set[str]) -> dict[int, dict[str, str]]:
    changes: dict[int, dict[str, str]] = {}
    tally: dict[str, _Tally] = {sid: _Tally() for sid in accepted}
    for i, row in enumerate(table.rows):
        pid, sid, line = row.get("id", ""), row.get("source", ""), table.lines[i + 1]
        text = texts.get(sid)
        start, end, quote = _int(row.get("start")), _int(row.get("end")), row.get("quote", "")
        if (
            text is None
            or start is None
            or end is None
            or not quote
            or table.widths[i + 1] != len(table.header)
        ):
            continue  # an unchecked source, or cells validate reports
        if 0 <= start < end <= len(text) and text[start:end] == quote:
            if sid in tally:
                tally[sid].still += 1
            continue
        where = f"pointers.csv:{line}: {pid}"
        hits = find_all(text, quote)
        prefix, suffix = row.get("prefix") or "", row.get("suffix") or ""
        fitting = [
            h
            for h in hits
            if text[max(0, h - len(prefix)) : h] == prefix
            and text[h + len(quote) : h + len(quote) + len(suffix)] == suffix
        ]
        if len(fitting) == 1:
            new = fitting[0]
            changes[i] = {"start": str(new), "end": str(new + len(quote))}
            plan.repairs.append(
                f"{where}: {start}-{end} -> {new}-{new + len(quote)} (the quote occurs there"
                + (" and only there" if len(hits) == 1 else ", the only place its prefix/suffix fit")
                + ")"
            )
            if sid in tally:
                tally[sid].moved += 1
            continue
        if sid in tally:
            tally[sid].lost.append(pid)
        if not hits:
            near = near_miss(text, quote)
            plan.unresolved.append(
                f"{where}: the quote occurs nowhere in {sid}"
                + (f"; {near.describe()}" if near else "; no near miss either")
            )
        else:
            shown = ", ".join(f"{h}-{h + len(quote)}" for h in (fitting or hits)[:5])
            plan.unresolved.append(
                f"{where}: the quote occurs {len(fitting or hits)} times in {sid} ({shown}"
                f"{', ...' if len(fitting or hits) > 5 else ''}); choose one, or give prefix/suffix"
            )
    for sid, t in tally.items():
        plan.warnings.append(
            f"{sid}: its text changed; every pointer into it must be re-checked by a curator, not only the "
            f"offsets, and so must its boilerplate spans in source_boilerplate.csv: {t.still} pointers still "
            f"match, {t.moved} were moved to where their quote now is"
            + (
                f", {len(t.lost)} cannot be placed ({', '.join(t.lost[:10])}{', ...' if len(t.lost) > 10 else ''})"
                if t.lost
                else ""
            )
        )
    return changes


def _descriptor(plan: FixPlan) -> None:
    """Regenerate the descriptor as it would be with the repaired tables."""
    current_path = plan.root / DESCRIPTOR
    with tempfile.TemporaryDirectory(prefix="claimtrail-fix-") as tmp:
        staging = Path(tmp)
        for spec in build_layout().tables:
            source = plan.root / spec.path
            if spec.path in plan.changes:
                (staging / spec.path).write_bytes(plan.changes[spec.path][1].encode("utf-8"))
            elif source.is_file():
                shutil.copyfile(source, staging / spec.path)
        shutil.copyfile(current_path, staging / DESCRIPTOR)
        try:
            current, fresh = regenerate(staging)
        except DescriptorError as e:  # a file missing, or JSON or CSV that cannot be read
            where = str(e).replace(str(staging), str(plan.root))  # name the package's file, not the copy's
            plan.unresolved.append(
                f"{DESCRIPTOR}: not regenerated: {where}; fix it by hand, "
                f"then run 'claimtrail descriptor {plan.root}'"
            )
            return
    current = read_regular(current_path, MAX_DESCRIPTOR_BYTES, plan.root).decode(
        "utf-8", errors="replace"
    )  # as on disk, CRLF and all
    if current != fresh:
        plan.changes[DESCRIPTOR] = (current, fresh)
        plan.repairs.append(f"{DESCRIPTOR}: regenerated (hashes, sizes and schemas of the resources)")


def plan_fixes(root: Path, accept_sources: bool = False) -> FixPlan:
    plan = FixPlan(Path(root))
    sources = read_table(plan.root, "sources")
    pointers = read_table(plan.root, "pointers")
    for table, needed in (
        (sources, ("id", "path", "sha256", "bytes", "length")),
        (pointers, ("id", "source", "start", "end", "quote", "prefix", "suffix")),
    ):
        missing = [c for c in needed if c not in table.header]
        if missing:
            raise CurationError(
                f"{plan.root / table.name}: the header lacks {', '.join(missing)}; fix the header first"
            )
    texts, source_changes, accepted = _sources(plan, sources, accept_sources)
    pointer_changes = _pointers(plan, pointers, texts, accepted)
    for table, changes in ((sources, source_changes), (pointers, pointer_changes)):
        if changes:
            current = read_regular(plan.root / table.name, MAX_TABLE_BYTES, plan.root).decode("utf-8")
            plan.changes[table.name] = (current, replace_rows(current, table, changes))
    _descriptor(plan)
    return plan


def unified_diff(plan: FixPlan, shown_root: str) -> str:
    """The changes as a unified diff with a/ and b/ paths under shown_root (for git apply)."""
    out: list[str] = []
    prefix = shown_root.rstrip("/") + "/" if shown_root not in ("", ".") else ""
    for name, (old, new) in plan.changes.items():
        out.extend(
            difflib.unified_diff(
                _lines(old), _lines(new), fromfile=f"a/{prefix}{name}", tofile=f"b/{prefix}{name}"
            )
        )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in out
    )


def _lines(text: str) -> list[str]:
    # Lines as csv counts them (\n, \r\n, \r), not str.splitlines (which also splits at U+2028).
    return io.StringIO(text, newline="").readlines()


def remaining_problems(plan: FixPlan, label: str | None = None) -> list:
    """The problems validation reports on the package as it would be after the repairs: what
    is left for a curator. Validated in a temporary copy; the package is not touched."""
    from claimtrail.validation.validate import UnreadablePackage, validate_package

    if not plan.changes:
        try:
            return validate_package(plan.root, label=label).sorted_problems()
        except UnreadablePackage as e:
            raise CurationError(str(e)) from None
    with tempfile.TemporaryDirectory(prefix="claimtrail-fix-") as tmp:
        copy = Path(tmp) / "package"
        shutil.copytree(plan.root, copy, symlinks=True)
        for name, (_, new) in plan.changes.items():
            # The copy keeps the package's links as links: replace a link, never write through
            # it (it may lead back into the package being checked).
            (copy / name).unlink(missing_ok=True)
            (copy / name).write_bytes(new.encode("utf-8"))
        return validate_package(copy, label=label or str(plan.root)).sorted_problems()


def write(plan: FixPlan) -> list[str]:
    """Apply the changes, tables before the descriptor; refuses if a file changed since planning."""
    for name, (old, _) in plan.changes.items():
        check_target(plan.root / name)  # a link or a read-only file is refused before anything is written
        if (
            read_regular(plan.root / name, MAX_TABLE_BYTES, plan.root).decode("utf-8", errors="replace")
            != old
        ):
            raise CurationError(f"{plan.root / name} changed while the repairs were planned; run fix again")
    written = []
    for name in sorted(plan.changes, key=lambda n: n == DESCRIPTOR):
        write_bytes_atomic(plan.root / name, plan.changes[name][1].encode("utf-8"))
        written.append(str(plan.root / name))
    return written
