"""The source texts a fast run holds (fast/texts.py), and how a large package's are let go once
pointer_rows and the sentence splitting have read them (run.py, let_texts_go): a text asked
for later is read again, and only the bytes that were checked are taken."""

from __future__ import annotations

import hashlib
import importlib.util

import pytest
from conftest import REPO, write_descriptor

from claimtrail.validation.coverage import CoverageError, text_of
from claimtrail.validation.fast import run as fast_run
from claimtrail.validation.fast.tables import Fallback
from claimtrail.validation.fast.texts import SourceTexts
from claimtrail.validation.validate import validate_package


def test_a_text_let_go_is_read_again_once_and_held():
    texts = SourceTexts({"a": "Ülé gone", "b": "Horse riders"})
    asked: list[str] = []

    def read(key: str) -> bytes:
        asked.append(key)
        return {"a": "Ülé gone", "b": "Horse riders"}[key].encode("utf-8")

    texts.let_go(read)
    assert sorted(texts) == ["a", "b"] and "a" in texts and len(texts) == 2
    assert texts["a"] == "Ülé gone" and texts.raw("a") == "Ülé gone".encode()
    assert texts.get("b") == "Horse riders"
    assert asked == ["a", "b"]  # each read once, then held


def test_a_text_read_again_must_be_the_bytes_that_were_checked(tmp_path):
    path = tmp_path / "sources" / "s.txt"
    path.parent.mkdir()
    path.write_bytes(b"Horse riders")
    digests = {"sources/s.txt": (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size)}
    assert fast_run._read_again(tmp_path, "sources/s.txt", digests, Fallback) == b"Horse riders"
    path.write_bytes(b"Horse riders!")
    with pytest.raises(Fallback, match=r"sources/s\.txt changed while it was validated"):
        fast_run._read_again(tmp_path, "sources/s.txt", digests, Fallback)
    path.unlink()
    with pytest.raises(CoverageError, match=r"sources/s\.txt changed while it was validated"):
        fast_run._read_again(tmp_path, "sources/s.txt", digests, CoverageError)
    # The same bytes, now through a link out of sources/: refused, as check_sources refuses it.
    (tmp_path / "elsewhere.txt").write_bytes(b"Horse riders")
    path.symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(Fallback, match="leads out of sources/"):
        fast_run._read_again(tmp_path, "sources/s.txt", digests, Fallback)


def test_coverage_takes_a_text_as_a_function_that_reads_it():
    assert text_of(lambda: "Ülé".encode()) == "Ülé"
    assert text_of(b"ab") == "ab" and text_of("ab") == "ab"


