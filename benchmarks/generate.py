"""Write a seeded synthetic claimtrail package of any size, optionally with seeded errors.

    python benchmarks/generate.py --claims 100000 OUT_DIR
    python benchmarks/generate.py --claims 200 --errors OUT_DIR

The package has every table of the layout (tables the generator knows nothing about are
written with their header only), N claims, N/4 events, N/20 actors and N/100 sources whose
texts are generated here; every pointer's quote is the text at its offsets, and the
descriptor is regenerated with claimtrail.contract.descriptor. Rows are streamed to the files, so
a million claims need little memory.

With --errors, one error of each kind ``claimtrail validate`` reports is written into an
otherwise valid package, and the problems expected are listed in OUT_DIR/errors.json as
(path, line, field, check): physical lines, counted while writing.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from pathlib import Path

from claimtrail.contract.descriptor import (
    DESCRIPTOR,
    PACKAGE_PROFILE,
    RECORDS_LICENSE,
    build_descriptor,
    dumps,
)
from claimtrail.contract.dialect import csv_options
from claimtrail.contract.layout import build_layout
from claimtrail.package.csvio import format_cell

WORDS = (
    "the ministry said strikes were carried out near the border against depots used by militia groups "
    "officials confirmed casualties among fighters while local sources reported damage to houses and roads "
    "a spokesman declined to comment on the operation which followed rocket attacks on a base"
).split()
ACCENTED = ("café", "Dayr az-Zawr", "Bū Kamāl", "naïve", "’s", "—", "Kirkūk", "“sources”")
EVENT_TYPES = (
    "airstrike",
    "rocket_attack",
    "drone_attack",
    "armed_attack",
    "statement",
    "meeting",
    "protest",
)
ROLES = ("carried_out", "targeted", "announced", "blamed", "confirmed")
STANCES = ("asserts", "denies", "hedges", "questions", "unknown")
KINDS = ("person", "organization", "government_body", "state", "armed_group", "media_outlet")
ATTRIBUTION_KINDS = ("direct_quote", "partial_quote", "indirect_speech")


class Package:
    """Open CSV writers for every table, counting the physical line each row starts on."""

    def __init__(self, out: Path):
        self.out = out
        self.layout = build_layout()
        self.files, self.writers, self.headers, self.lines, self.rows = {}, {}, {}, {}, {}
        for table in self.layout.tables:
            f = open(out / table.path, "w", encoding="utf-8", newline="")
            self.files[table.name] = f
            self.writers[table.name] = csv.writer(f, **csv_options())
            self.headers[table.name] = [c.name for c in table.columns]
            self.writers[table.name].writerow(self.headers[table.name])
            self.lines[table.name] = 2
            self.rows[table.name] = 0

    def write(self, table: str, row: dict) -> int:
        """Write one row (missing columns empty); returns the physical line it starts on."""
        cells = [format_cell(row.get(h)) for h in self.headers[table]]
        unknown = set(row) - set(self.headers[table])
        if unknown:
            raise KeyError(f"{table}: no columns {sorted(unknown)}")
        self.writers[table].writerow(cells)
        line = self.lines[table]
        self.lines[table] += 1 + sum(c.count("\n") for c in cells)
        self.rows[table] += 1
        return line

    def close(self) -> None:
        for f in self.files.values():
            f.close()


class Generator:
    def __init__(self, out: Path, claims: int, seed: int, errors: bool):
        self.out = out
        self.n = claims
        self.rng = random.Random(seed)
        self.errors = errors
        self.expected: list[dict] = []
        self.n_sources = max(claims // 100, 6 if errors else 1)
        self.n_events = max(claims // 4, 12 if errors else 1)
        self.n_actors = max(claims // 20, 4 if errors else 1)
        self.n_pointers = 0
        self.pkg = Package(out)
        self.texts: list[tuple[str, int, list[tuple[int, int]]]] = []  # text, boilerplate end, sentence spans
        self.name_pointer: dict[str, str] = {}  # actor id -> the pointer of its first name
        self.pointed: set[tuple[int, int]] = set()  # (source, sentence) a pointer was drawn for

    # -- helpers ------------------------------------------------------------------------------

    def expect(self, path: str, line: int | None, field: str | None, check: str, note: str) -> None:
        self.expected.append({"path": path, "line": line, "field": field, "check": check, "note": note})

    def words(self, lo: int, hi: int, quotes: bool = True) -> str:
        """Random words; ``quotes=False`` for our own prose, where a quotation would have to be
        verbatim from a cited span (the quote-verbatim rule)."""
        r = self.rng
        ws = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
        if r.random() < 0.2:
            ws[r.randrange(len(ws))] = r.choice(ACCENTED if quotes else ACCENTED[:-1])
        return " ".join(ws)

    def pointer(self, source: int | None = None, sentence: int | None = None, **override) -> str:
        """A new pointer to a sentence of a source text (random unless given); returns its id."""
        r = self.rng
        s = r.randrange(self.n_sources) if source is None else source
        text, _, spans = self.texts[s]
        k = r.randrange(len(spans)) if sentence is None else sentence
        start, end = spans[k]
        self.pointed.add((s, k))
        self.n_pointers += 1
        pid = f"ptr-{self.n_pointers:08d}"
        row = {
            "id": pid,
            "source": f"src-{s:06d}",
            "start": start,
            "end": end,
            "quote": text[start:end],
            "prefix": text[start - 6 : start] if r.random() < 0.05 else None,
            "suffix": text[end : end + 6] if r.random() < 0.05 and text[end : end + 6] else None,
        }
        row.update(override)
        self._pointer_line = self.pkg.write("pointers", row)
        self._pointer_row = row
        return pid

    def date(self) -> str:
        return f"2021-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    # -- tables -------------------------------------------------------------------------------

    def sources(self) -> None:
        r = self.rng
        folder = self.out / "sources"
        folder.mkdir(exist_ok=True)
        for s in range(self.n_sources):
            day = self.date()
            header = f"Posted {day} | Share this article\n"
            parts, spans, at = [header], [], len(header)
            for k in range(40):
                sentence = self.words(6, 14).capitalize() + "."
                spans.append((at, at + len(sentence)))
                sep = "\n\n" if k % 6 == 5 else " "
                parts += [sentence, sep]
                at += len(sentence) + len(sep)
            text = "".join(parts)
            self.texts.append((text, len(header), spans))
            data = text.encode("utf-8")
            name = f"sources/{s:06d}.txt"
            (self.out / name).write_bytes(data)
            # The date pointer lies in the metadata line: only content records must avoid it.
            self.n_pointers += 1
            pid = f"ptr-{self.n_pointers:08d}"
            dstart = header.index(day)
            self.pkg.write(
                "pointers",
                {
                    "id": pid,
                    "source": f"src-{s:06d}",
                    "start": dstart,
                    "end": dstart + len(day),
                    "quote": day,
                },
            )
            row = {
                "id": f"src-{s:06d}",
                "path": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "length": len(text),
                "publisher_name": "Example Wire" if s % 2 else None,
                "publisher_basis": "stated" if s % 2 else "unknown",
                "publisher_evidence": "The dateline names it." if s % 2 else None,
                "published_earliest": day,
                "published_latest": day,
                "published_precision": "day",
                "published_basis": "explicit",
                "published_pointer": pid,
                "headline": self.words(4, 8).capitalize() if r.random() < 0.8 else None,
                "language": "en",
            }
            victim = self.errors and s >= self.n_sources - 3
            check = (
                ("source-hash", "source-bytes", "source-length")[self.n_sources - 1 - s] if victim else None
            )
            if check == "source-hash":
                row["sha256"] = hashlib.sha256(b"another capture").hexdigest()
            elif check == "source-bytes":
                row["bytes"] = len(data) + 1
            elif check == "source-length":
                row["length"] = len(text) + 1
            line = self.pkg.write("sources", row)
            if check:
                field = {"source-hash": "sha256", "source-bytes": "bytes", "source-length": "length"}[check]
                self.expect("sources.csv", line, field, check, "source file differs from its row")
                # The descriptor copies the recorded hash and size into the text resource, so
                # frictionless also sees the mismatch.
                if check != "source-length":
                    self.expect(
                        name,
                        None,
                        None,
                        "hash-count" if check == "source-hash" else "byte-count",
                        "text resource differs from its recorded hash or size",
                    )
            brow = {"source": f"src-{s:06d}", "ord": 1, "start": 0, "end": len(header), "kind": "metadata"}
            bline = self.pkg.write("source_boilerplate", brow)
            if self.errors and s == 1:
                # A second span past the end of the text.
                bline = self.pkg.write(
                    "source_boilerplate",
                    {
                        "source": f"src-{s:06d}",
                        "ord": 2,
                        "start": len(text) + 1,
                        "end": len(text) + 40,
                        "kind": "promotion",
                    },
                )
                self.expect(
                    "source_boilerplate.csv", bline, "start", "boilerplate-range", "span past the end"
                )

    def actors(self) -> None:
        r = self.rng
        for a in range(self.n_actors):
            aid = f"act-{a:06d}"
            line = self.pkg.write(
                "actors",
                {
                    "id": aid,
                    "name": f"Actor {a}",
                    "kind": r.choice(KINDS),
                    "description": self.words(3, 8, quotes=False) if r.random() < 0.3 else None,
                },
            )
            if self.errors and a == 1:
                self.expect("actors.csv", line, "id", "record-without-pointer", "actor without names")
            else:
                pid = self.pointer()
                self.name_pointer[aid] = pid  # a participant's pointer names the actor (role-support)
                self.pkg.write(
                    "actor_names",
                    {
                        "actor": aid,
                        "ord": 1,
                        "name": self._pointer_row["quote"][:40].strip() or "x",
                        "form": "full",
                        "misspelled": False,
                        "pointer": pid,
                    },
                )
            if r.random() < 0.1:
                pid = self.pointer()
                self.pkg.write(
                    "actor_roles",
                    {
                        "actor": aid,
                        "ord": 1,
                        "title": "Spokesman",
                        "pointer": pid,
                        "organization": f"act-{r.randrange(self.n_actors):06d}",
                    },
                )
            if r.random() < 0.2:
                self.pkg.write(
                    "actor_identifiers", {"actor": aid, "ord": 1, "scheme": "wikidata", "value": f"Q{a + 1}"}
                )

    def events(self) -> None:
        r = self.rng
        victims = {self.n_events // 2 + k: k for k in range(10)} if self.errors else {}
        for e in range(self.n_events):
            eid = f"evt-{e:07d}"
            v = victims.get(e)
            main = self.pointer(source=0 if v is not None else None)
            day = self.date()
            row = {
                "id": eid,
                "type": r.choice(EVENT_TYPES),
                "codes_acled_event_type": "Explosions/Remote violence",
                "codes_acled_sub_event_type": "Air/drone strike",
                "codes_cameo": "195",
                "codes_plover": "ASSAULT",
                "summary": self.words(5, 12, quotes=False).capitalize() + ".",
                "date_earliest": day,
                "date_latest": day,
                "date_precision": "day",
                "date_basis": "explicit",
                "date_pointer": main,
                "parent": f"evt-{r.randrange(e):07d}" if e and r.random() < 0.1 else None,
            }
            if v == 0:
                row["date_precision"], row["date_latest"] = "range", "2021-13-45"
            elif v == 1:
                row["codes_cameo"] = "19x"
            elif v == 2:
                row["date_precision"], row["date_earliest"], row["date_latest"] = (
                    "range",
                    "2021-06-28",
                    "2021-06-27",
                )
            elif v == 3:
                row["date_earliest"], row["date_latest"] = "2021-06-27", "2021-06-28"
            line = self.pkg.write("events", row)
            if v == 0:
                self.expect("events.csv", line, "date_latest", "type-error", "not a date")
            elif v == 1:
                self.expect("events.csv", line, "codes_cameo", "constraint-error", "pattern")
            elif v == 2:
                self.expect("events.csv", line, "date_earliest", "date-order", "earliest after latest")
            elif v == 3:
                self.expect("events.csv", line, "date_latest", "date-precision", "day with two dates")
            self.pkg.write("event_pointers", {"event": eid, "ord": 1, "pointer": main})
            self.pkg.write(
                "event_locations",
                {
                    "event": eid,
                    "ord": 1,
                    "country": r.choice(("SY", "IQ")),
                    "place": r.choice(ACCENTED[1:3]) if r.random() < 0.5 else None,
                    "precision": "region",
                    "pointer": self.pointer(),
                },
            )
            if r.random() < 0.3 or v in (4, 5, 6, 7):
                low = r.randint(0, 5)
                c = {
                    "event": eid,
                    "ord": 1,
                    "kind": "killed",
                    "low": low,
                    "best": low + r.randint(0, 3),
                    "high": low + 4,
                    "status": "reported",
                    "as_reported": None,
                    "pointer": main,
                    "note": "Judgement: synthetic figures, not read from the words.",
                }
                check = field = None
                if v == 4:
                    c["best"], check, field = "many", "type-error", "best"
                elif v == 5:
                    c["low"], c["best"], check, field = -1, 2, "constraint-error", "low"
                elif v == 6:
                    c["low"], c["best"], check, field = 5, 3, "casualty-order", "low"
                elif v == 7:
                    c["status"], check, field = "unknown", "casualty-status", "status"
                cline = self.pkg.write("event_casualties", c)
                if check:
                    self.expect("event_casualties.csv", cline, field, check, "casualty row")
            actor = f"act-{r.randrange(self.n_actors):06d}"
            self.pkg.write(
                "event_participants",
                {
                    "event": eid,
                    "ord": 1,
                    "actor": actor,
                    "role": r.choice(ROLES),
                    "pointer": self.name_pointer.get(actor, main),
                },
            )
            if e and r.random() < 0.1:
                self.pkg.write(
                    "event_relations",
                    {
                        "event": eid,
                        "ord": 1,
                        "relation": "follows",
                        "other_event": f"evt-{r.randrange(e):07d}",
                    },
                )

    def claims(self) -> None:
        r = self.rng
        n = self.n
        victims = {n // 2 + k: k for k in range(14)} if self.errors else {}
        referenced: set[int] = set()
        for c in range(n):
            cid = f"clm-{c:07d}"
            v = victims.get(c)
            if v == 6:
                cid = f"evt-{self.n_events - 1:07d}"  # the id of an event: duplicate across tables
            pointer_override = {}
            if v == 0:
                pointer_override = {"quote": "words that are not in the text"}
            elif v == 1:
                pointer_override = {"end": len(self.texts[0][0]) + 5}
            elif v == 3:
                pointer_override = {"prefix": "nope: "}
            if v == 2:
                self.n_pointers += 1
                pid = f"ptr-{self.n_pointers:08d}"
                text, _head, _ = self.texts[0]
                self.pkg.write(
                    "pointers", {"id": pid, "source": "src-000000", "start": 0, "end": 6, "quote": text[:6]}
                )
            else:
                pid = self.pointer(source=0 if v is not None else None, **pointer_override)
            pline = self._pointer_line
            content = self.words(6, 16, quotes=False).capitalize() + "."
            if r.random() < 0.1:
                content = content[:-1] + ", officials said."
            if r.random() < 0.01:
                content += "\nA second paragraph, after a line break."
            said = (r.random() < 0.5 or v in (8, 9)) and v != 2
            variant = c - 1 - r.randrange(min(c, 50)) if c and r.random() < 0.05 else None
            if variant is not None and variant in victims:
                variant = None
            if variant is not None:
                referenced.add(variant)
            row = {
                "id": cid,
                "claimant": f"act-{r.randrange(self.n_actors):06d}" if r.random() < 0.9 else None,
                "content": content,
                "stance": r.choice(STANCES),
                "variant_of": f"clm-{variant:07d}" if variant is not None else None,
            }
            if said:
                day = self.date()
                row.update(
                    said_earliest=day,
                    said_latest=day,
                    said_precision="day",
                    said_basis="explicit",
                    said_pointer=pid,
                )
            if v == 4:
                row["stance"] = "maybe"
            elif v == 5:
                row["content"] = ""
            elif v == 7:
                row["claimant"] = "act-missing"
            elif v == 8:
                row["said_pointer"] = None
            elif v == 9:
                row["said_precision"] = None  # a half-filled date: the record schema's own report
            line = self.pkg.write("claims", row)
            expected = {
                0: ("pointers.csv", pline, "quote", "pointer-quote"),
                1: ("pointers.csv", pline, "start", "pointer-range"),
                3: ("pointers.csv", pline, "prefix", "pointer-prefix"),
                4: ("claims.csv", line, "stance", "constraint-error"),
                5: ("claims.csv", line, "content", "constraint-error"),
                6: ("claims.csv", line, "id", "duplicate-id"),
                7: ("claims.csv", line, "claimant", "foreign-key"),
                8: ("claims.csv", line, "said_pointer", "date-pointer"),
                9: ("claims.csv", line, "id", "record-schema"),
            }.get(v)
            if expected:
                self.expect(*expected, note=f"claim victim {v}")
            if v == 6:
                self.expect(
                    "claims.csv",
                    line,
                    "id",
                    "constraint-error",
                    "an event id in claims.csv breaks the pattern",
                )
            ord_ = 2 if v == 10 else 1
            eline = self.pkg.write(
                "claim_events", {"claim": cid, "ord": ord_, "event": f"evt-{r.randrange(self.n_events):07d}"}
            )
            if v == 10:
                self.expect("claim_events.csv", eline, "ord", "ord-sequence", "ord starts at 2")
            if r.random() < 0.5:
                self.pkg.write(
                    "claim_actors", {"claim": cid, "ord": 1, "actor": f"act-{r.randrange(self.n_actors):06d}"}
                )
            aline = self.pkg.write(
                "claim_attributions",
                {
                    "claim": cid,
                    "ord": 1,
                    "kind": r.choice(ATTRIBUTION_KINDS),
                    "reported_by": f"act-{r.randrange(self.n_actors):06d}" if r.random() < 0.7 else None,
                    "pointer": pid,
                },
            )
            if v == 2:
                self.expect(
                    "claim_attributions.csv",
                    aline,
                    "pointer",
                    "pointer-in-boilerplate",
                    "pointer in metadata line",
                )
            if v == 11:
                # The same pointer row written twice.
                dup = dict(self._pointer_row)
                self.expect(
                    "pointers.csv", self.pkg.write("pointers", dup), "id", "primary-key", "pointer row twice"
                )

    def discrepancies(self) -> None:
        r = self.rng
        for d in range(max(self.n // 1000, 2)):
            did = f"dis-{d:06d}"
            line = self.pkg.write(
                "discrepancies", {"id": did, "aspect": "spelling", "summary": "Two spellings."}
            )
            self.pkg.write(
                "discrepancy_claims",
                {"discrepancy": did, "ord": 1, "claim": f"clm-{r.randrange(self.n // 4):07d}"},
            )
            versions = 1 if self.errors and d == 0 else 2
            for k in range(versions):
                pid = self.pointer()
                self.pkg.write(
                    "discrepancy_versions",
                    {"discrepancy": did, "ord": k + 1, "value": self._pointer_row["quote"], "pointer": pid},
                )
            if versions == 1:
                self.expect("discrepancies.csv", line, "id", "record-schema", "one version only")

    def uncoded(self) -> None:
        for u in range(max(self.n // 1000, 1)):
            self.pkg.write(
                "uncoded",
                {"id": f"unc-{u:06d}", "reason": "Background paragraph.", "pointer": self.pointer()},
            )
        # Validation checks coverage: every sentence no record drew a pointer for is listed as
        # deliberately uncoded, so that the package stays valid (a few per source at most
        # once the package has a hundred claims per source).
        u = max(self.n // 1000, 1)
        for s, (_, _, spans) in enumerate(self.texts):
            for k in range(len(spans)):
                if (s, k) not in self.pointed:
                    self.pkg.write(
                        "uncoded",
                        {"id": f"unc-{u:06d}", "reason": "Filler sentence.", "pointer": self.pointer(s, k)},
                    )
                    u += 1

    def run(self) -> dict:
        self.sources()
        self.actors()
        self.events()
        self.claims()
        self.discrepancies()
        self.uncoded()
        self.pkg.close()
        metadata = {
            "$schema": PACKAGE_PROFILE,
            "name": "claimtrail-synthetic",
            "title": "Synthetic claimtrail package",
            "version": "0.0.0",
            "licenses": [RECORDS_LICENSE],
        }
        (self.out / DESCRIPTOR).write_text(dumps(build_descriptor(self.out, metadata)), encoding="utf-8")
        return {
            "claims": self.n,
            "rows": self.pkg.rows,
            "total_rows": sum(self.pkg.rows.values()),
            "errors": sorted(self.expected, key=lambda e: (e["path"], e["line"] or 0, e["check"])),
        }


def generate(out: Path, claims: int, seed: int = 1, errors: bool = False) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    manifest = Generator(out, claims, seed, errors).run()
    if errors:
        (out / "errors.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the package into (created)")
    parser.add_argument("--claims", type=int, default=10_000, help="number of claims (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--errors", action="store_true", help="seed one error of each kind; list them in errors.json"
    )
    args = parser.parse_args(argv)
    if args.claims < (40 if args.errors else 1):
        parser.error("--claims must be at least 1 (40 with --errors)")
    manifest = generate(args.out, args.claims, args.seed, args.errors)
    print(
        f"{args.out}: {manifest['total_rows']} rows, {len(manifest['errors'])} seeded errors", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
