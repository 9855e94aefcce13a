"""Issue 10: one package-folder rule for every command, zips read safely as packages,
coverage inside validation, exit codes pipelines can trust, friendly lookups."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO, write_descriptor
from release_package import VERSION, write_package

from claimtrail.cli import main
from claimtrail.files.zipread import ExtractedZip, ZipRefused, extract_zip
from claimtrail.package.folder import NoPackage, find_package, open_package
from claimtrail.publish.release import zip_folder, zip_name
from claimtrail.validation.validate import validate_package

# -- the package-folder rule ------------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the checkout's data/ in a folder of its own, with a sub-folder to work in."""
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    return tmp_path


def test_the_checkouts_data_is_found_from_any_folder_below_it(checkout):
    found = find_package(None, cwd=checkout / "notes" / "deep")
    assert found.origin == "checkout" and found.path == checkout / "data"
    assert found.describe() == f"package: {checkout / 'data'} (the package folder of this checkout)"
    assert find_package(None, cwd=checkout).label == "data"


def test_an_explicit_path_wins_and_the_bundled_copy_is_last(checkout, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(DATA, other / "pkg")
    assert find_package(other / "pkg", cwd=checkout).origin == "given"
    outside = tmp_path_factory.mktemp("outside")
    assert find_package(None, cwd=outside).origin == "bundled"
    with pytest.raises(NoPackage, match="not for editing"):
        find_package(None, writing=True, cwd=outside)


def test_validate_without_a_path_reports_the_checkouts_error_not_the_installed_copy(
    checkout, monkeypatch, capsys
):
    path = checkout / "data" / "claim_attributions.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",direct_quote,", ",direct quote,", 1), encoding="utf-8"
    )
    monkeypatch.chdir(checkout / "notes")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"package: {checkout / 'data'} (the package folder of this checkout)"
    assert any("claim_attributions.csv" in line and "constraint-error" in line for line in out)


def test_commands_that_write_never_use_the_bundled_copy(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["descriptor"]) == 2
    assert main(["fix"]) == 2
    err = capsys.readouterr().err
    assert err.count("not for editing") == 2


def test_the_tests_read_the_checkouts_data():
    assert DATA == REPO / "data" and (DATA / "datapackage.json").is_file()


# -- zips -------------------------------------------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "name, why",
    [
        ("../escape.txt", "would leave"),
        ("a/../../escape.txt", "would leave"),
        ("/etc/passwd", "absolute"),
        ("C:/windows.txt", "absolute"),
        ("a\\b.txt", "unusable name"),
    ],
)
def test_unsafe_entries_are_refused_before_anything_is_written(tmp_path, name, why):
    archive = _zip(tmp_path / "bad.zip", {"ok.txt": b"fine", name: b"x"})
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(ZipRefused, match=why):
        extract_zip(archive, target)
    assert list(target.iterdir()) == [] and not (tmp_path / "escape.txt").exists()


def test_links_and_zip_bombs_and_non_zips_are_refused(tmp_path):
    link = _zip(tmp_path / "link.zip", {"data": b"/etc"}, links=("data",))
    with pytest.raises(ZipRefused, match="not a regular file"):
        extract_zip(link, tmp_path)
    bomb = _zip(tmp_path / "bomb.zip", {"zeros.bin": bytes(5_000_000)})
    assert bomb.stat().st_size < 50_000
    with pytest.raises(ZipRefused, match="zip bomb"):
        with ExtractedZip(bomb, max_bytes=1_000_000):
            pass
    # A descriptor stops at its own limit, far below the zip's: its bytes are not all inflated.
    from claimtrail.files.limits import MAX_DESCRIPTOR_BYTES

    descriptor = _zip(tmp_path / "descriptor.zip", {"pkg/datapackage.json": bytes(MAX_DESCRIPTOR_BYTES + 1)})
    with pytest.raises(ZipRefused, match=r"'pkg/datapackage\.json' decompresses to more than 16777216 bytes"):
        with ExtractedZip(descriptor):
            pass
    ok = _zip(tmp_path / "ok.zip", {"datapackage.json": bytes(MAX_DESCRIPTOR_BYTES)})
    with ExtractedZip(ok) as folder:
        assert (folder / "datapackage.json").stat().st_size == MAX_DESCRIPTOR_BYTES
    many = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(30)})
    with pytest.raises(ZipRefused, match="more than the 10 allowed"):
        with ExtractedZip(many, max_entries=10):
            pass
    (tmp_path / "fake.zip").write_bytes(b"not a zip at all")
    with pytest.raises(ZipRefused, match="not a zip file"):
        with ExtractedZip(tmp_path / "fake.zip"):
            pass


def test_the_private_folder_is_removed_afterwards(tmp_path):
    archive = _zip(tmp_path / "ok.zip", {"pkg/datapackage.json": b"{}"})
    with ExtractedZip(archive) as folder:
        assert (folder / "pkg" / "datapackage.json").is_file()
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not folder.exists()


@pytest.fixture
def release_zip(tricky_dist) -> Path:
    """The zip of release_package's test package (conftest builds it once per run)."""
    return tricky_dist / zip_name(VERSION)


def test_the_release_zip_holds_one_top_level_folder(release_zip):
    with zipfile.ZipFile(release_zip) as z:
        tops = {name.split("/")[0] for name in z.namelist()}
    version = release_zip.name.removeprefix("claimtrail-data-").removesuffix(".zip")
    assert release_zip.name == zip_name(version) and tops == {zip_folder(version)}


