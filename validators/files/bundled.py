"""Where the bundled schema and data live, read through importlib.resources.

The wheel maps the repository's schema/ to ``claimtrail.schema`` and data/ to
``claimtrail.data``; a source checkout installed in editable mode maps them the same way (strict mode, by links), or
imports the package from the checkout itself (the default mode), where they sit beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(name: str, probe: str) -> Path:
    # files() of the regular package is a real directory in a wheel install and in a strict
    # editable install; the folders themselves have no __init__.py, so ask the parent.
    folder = Path(str(resources.files("claimtrail").joinpath(name)))
    # A strict editable install links every file back to the checkout; the package is the
    # checkout's folder then (the validator refuses links that lead out of a package).
    marker = folder / probe
    if marker.is_symlink():
        return marker.resolve().parent
    if not marker.is_file():
        # A non-strict editable install imports the package straight from the checkout's
        # validators/ folder, which holds no schema/ or data/: they are its siblings.
        checkout = Path(__file__).resolve().parents[2] / name
        if (checkout / probe).is_file() and (checkout.parent / "pyproject.toml").is_file():
            return checkout
    return folder


def schema_dir() -> Path:
    return _folder("schema", "common.schema.json")


def data_dir() -> Path:
    return _folder("data", "datapackage.json")
