"""The fast engine against the reference (frictionless) engine, on generated packages.

benchmarks/generate.py writes a package with one error of every kind validate reports; both
engines must report the same problems (file, line, column, field, check and wording), and
every error the generator seeded. Files whose structure the fast engine cannot vouch for go
to the reference engine, with the same result.
"""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest
from conftest import DATA, PROFILE, write_descriptor
from helpers import read_rows, write_rows

from claimtrail.contract.dialect import TABLE_DIALECT
from claimtrail.contract.layout import build_layout
from claimtrail.contract.problems import Report
from claimtrail.validation.fast.run import run_fast
from claimtrail.validation.progress import Progress
from claimtrail.validation.validate import validate_package

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("claimtrail_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seeded")
    _generator().generate(root, 200, seed=3, errors=True)
    return root


def keys(report: Report) -> set[tuple]:
    return {(p.path, p.line, p.field, p.check) for p in report.sorted_problems()}


def fast_only(root: Path) -> tuple[Report, str | None]:
    """The fast engine alone: its report, and why it handed the package back (None if it did not)."""
    from claimtrail.validation.validate import _check_descriptor

    report = Report(str(root))
    descriptor, metadata = _check_descriptor(root, build_layout(), report)
    metadata.report(report)
    return report, run_fast(root, descriptor, build_layout(), report).fallback


def test_fast_engine_handles_the_seeded_package_itself(seeded, readings):
    report, fallback = fast_only(seeded)
    assert fallback is None
    assert report.steps == ["descriptor", "tables", "records", "references"][1:]


def test_both_engines_report_the_same_problems(seeded, readings):
    fast = validate_package(seeded, engine="fast")
    reference = validate_package(seeded, engine="frictionless")
    assert keys(fast) == keys(reference)
    assert fast.sorted_problems() == reference.sorted_problems()  # wording, columns, hints too
    assert fast.counts == reference.counts
    assert fast.steps == reference.steps


def test_every_seeded_error_is_reported(seeded, readings):
    manifest = json.loads((seeded / "errors.json").read_text(encoding="utf-8"))
    expected = {(e["path"], e["line"], e["field"], e["check"]) for e in manifest["errors"]}
    checks = {e["check"] for e in manifest["errors"]}
    # One of each frictionless table error we rely on, and of the package's own checks.
    assert {
        "type-error",
        "constraint-error",
        "primary-key",
        "foreign-key",
        "hash-count",
        "byte-count",
        "pointer-quote",
        "pointer-range",
        "pointer-in-boilerplate",
        "date-order",
        "casualty-order",
        "duplicate-id",
        "record-without-pointer",
        "ord-sequence",
        "source-hash",
        "record-schema",
    } <= checks
    assert keys(validate_package(seeded, engine="fast")) == expected


def test_a_valid_package_is_valid_for_both(tmp_path):
    _generator().generate(tmp_path, 120, seed=5)
    assert validate_package(tmp_path, engine="fast").valid
    assert validate_package(tmp_path, engine="frictionless").valid
    assert fast_only(tmp_path)[1] is None


def test_uncovered_sentences_are_the_same_problems_for_both(tmp_path, monkeypatch):
    # Coverage is the last step of both engines: the same function, the same problems.
    _generator().generate(tmp_path, 20, seed=7)
    path = tmp_path / "uncoded.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "Filler sentence." not in line]
    assert len(kept) < len(lines)
    path.write_text("".join(kept), encoding="utf-8")
    write_descriptor(tmp_path)
    fast, reference = (validate_package(tmp_path, engine=e) for e in ("fast", "frictionless"))
    assert fast.sorted_problems() == reference.sorted_problems()
    # (the splitter may join two generated sentences, which one pointer then covers)
    assert 0 < len(fast.sorted_problems()) <= len(lines) - len(kept)
    assert {p.check for p in fast.sorted_problems()} == {"uncovered-sentence"}
    assert fast.steps == reference.steps and fast.steps[-1] == "coverage"
    assert fast_only(tmp_path)[1] is None
    # Long texts are split in a second thread while the tables are checked: the same problems.
    import threading

    from claimtrail.validation.coverage import content_sentences
    from claimtrail.validation.fast import run

    threads = []

    def split(sources):
        threads.append(threading.current_thread())
        return content_sentences(sources)

    monkeypatch.setattr(run, "SPLIT_AHEAD_BYTES", 0)
    monkeypatch.setattr(run, "content_sentences", split)
    assert validate_package(tmp_path).sorted_problems() == reference.sorted_problems()
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def _spans(inputs) -> list[tuple]:
    return sorted(inputs.spans.iter_rows())


