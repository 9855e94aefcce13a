"""A release zip unpacked into a folder, as a user works with it."""

from __future__ import annotations

from pathlib import Path

from claimtrail.publish.release import read_release_zip


def members_of(zip_path: Path) -> dict[str, bytes]:
    """The zip's members by their name inside the package (a single top folder, if any, removed)."""
    members = read_release_zip(zip_path)
    tops = {name.split("/", 1)[0] for name in members}
    if len(tops) == 1 and all("/" in name for name in members):
        (top,) = tops
        members = {name[len(top) + 1 :]: data for name, data in members.items()}
    return members


def unpack(members: dict[str, bytes], folder: Path) -> Path:
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder
