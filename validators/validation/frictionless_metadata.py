"""frictionless' metadata check of a descriptor (step 1): its errors in its own words.

The check itself is frictionless' Package.metadata_validate, made cheaper in two ways that
never change its verdict: one text resource of each shape stands for the others, and a
verdict is remembered for the process. A process that has not imported frictionless (the
command line, validating with the fast engine) runs the check in a child process instead,
on the other core, while it reads the tables: importing frictionless and checking a large
descriptor take a second of one core, and nothing else in a valid package needs
frictionless. ``python -m claimtrail.validation.frictionless_metadata`` is that child: on
stdin a line of JSON (the indexes of the resources the descriptor step refused), then the
descriptor's text; on stdout the errors' notes, as a JSON list.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
from collections.abc import Hashable
from typing import Any

from claimtrail.contract.descriptor import PACKAGE_PROFILE, TEXT_RESOURCE_KEYS
from claimtrail.files.jsonload import loads

# Text resources as build_resources writes them: frictionless checks these keys' values for
# their JSON types (and, in a v1 package, the name's pattern) and nothing else.
_VARYING = {"name", "path", "hash", "bytes", "title"}
_PLAIN_NAME = re.compile(r"[-a-z0-9._/]+")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][-A-Za-z0-9._/]*")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def _shape(res: Any) -> Hashable | None:
    """What frictionless' metadata check can tell apart in a plain text resource; None when the
    resource is not plain (then it is checked as it is)."""
    # v2 text resources carry no "type"; a v1 descriptor may say "text".
    if not isinstance(res, dict) or res.get("type", "text") != "text" or not res.keys() <= TEXT_RESOURCE_KEYS:
        return None
    get = res.get
    name, path, sha, size, title, licenses = (
        get("name"),
        get("path"),
        get("hash"),
        get("bytes"),
        get("title"),
        get("licenses"),
    )
    if not (
        type(name) is str
        and _PLAIN_NAME.fullmatch(name)
        and type(path) is str
        and _PLAIN_PATH.fullmatch(path)
        and ".." not in path
        and "//" not in path
        and (sha is None or (type(sha) is str and _SHA256.fullmatch(sha)))
        and (size is None or (type(size) is int and size >= 0))
        and (title is None or (type(title) is str and title))
        and type(licenses) is list
    ):
        return None
    kinds = []
    for x in licenses:  # each licence: a name, and other texts that are not empty
        if type(x) is not dict or not x.get("name") or type(x["name"]) is not str:
            return None
        for v in x.values():
            if type(v) is not str or not v:
                return None
        kinds.append(tuple(sorted((k, v if k == "name" else "") for k, v in x.items())))
    fixed = tuple(sorted((k, None if k in _VARYING else v) for k, v in res.items() if k != "licenses"))
    shape = (fixed, tuple(kinds))
    try:
        hash(shape)  # plain values: the tuple itself is the key
    except TypeError:
        return repr(shape)
    return shape


def metadata_errors(package_class, descriptor: dict[str, Any]) -> list:
    """frictionless' metadata errors of the descriptor, in its own words.

    Checking 10,000 text resources one by one takes seconds: the plain ones (_shape) are told
    apart by nothing frictionless checks but their shape, so one of each shape stands for the
    others. When that shortened descriptor has any error, or names repeat, the whole
    descriptor is checked, so the errors reported are always frictionless' own."""
    resources = descriptor.get("resources")
    if isinstance(resources, list) and len(resources) > 100:
        names = [r.get("name") for r in resources if isinstance(r, dict)]
        if len(set(map(str, names))) == len(names) == len(resources):
            kept, shapes = [], set()
            for res in resources:
                shape = _shape(res)
                if shape is None or shape not in shapes:
                    kept.append(res)
                if shape is not None:
                    shapes.add(shape)
            errors = _frictionless_metadata_errors(package_class, {**descriptor, "resources": kept})
            if not errors:
                return []
    return _frictionless_metadata_errors(package_class, descriptor)


_METADATA_SEEN: dict[str, list] = {}  # descriptor (canonical JSON) -> frictionless' errors
_HEX_HASH = re.compile(r"([A-Za-z0-9-]+:)?[0-9a-f]+")


def _frictionless_metadata_errors(package_class, descriptor: dict[str, Any]) -> list:
    """frictionless' metadata errors of a descriptor, remembered for the process: they depend
    on the descriptor alone (nothing is opened), and a check takes a tenth to a third of a
    second, which a process validating many packages of one shape (a test suite, a CI job)
    pays once. A descriptor without errors also stands for every descriptor of its form
    (_form): after an edit of a table, only the table's hash and size differ."""
    key = json.dumps(descriptor, sort_keys=True, default=str)
    if key not in _METADATA_SEEN:
        form = "form:" + json.dumps(_form(descriptor), sort_keys=True, default=str)
        errors = [] if _METADATA_SEEN.get(form) == [] else list(package_class.metadata_validate(descriptor))
        while len(_METADATA_SEEN) >= 64:
            _METADATA_SEEN.pop(next(iter(_METADATA_SEEN)))
        _METADATA_SEEN[key] = errors
        if not errors:  # an error may quote the values themselves: only the error-free stand in
            _METADATA_SEEN[form] = []
    return list(_METADATA_SEEN[key])