@pytest.mark.parametrize("where", ["bundled", "generated"])
def test_the_fast_engine_hands_coverage_what_the_files_hold(tmp_path, monkeypatch, where):
    # Coverage reads from the run what the run has read (texts, spans, the pointers content
    # records use, the sentences split ahead): it must be what reading the files gives,
    # source for source.
    from claimtrail.validation.coverage import content_sentences, measure, read_inputs, text_of
    from claimtrail.validation.fast import run as fast_run
    from claimtrail.validation.validate import _check_descriptor

    monkeypatch.setattr(fast_run, "SPLIT_AHEAD_BYTES", 0)  # split ahead, as for a large package

    if where == "generated":
        _generator().generate(tmp_path, 120, seed=5)
        root = tmp_path
    else:
        root = REPO / "data"
    report = Report(str(root))
    descriptor, metadata = _check_descriptor(root, build_layout(), report)
    metadata.report(report)
    outcome = run_fast(root, descriptor, build_layout(), report)
    assert outcome.fallback is None and outcome.coverage is not None and report.valid
    files = read_inputs(root)
    # The run holds each text as its UTF-8 bytes; decoded, they are the files' texts.
    assert [(*rest, text_of(text)) for *rest, text in outcome.coverage.sources] == files.sources
    assert outcome.coverage.sentences is not None
    # A source split ahead has the files' sentences. One not split was accounted for as
    # every pointer left it; it still is if the pointers no content record uses change
    # nothing (else coverage splits it), and then no sentence of it is unaccounted, when
    # measured in full.
    given, expected = outcome.coverage.sentences(), content_sentences(files.sources)
    assert [g for g in given if g is not None] == [e for g, e in zip(given, expected) if g is not None]
    assert outcome.coverage.accounted <= {k for k, g in enumerate(given) if g is None}
    if where == "generated":  # its pointers cover whole sentences: nothing is split
        assert given == [None] and outcome.coverage.accounted == {0}
    measured = measure(root, count_chars=False)
    for k in outcome.coverage.accounted:
        assert [s.status for s in measured[k].sentences if s.status == "unaccounted"] == []
    assert _spans(outcome.coverage) == _spans(files) and len(_spans(files)) > 100
    assert {d for *_, d in _spans(files)} == {False, True}


def _break(root: Path, table: str, edit) -> None:
    path = root / table
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    write_descriptor(root)


@pytest.mark.parametrize(
    "name, table, edit",
    [
        (
            "quoted line breaks shift the lines",
            "claims.csv",
            lambda text: text.replace("\n", "\n", 1).replace(",asserts,", ',"asserts\nwith a\nbreak",', 1),
        ),
        ("a ragged row", "actors.csv", lambda text: text.replace("\n", ",extra\n", 2)),
        (
            "a missing cell",
            "events.csv",
            lambda text: "\n".join(
                [text.split("\n")[0], text.split("\n")[1].rsplit(",", 1)[0], *text.split("\n")[2:]]
            ),
        ),
        ("a blank line", "claims.csv", lambda text: text.replace("\n", "\n\n", 2)),
        ("a stray quote", "claims.csv", lambda text: text.replace(",asserts,", ',ass"erts,', 1)),
        ("a wrong header", "uncoded.csv", lambda text: text.replace("reason", "why", 1)),
        ("CRLF line ends", "actors.csv", lambda text: text.replace("\n", "\r\n")),
    ],
)
def test_structure_problems_give_the_reference_verdict(tmp_path, name, table, edit):
    _generator().generate(tmp_path, 60, seed=7)
    _break(tmp_path, table, edit)
    fast = validate_package(tmp_path, engine="fast")
    reference = validate_package(tmp_path, engine="frictionless")
    assert fast.sorted_problems() == reference.sorted_problems(), name


