"""claimtrail: event, actor and claim records with provenance pointers into their sources."""
from __future__ import annotations


def _installed_version() -> str:
    # One place holds the version: pyproject.toml. The installed metadata carries it (an
    # editable install must be reinstalled after a bump; tests/test_version.py says so).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrail")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"


# Heavy modules (pydantic models, frictionless) load on first use so that the command line
# starts fast.
__all__ = ["__version__", "load", "Dataset", "LoadError"]


def __getattr__(name: str):
    if name == "__version__":
        globals()["__version__"] = value = _installed_version()
        return value
    # import_module, not "from . import x": that form asks this very hook first and recurses.
    from importlib import import_module

    if name in ("load", "Dataset", "LoadError"):
        return getattr(import_module(".dataset", __name__), name)
    if name == "models":
        return import_module(".models", __name__)
    raise AttributeError(f"module 'claimtrail' has no attribute {name!r}")
