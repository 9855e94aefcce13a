"""Which package a command works on: one rule, the same for every command.

1. an explicit PATH (a package folder, or a release zip for the commands that only read);
2. else the package folder of the checkout the working directory is in: the first
   ``data/datapackage.json`` found from the working directory upward;
3. else the copy bundled with the installed package (never for a command that writes: it is
   not the curators' copy).

Inside a checkout the installed copy is therefore never used silently, and every command
prints ``describe()`` first, so the folder it worked on is always named.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claimtrail.files.zipread import ExtractedZip, ZipRefused, is_zip

DESCRIPTOR = "datapackage.json"
CHECKOUT_FOLDER = "data"
# The rule in one sentence, for --help and the README.
RULE = (
    "PATH if given; else the data/ folder of the checkout you are in (the first "
    "data/datapackage.json from the working directory upward); else the bundled copy"
)


class NoPackage(Exception):
    """No package where one was asked for: a usage error (exit 2); the message says why."""


@dataclass(frozen=True)
class PackageFolder:
    path: Path  # the folder holding datapackage.json
    origin: str  # "given", "checkout", "bundled" or "zip"
    label: str  # how to name it to the user (the zip's path for a zip)

    def describe(self) -> str:
        how = {
            "given": "as given",
            "checkout": "the package folder of this checkout",
            "bundled": "the copy bundled with the installed claimtrail",
            "zip": "a release zip, read from a private temporary folder",
        }[self.origin]
        return f"package: {self.label} ({how})"


def shown(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    absolute = Path(os.path.abspath(path))
    here = Path(os.path.abspath(cwd or Path.cwd()))
    try:
        return str(absolute.relative_to(here)) or "."
    except ValueError:
        return str(absolute)


def checkout_package(cwd: Path | None = None) -> Path | None:
    """The first data/datapackage.json from ``cwd`` (default: the working directory) upward."""
    here = Path(os.path.abspath(cwd or Path.cwd()))
    for folder in (here, *here.parents):
        candidate = folder / CHECKOUT_FOLDER
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    return None


def find_package(path: Path | None = None, writing: bool = False, cwd: Path | None = None) -> PackageFolder:
    """The package folder a command works on, by the rule above (a zip is not accepted here:
    use open_package). Raises NoPackage."""
    if path is not None:
        path = Path(path)
        if is_zip(path):
            raise NoPackage(f"{path}: a zip; this command needs a package folder")
        if not path.is_dir():
            what = "no such file or folder" if not path.exists() else "not a directory"
            raise NoPackage(f"{path}: {what} (expected a folder holding {DESCRIPTOR}, or a release zip)")
        if not (path / DESCRIPTOR).is_file():
            raise NoPackage(f"{path}: no {DESCRIPTOR} in this folder")
        return PackageFolder(path, "given", shown(path, cwd))
    found = checkout_package(cwd)
    if found is not None:
        return PackageFolder(found, "checkout", shown(found, cwd))
    if writing:
        raise NoPackage(
            f"no {CHECKOUT_FOLDER}/{DESCRIPTOR} here or above, and the bundled copy is not for editing: "
            "run inside a checkout, or pass --package PATH (PATH for fix and descriptor)"
        )
    from claimtrail.files.bundled import data_dir

    bundled = data_dir()
    if not (bundled / DESCRIPTOR).is_file():
        raise NoPackage(f"{bundled}: the bundled data is missing from this installation")
    return PackageFolder(bundled, "bundled", str(bundled))


def package_in(folder: Path, label: str) -> Path:
    """The package inside an extracted release zip: its one top-level folder, or the zip's root."""
    if (folder / DESCRIPTOR).is_file():
        return folder
    entries = [p for p in folder.iterdir()]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / DESCRIPTOR).is_file():
        return entries[0]
    raise NoPackage(f"{label}: no {DESCRIPTOR} at the top of the zip or in its one top-level folder")


@contextmanager
def open_package(path: Path | None = None, cwd: Path | None = None) -> Iterator[PackageFolder]:
    """find_package for commands that only read, which also accept a release zip: it is
    extracted (safely, see files/zipread.py) into a private temporary folder for the duration."""
    if path is not None and is_zip(Path(path)):
        try:
            with ExtractedZip(Path(path)) as folder:
                yield PackageFolder(package_in(folder, str(path)), "zip", shown(path, cwd))
        except ZipRefused as e:
            raise NoPackage(str(e)) from None
        return
    yield find_package(path, cwd=cwd)