def test_quoted_line_breaks_are_read_by_the_fast_engine_itself(tmp_path):
    _generator().generate(tmp_path, 60, seed=7)
    _break(tmp_path, "claims.csv", lambda text: text.replace(",asserts,", ',"two\nlines",', 2))
    report, fallback = fast_only(tmp_path)
    assert fallback is None
    reference = validate_package(tmp_path, engine="frictionless")
    assert report.sorted_problems() == reference.sorted_problems()
    assert {p.check for p in report.sorted_problems()} == {"constraint-error"}
    lines = (tmp_path / "claims.csv").read_text(encoding="utf-8").split("\n")
    second = next(p for p in report.sorted_problems() if p.line > 3)
    assert lines[second.line - 1].startswith("clm-")  # the physical line where that row starts


def test_the_declared_dialect_is_read_by_the_fast_engine_itself():
    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    assert tables and all(r["dialect"] == TABLE_DIALECT for r in tables)
    report, fallback = fast_only(REPO / "data")
    assert fallback is None and report.valid


def _declare(root: Path, table: str, dialect) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    if dialect is None:
        del resource["dialect"]
    else:
        resource["dialect"] = dialect
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_another_dialect_is_read_as_declared_by_the_reference_engine(small_package):
    _declare(small_package, "actors", {**TABLE_DIALECT, "delimiter": ";"})
    _, fallback = fast_only(small_package)
    assert fallback is not None and "a dialect other than the writer's" in fallback
    reference = validate_package(small_package, engine="frictionless")
    found = {(p.path, p.check) for p in reference.problems}
    assert ("datapackage.json", "descriptor-dialect") in found
    # Read with ';' as declared, not sniffed: the whole header line is one label.
    assert ("actors.csv", "incorrect-label") in found
    assert validate_package(small_package).sorted_problems() == reference.sorted_problems()


def test_a_table_without_a_dialect_is_reported_and_read_as_before(small_package):
    _declare(small_package, "claims", None)
    report, fallback = fast_only(small_package)
    assert fallback is None
    [problem] = report.problems
    assert (problem.check, problem.found) == ("descriptor-dialect", "no dialect")
    reference = validate_package(small_package, engine="frictionless")
    assert [(p.check, p.found) for p in reference.problems] == [("descriptor-dialect", "no dialect")]


def test_progress_is_silent_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream)
    progress("tables: claims.csv")
    progress.done()
    assert stream.getvalue() == ""


def test_progress_rewrites_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream)
    progress("tables: claims.csv")
    progress("records: claim")
    progress.done()
    out = stream.getvalue()
    assert "\n" not in out and out.count("\r") >= 3 and "records: claim" in out


def test_every_value_of_the_bundled_schemas_is_decided_by_a_table_field():
    """The fast record-schema check leans on the table checks for covered sub-schemas; this
    says which are not (checked by jsonschema-rs instead), so a schema change shows here."""
    from claimtrail.contract.schemas import load_schemas
    from claimtrail.validation.fast.records import LeafValidators, leaf_location

    schemas = load_schemas()
    leaves = LeafValidators(schemas)
    layout = build_layout()
    uncovered = [
        f"{t.name}.{c.name}"
        for t in layout.tables
        for c in t.columns
        if c.kind == "value" and not leaves.covered(leaf_location(schemas, t, c))
    ]
    assert uncovered == []
    said = leaf_location(schemas, layout.table("claims"), layout.table("claims").column("said_precision"))
    assert said == "urn:claimtrail:schema:1:common#/$defs/date_report/properties/precision"


def test_jsonschema_rs_judges_the_sub_schemas_the_tables_do_not_carry():
    from claimtrail.contract.schemas import load_schemas
    from claimtrail.validation.fast.records import LeafValidators, leaf_location

    schemas = load_schemas()
    leaves = LeafValidators(schemas)
    events = build_layout().table("events")
    earliest = leaf_location(schemas, events, events.column("date_earliest"))
    assert leaves.bad_indexes(earliest, ["2021-06-27", None, "2021-13-45", "2021-6-7", 5]) == [2, 3, 4]
    pointer = leaf_location(schemas, events, events.column("date_pointer"))
    assert leaves.accepts_null(pointer) and not leaves.accepts_null(
        leaf_location(schemas, events, events.column("id"))
    )