def _generated(root):
    spec = importlib.util.spec_from_file_location("claimtrail_generate", REPO / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(root, 20, seed=7)


def _as_large(monkeypatch) -> list[int]:
    """Validation as of a large package, the sentences split ahead and waited for, so that the
    texts are certain to be let go; returns, as they are, how many texts each let_go let go."""
    let_go: list[int] = []
    original_let_go, original_split = SourceTexts.let_go, fast_run.FastRun.split_ahead

    def counted(self, read):
        let_go.append(len(self))
        original_let_go(self, read)

    def split_now(self):
        original_split(self)
        if self.splitting is not None:
            self.splitting.result()

    monkeypatch.setattr(fast_run, "LARGE_TABLES", 0)
    monkeypatch.setattr(fast_run, "SPLIT_AHEAD_BYTES", 0)
    monkeypatch.setattr(SourceTexts, "let_go", counted)
    monkeypatch.setattr(fast_run.FastRun, "split_ahead", split_now)
    return let_go


@pytest.mark.parametrize("uncoded", ["kept", "emptied"])
def test_a_large_package_lets_its_texts_go_with_the_same_verdict(tmp_path, monkeypatch, uncoded):
    """A generated package validated as a large one is: its texts let go once the pointers'
    quotes are checked and the sentences split (waited for here, so that it is certain), and
    read again where a check or coverage asks (uncoded.csv emptied: coverage quotes the
    sentences no record covers); the report is the one of the texts held."""
    _generated(tmp_path)
    if uncoded == "emptied":
        path = tmp_path / "uncoded.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        write_descriptor(tmp_path)
    held = validate_package(tmp_path)
    let_go = _as_large(monkeypatch)
    report = validate_package(tmp_path)
    assert len(let_go) == 1 and let_go[0] > 0  # every source's text, once
    assert report.valid == held.valid == (uncoded == "kept")
    assert report.steps == held.steps and report.counts == held.counts
    assert report.sorted_problems() == held.sorted_problems()
    if uncoded == "emptied":
        assert {p.check for p in report.sorted_problems()} == {"uncovered-sentence"}


def test_a_run_whose_texts_were_let_go_is_freed_when_it_ends(tmp_path, monkeypatch):
    """The texts' reader holds what it reads from, not the run: a run that held itself would
    keep every frame it read (93 MiB at a million claims) until the collector of cycles came
    by, through coverage, which runs after it."""
    import gc
    import weakref

    _generated(tmp_path)
    runs: list[weakref.ref] = []
    original_init = fast_run.FastRun.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        runs.append(weakref.ref(self))

    let_go = _as_large(monkeypatch)
    monkeypatch.setattr(fast_run.FastRun, "__init__", init)
    enabled = gc.isenabled()
    gc.disable()
    try:
        report = validate_package(tmp_path)
        assert report.valid and len(runs) == 1 and len(let_go) == 1
        assert runs[0]() is None  # freed by reference counting alone
    finally:
        if enabled:
            gc.enable()


def test_a_text_located_ahead_then_replaced_by_a_link_is_refused(bundled_copy, tmp_path, monkeypatch):
    """The fast engine locates the source texts while pointers.csv is read; a text replaced by
    a link out of the package after that is still not read: it is opened without following a
    link, and reported as a link found when the path is resolved would be."""
    first = sorted((bundled_copy / "sources").iterdir())[0]
    outside = tmp_path / "outside.txt"
    outside.write_bytes(first.read_bytes())
    located = []
    locate = fast_run.safe_source_path

    def locate_then_swap(root, relative):
        found = locate(root, relative)
        if relative == f"sources/{first.name}" and not first.is_symlink():
            first.unlink()
            first.symlink_to(outside)
        located.append(relative)
        return found

    monkeypatch.setattr(fast_run, "safe_source_path", locate_then_swap)
    problems = validate_package(bundled_copy, engine="fast").sorted_problems()
    assert f"sources/{first.name}" in located
    assert [(p.check, p.field) for p in problems if p.check.startswith("source")] == [("source-path", "path")]


def test_a_text_coverage_splits_after_all_that_changed_is_reported(tmp_path, monkeypatch):
    """A source accounted for as every pointer left it, but with pointers no content record
    uses (uncoded.csv emptied, its pointers still in pointers.csv), is split at the end, from
    its file read again: a file changed since it was checked is reported, named, as a problem
    of coverage, not raised."""
    _generated(tmp_path)
    uncoded = tmp_path / "uncoded.csv"
    uncoded.write_text(uncoded.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    write_descriptor(tmp_path)
    _as_large(monkeypatch)
    changed: list[str] = []
    original = fast_run.FastRun.coverage_inputs

    def then_changed(self):
        inputs = original(self)
        assert inputs is not None and inputs.sentences is not None
        doubted = [k for k, split in enumerate(inputs.sentences()) if split is None]
        assert doubted and not inputs.accounted & set(doubted)  # split after all
        path = inputs.sources[doubted[0]][1]
        (tmp_path / path).write_bytes((tmp_path / path).read_bytes() + b" ")
        changed.append(path)
        return inputs

    monkeypatch.setattr(fast_run.FastRun, "coverage_inputs", then_changed)
    problems = validate_package(tmp_path).sorted_problems()
    assert [(p.path, p.check) for p in problems] == [(changed[0], "uncovered-sentence")]
    assert "changed while it was validated" in problems[0].message
