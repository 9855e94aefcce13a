"""Where the bundled schema and data live, read through importlib.resources.

The wheel maps the repository's schema/ to ``claimtrail.schema`` and data/ to
``claimtrail.data``; a source checkout installed in editable mode maps them the same way.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(name: str) -> Path:
    # files() of the regular package is a real directory in a wheel install and in a strict
    # editable install; the folders themselves have no __init__.py, so ask the parent.
    return Path(str(resources.files("claimtrail").joinpath(name)))


def schema_dir() -> Path:
    return _folder("schema")


def data_dir() -> Path:
    return _folder("data")