def _form(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The descriptor with each resource's hash digits and positive size replaced by one value
    of the same form (the profiles check a hash's pattern and a size's type; frictionless the
    algorithm, which stays): frictionless says the same of both."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return descriptor
    out = []
    for r in resources:
        if isinstance(r, dict):
            r = dict(r)
            h, size = r.get("hash"), r.get("bytes")
            if isinstance(h, str) and _HEX_HASH.fullmatch(h):
                algorithm, _, digits = h.rpartition(":")
                r["hash"] = (f"{algorithm}:" if algorithm else "") + "0" * len(digits)
            if type(size) is int and size > 0:
                r["bytes"] = 1
        out.append(r)
    return {**descriptor, "resources": out}


def notes(descriptor: dict[str, Any]) -> list[str]:
    """The notes of frictionless' metadata errors of the descriptor, checked in this process."""
    from frictionless import Package

    return [e.note for e in metadata_errors(Package, descriptor)]


def checked_descriptor(descriptor: dict[str, Any], refused: list[int]) -> dict[str, Any]:
    """What frictionless' metadata check is shown of a descriptor: the standard profile (it
    would fetch any other), and not the resources (by index) the descriptor step refused."""
    checked = {k: v for k, v in descriptor.items() if k not in ("$schema", "profile")}
    checked["$schema"] = PACKAGE_PROFILE
    resources = descriptor.get("resources")
    if isinstance(resources, list):
        skip = set(refused)
        checked["resources"] = [r for i, r in enumerate(resources) if i not in skip]
    return checked


_CHILD_SEEN: dict[str, list[str]] = {}  # sha256 of a child's input -> the notes it found


class Verdict:
    """frictionless' metadata errors of one descriptor, known now or being found by a child."""

    def __init__(self, text: str, descriptor: dict[str, Any], refused: list[int], in_child: bool = True):
        """The descriptor as parsed from ``text`` by files.jsonload.loads, less the resources
        ``refused`` (checked_descriptor). ``in_child``: whether a child may run the check (not
        when this process is about to load frictionless anyway, for the reference engine)."""
        self._text, self._refused = text, refused
        self._notes: list[str] | None = None
        self._answer: list[str] | None = None  # the child's notes, once it answered with them
        self._child: subprocess.Popen | None = None
        if not in_child or "frictionless" in sys.modules or not sys.executable:
            self._notes = notes(checked_descriptor(descriptor, refused))  # cheaper here than in a child
            return
        # The child is given the text, not the value: it parses it as this process did, and
        # encoding a large descriptor again would cost this process a quarter of a second.
        given = json.dumps({"refused": refused}).encode() + b"\n" + text.encode("utf-8")
        self._key = hashlib.sha256(given).hexdigest()
        self._notes = _CHILD_SEEN.get(self._key)
        if self._notes is not None:
            return
        try:
            # -P: the current folder is not put on the child's path (a claimtrail/ or
            # frictionless.py there would be imported instead).
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._notes = self._here()
            return
        # The child reads all of its input before it imports anything; a thread feeds it, so
        # that a large descriptor never waits on the pipe here.
        # It is not kept here once the child has it (megabytes at 10,000 resources).
        self._talk = threading.Thread(target=self._communicate, args=(self._child, given), daemon=True)
        self._talk.start()

    def _communicate(self, child: subprocess.Popen, data: bytes) -> None:
        # Written and read here rather than by Popen.communicate, which keeps its input on the
        # Popen object (7 MiB at 10,024 resources, for as long as the verdict is held). The
        # child reads all of its input before it writes anything, so this cannot deadlock.
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(data)
            child.stdin.close()
        except BrokenPipeError:  # the child ended early: its exit code says it failed
            pass
        out = child.stdout.read()
        child.stdout.close()
        child.wait()
        try:
            found = json.loads(out) if child.returncode == 0 else None
        except ValueError:
            found = None
        if isinstance(found, list) and all(isinstance(n, str) for n in found):
            self._answer = found
            self._text = ""  # trusted: the check will not run here (14 MiB at 10,024 resources)

    @property
    def known_to_fail(self) -> bool:
        """Errors are known already (the check ran in this process, or ran before)."""
        return bool(self._notes)

    def notes(self) -> list[str]:
        """The notes, waiting for the child if it still runs. A child that failed in any way
        (killed, out of memory, a broken installation) is not trusted: the check runs here."""
        if self._notes is None:
            assert self._child is not None
            self._talk.join()
            found = self._answer
            if found is not None:  # the child answered with a list of notes
                while len(_CHILD_SEEN) >= 64:
                    _CHILD_SEEN.pop(next(iter(_CHILD_SEEN)))
                _CHILD_SEEN[self._key] = found
                self._notes = found
            else:
                self._notes = self._here()
        return list(self._notes)

    def _here(self) -> list[str]:
        """The check in this process, of the descriptor the child would have checked: parsed
        again from the text, as the descriptor step may have marked resources since."""
        return text_notes(self._text, self._refused)


def text_notes(text: str, refused: list[int]) -> list[str]:
    """The notes of a descriptor's text, parsed as the descriptor step parsed it, less the
    resources it refused: what the child checks, and the parent when the child fails."""
    return notes(checked_descriptor(loads(text), refused))


def _child() -> None:
    head, _, text = sys.stdin.buffer.read().partition(b"\n")
    json.dump(text_notes(text.decode("utf-8"), json.loads(head)["refused"]), sys.stdout)


if __name__ == "__main__":
    _child()