# -- file forms and error kinds the fast engine reads itself ---------------------------------


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"claimtrail_{name}", REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same_verdict_without_fallback(root: Path) -> Report:
    report, fallback = fast_only(root)
    assert fallback is None
    reference = validate_package(root, engine="frictionless")
    assert report.sorted_problems() == reference.sorted_problems()
    assert report.counts == reference.counts
    return report


def test_crlf_line_ends_are_read_by_the_fast_engine_itself(tmp_path):
    import shutil

    root = tmp_path / "crlf"
    shutil.copytree(_seeded_copy(tmp_path), root)
    for table in build_layout().tables:
        path = root / table.path
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    write_descriptor(root)
    report = _same_verdict_without_fallback(root)
    assert {"foreign-key", "pointer-quote", "record-schema"} <= {p.check for p in report.sorted_problems()}


def _seeded_copy(tmp_path: Path) -> Path:
    root = tmp_path / "seeded"
    if not root.exists():
        _generator().generate(root, 80, seed=11, errors=True)
    return root


def test_a_declared_dialect_is_read_by_the_fast_engine_itself(tmp_path):
    root = _seeded_copy(tmp_path)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource.get("type") == "table":
            resource["dialect"] = {
                "$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                "delimiter": ",",
                "quoteChar": '"',
                "doubleQuote": True,
                "header": True,
                "lineTerminator": "\n",
            }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    _same_verdict_without_fallback(root)


def test_another_dialect_goes_to_the_reference_engine(tmp_path):
    root = tmp_path / "semicolons"
    _generator().generate(root, 40, seed=2)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["dialect"] = {"delimiter": ";"}
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    _, fallback = fast_only(root)
    assert fallback and "dialect" in fallback
    assert (
        validate_package(root).sorted_problems()
        == validate_package(root, engine="frictionless").sorted_problems()
    )


def _many_errors(tmp_path: Path) -> Path:
    """600 claims, each with a dangling claimant and a stance outside the enum, and 60 shifted
    pointers (benchmarks/invalid.py)."""
    import polars as pl

    valid = tmp_path / "valid"
    _generator().generate(valid, 600, seed=4)
    root = tmp_path / "invalid"
    counts = _load("invalid").make_invalid(valid, root)
    assert set(counts.values()) == {60}
    claims = pl.read_csv(root / "claims.csv", infer_schema=False)
    claims = claims.with_columns(pl.lit("asserted").alias("stance"), pl.format("act-{}x", pl.col("claimant")))
    claims.write_csv(root / "claims.csv", line_terminator="\n")
    write_descriptor(root)
    return root


def _assembled(monkeypatch, first: int) -> list[tuple[int, int]]:
    """Let the fast engine assemble at first ``first`` of the records only the record schema
    reads (SCHEMA_FIRST), and record each assembly of claims: (ids asked for, candidates)."""
    from claimtrail.validation.fast import run

    monkeypatch.setattr(run, "SCHEMA_FIRST", first)
    asked: list[tuple[int, int]] = []
    original = run.FastRun.candidate_rows

    def candidate_rows(self, g, specs, ids):
        if g.record_type == "claim":
            asked.append((len(ids), len(g.ids)))
        return original(self, g, specs, ids)

    monkeypatch.setattr(run.FastRun, "candidate_rows", candidate_rows)
    return asked