def test_validate_and_coverage_accept_the_release_zip(release_zip, capsys):
    assert main(["validate", str(release_zip)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"package: {release_zip}") and "release zip" in out[0]
    assert out[1].startswith(f"valid: {release_zip}:")
    assert main(["coverage", str(release_zip)]) in (0, 1)
    assert "content sentences" in capsys.readouterr().out
    with open_package(release_zip) as package:
        assert package.path.name == zip_folder("1.2.3") and package.origin == "zip"


def test_a_non_zip_is_a_one_line_usage_error(tmp_path, capsys):
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04 truncated")
    assert main(["validate", str(tmp_path / "data.zip")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a zip file" in err and "Traceback" not in err


# -- coverage inside validation ---------------------------------------------------------------


@pytest.fixture
def new_source(checkout, monkeypatch, capsys) -> Path:
    """The checkout after add-source of the example text, with no records yet."""
    monkeypatch.chdir(checkout)
    shutil.copytree(REPO / "docs" / "examples", checkout / "docs" / "examples")
    assert main(["add-source", "docs/examples/story.txt", "--name", "005_wire_story.txt"]) == 0
    capsys.readouterr()
    return checkout / "data"


def test_uncovered_sentences_are_problems_at_their_line_of_the_text(new_source):
    problems = {
        engine: validate_package(new_source, engine=engine).sorted_problems()
        for engine in ("fast", "frictionless")
    }
    assert problems["fast"] == problems["frictionless"]
    assert [(p.path, p.line, p.check) for p in problems["fast"]] == [
        ("sources/005_wire_story.txt", line, "uncovered-sentence") for line in (1, 3, 4)
    ]
    assert "'US strikes militia sites after drone attacks'" in problems["fast"][0].message


def test_partial_coverage_is_declared_once_in_the_descriptor(new_source):
    path = new_source / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["claimtrail"] = {"coverage": "partial"}
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    write_descriptor(new_source)  # regenerating keeps the setting
    assert json.loads(path.read_text(encoding="utf-8"))["claimtrail"] == {"coverage": "partial"}
    from frictionless import Package

    assert not list(Package.metadata_validate(json.loads(path.read_text(encoding="utf-8"))))  # DP v2
    assert validate_package(new_source).valid
    descriptor["claimtrail"] = {"coverage": "most"}
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    write_descriptor(new_source)
    assert [p.check for p in validate_package(new_source).sorted_problems()] == ["coverage-setting"]


# -- fix and diff exit codes --------------------------------------------------------------------


def test_fix_lists_what_it_cannot_repair_and_exits_1(checkout, capsys):
    path = checkout / "data" / "claim_attributions.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",direct_quote,", ",direct quote,", 1), encoding="utf-8"
    )
    write_descriptor(checkout / "data")
    assert main(["fix", str(checkout / "data")]) == 1
    err = capsys.readouterr().err
    assert "nothing to repair" not in err
    assert "1 problem 'fix' cannot repair" in err and "constraint-error" in err


def test_diff_check_fails_when_the_declared_bump_is_too_small(tmp_path, capsys):
    from release_package import METADATA, records

    old = write_package(tmp_path / "old")
    recs = records()
    recs["claim"] = recs["claim"][1:]  # a record removed without a tombstone: a major change
    new = write_package(tmp_path / "new", recs, {**METADATA, "version": "1.2.4"})
    assert main(["diff", str(old), str(new)]) == 0
    assert main(["diff", str(old), str(new), "--check"]) == 1
    assert "smaller than the changes require (major)" in capsys.readouterr().err
    major = write_package(tmp_path / "major", recs, {**METADATA, "version": "2.0.0"})
    assert main(["diff", str(old), str(major), "--check"]) == 0


def test_the_changelog_files_added_items_under_added_and_numbers_them_by_ord(tmp_path, capsys):
    import copy

    from release_package import METADATA, records

    old = write_package(tmp_path / "old")
    recs = records()
    actor = recs["actor"][0]
    actor["names"].append(copy.deepcopy(actor["names"][0]) | {"name": actor["names"][0]["name"] + " Jr"})
    recs["claim"][0]["content"] = recs["claim"][0]["content"].rstrip(".") + " indeed."
    new = write_package(tmp_path / "new", recs, {**METADATA, "version": "1.3.0"})
    assert main(["diff", str(old), str(new), "--changelog"]) == 0
    draft = capsys.readouterr().out
    n = len(actor["names"])
    assert f"### Added\n- actor `{actor['id']}`: names {n} added." in draft
    assert f"### Fixed\n- claim `{recs['claim'][0]['id']}`: content." in draft
    assert ".." not in draft.replace("...", "")


# -- lookups ---------------------------------------------------------------------------------------


def test_unknown_ids_name_the_nearest_ones():
    import claimtrail

    ds = claimtrail.load(DATA)
    with pytest.raises(KeyError, match="nearest: act-john-kirby"):
        ds.actor("act-john-kirb")
    with pytest.raises(KeyError) as info:
        ds.get("zzzz")
    assert "nearest" not in str(info.value)
    assert {"load", "__version__", "Dataset"} <= set(dir(claimtrail))