def test_the_steps_and_the_report_stop_at_their_limit_alike(tmp_path, monkeypatch):
    """Past the limit of problems (lowered here from 1,000 to 40), the record schema and the
    pointer check stop at the same record in both engines, and the report lists the first
    problems of each file by line, then says that there are more. The fast engine assembles
    the first 50 claims only the record schema reads: it stops among them."""
    from claimtrail.contract import problems
    from claimtrail.validation import checks, record_schemas

    limit = 40
    for module in (problems, checks, record_schemas):
        monkeypatch.setattr(module, "MAX_PROBLEMS", limit)
    asked = _assembled(monkeypatch, 50)
    report = _same_verdict_without_fallback(_many_errors(tmp_path))
    [(part, candidates)] = asked  # assembled once, a part of them
    assert part < candidates - 500, asked
    listed: dict[str, list] = {}
    for p in report.sorted_problems():
        listed.setdefault(p.path, []).append(p)
    notes = {path: [p for p in ps if p.check == "limit-problems"] for path, ps in listed.items()}
    for path in ("claims.csv", "pointers.csv"):
        assert len(notes[path]) == 1, path
        rest = [p for p in listed[path] if p.check != "limit-problems"]
        assert len(rest) == limit, path
        lines = [p.line for p in rest]
        assert lines == sorted(lines)
    assert "records after them were not checked" in notes["claims.csv"][0].message
    assert "pointers after them were not checked" in notes["pointers.csv"][0].message
    # The record schema stopped: of 600 failing claims, at most the first 40 were checked.
    schema = [p for p in report.problems if p.check == "record-schema" and p.path == "claims.csv"]
    assert 0 < len({p.line for p in schema}) <= limit


def test_items_of_a_refused_root_table_do_not_count_as_records_to_assemble(tmp_path, monkeypatch):
    """claims.csv refused, every claim_attributions row with a kind outside its enum: their
    parent ids are not claims the run read, and the first part of the candidates (lowered here
    to 3) is counted among the claims' own ids. Each row's lookup into claims.csv fails too:
    frictionless counts those errors towards its 1,000 of the table before the reference drops
    them, so past 500 rows only the first 500 enum errors are reported, by both engines."""
    from hostile import replace_with

    from claimtrail.validation.fast import run

    monkeypatch.setattr(run, "SCHEMA_FIRST", 3)
    _generator().generate(tmp_path, 560, seed=7)
    path = tmp_path / "claim_attributions.csv"
    rows = read_rows(path)
    for row in rows[1:]:
        row[rows[0].index("kind")] = "not-a-kind"
    write_rows(path, rows)
    write_descriptor(tmp_path)
    replace_with(tmp_path, "claims.csv", "fifo")
    assert len(rows) > 501
    report = _same_verdict_without_fallback(tmp_path)
    assert ("unsafe-file", "claims.csv") in {(p.check, p.path) for p in report.sorted_problems()}
    enum = [p for p in report.sorted_problems() if p.path == "claim_attributions.csv"]
    assert len(enum) == 500 and {p.check for p in enum} == {"constraint-error"}


def test_many_errors_of_the_benchmark_kinds_give_the_same_report(tmp_path, monkeypatch, readings):
    """Dangling foreign keys, shifted pointers and values outside an enum (benchmarks/invalid.py),
    past frictionless' 1000 errors per table in claims.csv: capped alike, hints alike. The fast
    engine assembles at first 10 of the claims only the record schema reads; it does not reach
    its limit among them (600 claims fail), so it assembles them all after all."""
    asked = _assembled(monkeypatch, 10)
    report = _same_verdict_without_fallback(_many_errors(tmp_path))
    (part, candidates), (everything, _) = asked
    assert part < candidates == everything, asked
    by_check = {}
    for p in report.sorted_problems():
        by_check.setdefault((p.path, p.check), []).append(p)
    assert (
        len(by_check[("claims.csv", "constraint-error")]) + len(by_check[("claims.csv", "foreign-key")])
        == 1000
    )
    assert (
        len(by_check[("pointers.csv", "pointer-quote")])
        + len(by_check.get(("pointers.csv", "pointer-range"), []))
        >= 60
    )
    hints = [p.fix for p in by_check[("claims.csv", "foreign-key")]]
    assert any("did you mean 'act-" in h for h in hints)


def test_hints_look_at_a_bounded_number_of_ids():
    from claimtrail.validation.hints import NEIGHBOURS, Suggester

    ids = [f"clm-{i:07d}" for i in range(100_000)] + ["clm-john-kirby-said"]
    suggester = Suggester(ids)
    assert len(suggester.candidates("clm-0001234x")) <= 4 * NEIGHBOURS
    assert suggester.hint("clm-0001234x") == "; did you mean 'clm-0001234'?"
    assert suggester.hint("xlm-0001234") == "; did you mean 'clm-0001234'?"  # the end kept
    assert suggester.hint("clm-john-kirby-sad") == "; did you mean 'clm-john-kirby-said'?"
    assert suggester.hint("nothing like it") == ""
    small = Suggester(["act-john-kirby", "act-joe-biden"])
    assert small.candidates("x") == ["act-joe-biden", "act-john-kirby"]  # short lists whole


def test_the_descriptor_check_of_many_texts_reports_frictionless_own_errors(tmp_path):
    from frictionless import Package

    from claimtrail.validation.frictionless_metadata import metadata_errors

    root = tmp_path / "many"
    _generator().generate(root, 40, seed=1)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    text = next(r for r in descriptor["resources"] if "schema" not in r)  # a source text: no type in v2
    for i in range(150):  # enough texts for the shortened check to apply
        descriptor["resources"].append({**text, "name": f"src-{900000 + i}", "path": f"sources/{i}.txt"})
    assert metadata_errors(Package, descriptor) == []
    descriptor["resources"][-3]["bytes"] = "many"
    descriptor["resources"][-7]["title"] = 5
    shortened = [e.note for e in metadata_errors(Package, descriptor)]
    assert shortened == [e.note for e in Package.metadata_validate(descriptor)] and len(shortened) == 2


def test_a_descriptor_of_a_checked_form_is_not_checked_again_but_a_wrong_hash_or_size_is(tmp_path):
    from frictionless import Package

    from claimtrail.validation.frictionless_metadata import metadata_errors

    class Counted(Package):  # frictionless' own check, counted
        calls = 0

        @classmethod
        def metadata_validate(cls, descriptor, **kw):
            Counted.calls += 1
            return Package.metadata_validate(descriptor, **kw)

    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = f"a form of its own {tmp_path.name}"  # not seen by another test
    table = next(r for r in descriptor["resources"] if r["name"] == "actors")
    assert metadata_errors(Counted, descriptor) == [] and Counted.calls == 1
    # An edit of actors.csv: another hash and size, of the same form.
    table["hash"], table["bytes"] = "sha256:" + "ab" * 32, table["bytes"] + 17
    assert metadata_errors(Counted, descriptor) == [] and Counted.calls == 1
    # Other forms are checked by frictionless itself, and get its verdict.
    for wrong_hash, wrong_size in (("sha256:not-hex", 1), (table["hash"], -1), (table["hash"], "many")):
        table["hash"], table["bytes"] = wrong_hash, wrong_size
        calls = Counted.calls
        errors = [e.note for e in metadata_errors(Counted, descriptor)]
        assert Counted.calls == calls + 1, (wrong_hash, wrong_size)
        assert errors == [e.note for e in Package.metadata_validate(descriptor)], (wrong_hash, wrong_size)
    assert errors, "a size that is not an integer is an error"


@pytest.mark.parametrize("damage", ["missing", "link-out", "fifo", "absolute-path"])
def test_a_missing_or_refused_source_text_is_read_by_the_fast_engine_itself(small_package, tmp_path, damage):
    """A text that is not there (frictionless: the file cannot be opened) or that the
    descriptor step refused (not shown to frictionless at all) leaves the tables readable:
    the fast engine reports it with the reference's words and checks the rest itself."""
    import os

    text = sorted((small_package / "sources").iterdir())[0]
    if damage == "missing":
        text.unlink()
    elif damage == "link-out":
        outside = tmp_path / "outside.txt"
        outside.write_bytes(text.read_bytes())
        text.unlink()
        text.symlink_to(outside)
    elif damage == "fifo":
        text.unlink()
        os.mkfifo(text)
    else:
        descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in descriptor["resources"] if r.get("path") == f"sources/{text.name}")
        resource["path"] = str(text)
        (small_package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    report = _same_verdict_without_fallback(small_package)
    where = {(p.path, p.line, p.check) for p in report.sorted_problems()}
    if damage == "absolute-path":  # the descriptor step refuses it, and validation stops there
        assert {p[2] for p in where} == {"descriptor-path"}, where
    else:  # the row of sources.csv naming the text
        assert any(p[:2] == ("sources.csv", 2) for p in where), where


# A table csvio cannot read, and the reference's verdict on it: its one problem, no record
# built from it, and no error of a lookup into it. The default profile damages one table of
# each kind in one way each: a root with items (claims), the pointers every record embeds, an
# item table, the sources (every record read), a table others look into (actors), the
# tombstones. The long profile (HYPOTHESIS_PROFILE=long) damages every table in every way.
DAMAGES = {
    "a byte-order mark": lambda b: b"\xef\xbb\xbf" + b,
    "a NUL byte": lambda b: b.replace(b"\n", b"\n\x00", 1),
    "a byte that is not UTF-8": lambda b: b + b"caf\xe9\n",
    "no bytes at all": lambda b: b"",
    "a quote never closed": lambda b: b + b'"unterminated,x\n',
    "more columns than the limit": lambda b: b",".join(b"c%d" % i for i in range(300)) + b"\n" + b,
}
SAMPLE = dict(
    zip(
        DAMAGES,
        ["claims.csv", "pointers.csv", "claim_events.csv", "sources.csv", "actors.csv", "tombstones.csv"],
    )
)
UNREADABLE = (
    [(damage, table) for damage, table in SAMPLE.items()]
    if PROFILE == "ci"
    else [(damage, t.path) for damage in DAMAGES for t in build_layout().tables]
)


@pytest.mark.parametrize(("damage", "name"), UNREADABLE)
def test_a_table_csvio_cannot_read_is_read_by_the_fast_engine_itself(request, damage, name):
    # The small package by default (the reference engine takes half the time on it), the
    # bundled data under the long profile.
    root = request.getfixturevalue("small_package" if PROFILE == "ci" else "bundled_copy")
    path = root / name
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    try:
        write_descriptor(root)
    except Exception:  # sources.csv unreadable: the descriptor keeps its old hash of it
        assert name == "sources.csv"
    report = _same_verdict_without_fallback(root)
    checks = {p.check for p in report.sorted_problems() if p.path == name}
    assert checks & {"encoding", "empty-file", "csv-syntax", "limit-columns"}, report.sorted_problems()


# A table the descriptor step refuses to open, each kind where a table of another kind was.
REFUSED = [
    ("fifo", "claims.csv"),
    ("/dev/zero", "actors.csv"),
    ("directory", "events.csv"),
    ("outside", "pointers.csv"),
    ("/dev/urandom", "sources.csv"),
]


@pytest.mark.parametrize(("kind", "name"), REFUSED)
def test_a_table_the_descriptor_step_refuses_is_read_by_the_fast_engine_itself(
    small_package, tmp_path, kind, name
):
    """A FIFO, a device, a directory or a link out where a table was: never opened, by
    either engine. csvio's problem names the table, and no record or lookup comes of it."""
    from hostile import replace_with

    outside = tmp_path / "outside.csv"
    outside.write_bytes((small_package / name).read_bytes())
    replace_with(small_package, name, kind, outside)
    report = _same_verdict_without_fallback(small_package)
    assert ("unsafe-file", name) in {(p.check, p.path) for p in report.sorted_problems()}


@pytest.mark.parametrize(
    ("key", "value"),
    [("bytes", "2629"), ("bytes", 2629.5), ("bytes", "2021-06-27"), ("hash", 123), ("title", 5)],
)
def test_a_descriptor_frictionless_finds_invalid_gets_the_reference_verdict(small_package, key, value):
    """A text resource's size, hash or title of the wrong type: frictionless cannot open the
    package. Only the reference says what comes of that, so the fast engine does not try."""
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    text = next(r for r in descriptor["resources"] if r.get("path", "").startswith("sources/"))
    text[key] = value
    (small_package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    fast = validate_package(small_package).sorted_problems()
    assert fast == validate_package(small_package, engine="frictionless").sorted_problems()
    assert any("frictionless cannot open the package" in p.message for p in fast), fast


@pytest.mark.parametrize("shuffled", [False, True])
def test_foreign_keys_into_ids_in_order_and_out_of_order(tmp_path, monkeypatch, shuffled):
    """Ids written in order are searched in the id column itself; out of order, in a sorted
    copy. Either way dangling claimants (one in ten claims) are the reference's problems."""
    import polars as pl

    from claimtrail.validation.fast import run as fast_run

    root = tmp_path / "pkg"
    _generator().generate(root, 200, seed=5)
    actors = pl.read_csv(root / "actors.csv", infer_schema=False)
    if shuffled:
        actors.sample(fraction=1.0, shuffle=True, seed=1).write_csv(root / "actors.csv", line_terminator="\n")
    claims = pl.read_csv(root / "claims.csv", infer_schema=False)
    dangling = pl.int_range(pl.len()) % 10 == 0
    expected = claims.filter(dangling & pl.col("claimant").is_not_null()).height
    claims.with_columns(
        pl.when(dangling)
        .then(pl.format("{}x", pl.col("claimant")))
        .otherwise(pl.col("claimant"))
        .alias("claimant")
    ).write_csv(root / "claims.csv", line_terminator="\n")
    write_descriptor(root)
    searched = {}
    original = fast_run.FastRun.release

    def release(self, name):
        if name == "actors":
            searched["same"] = self.sorted_ids.get("actors") is self.lookups.get("actors")
        original(self, name)

    monkeypatch.setattr(fast_run.FastRun, "release", release)
    report = _same_verdict_without_fallback(root)
    assert searched == {"same": not shuffled}
    assert (
        len([p for p in report.sorted_problems() if p.check == "foreign-key" and p.path == "claims.csv"])
        == expected
        > 10
    )


def test_a_table_is_let_go_before_the_next_is_read(tmp_path):
    """The memory bound: once a table's records are found, its cells are not held while the
    next table of the record type is read (only its ids are kept, for foreign keys)."""
    import gc

    from claimtrail.validation.fast.tables import FastTable
    from claimtrail.validation.validate import _check_descriptor

    root = tmp_path / "pkg"
    _generator().generate(root, 200, seed=7)
    seen: dict[str, list[int]] = {}

    def progress(step: str) -> None:
        if step in ("records: claims.csv", "tables: claim_events.csv"):
            gc.collect()
            seen[step] = [
                o.df.width for o in gc.get_objects() if isinstance(o, FastTable) and o.name == "claims.csv"
            ]

    report = Report(str(root))
    descriptor, metadata = _check_descriptor(root, build_layout(), report)
    metadata.report(report)
    assert run_fast(root, descriptor, build_layout(), report, progress).fallback is None
    assert max(seen["records: claims.csv"]) > 1  # every column, while its records are found
    assert seen["tables: claim_events.csv"] == [1]  # then its ids alone


# Digits that str.isdigit() admits and int() does not read ("²"), and digits of another script
# that int() reads ("٣", three): an ord, a figure or the words a figure is read from.
DIGIT_CELLS = [
    ("ord", "²", {}, "type-error"),
    ("ord", "٣", {}, "ord-sequence"),
    ("best", "²", {"note": ""}, "type-error"),
    ("best", "٣", {"note": ""}, "casualty-support"),
]


@pytest.mark.parametrize(("column", "value", "also", "check"), DIGIT_CELLS)
def test_digits_that_are_not_ascii_get_one_verdict_from_both_engines(tmp_path, column, value, also, check):
    root = tmp_path / "digits"
    _generator().generate(root, 40, seed=5, errors=False)
    rows = read_rows(root / "event_casualties.csv")
    header = rows[0]
    for name, cell in {column: value, **also}.items():
        rows[1][header.index(name)] = cell
    write_rows(root / "event_casualties.csv", rows)
    write_descriptor(root)
    report = _same_verdict_without_fallback(root)
    assert (check, 2) in {
        (p.check, p.line) for p in report.sorted_problems() if p.path == "event_casualties.csv"
    }
