"""claimtrail: event, actor and claim records with provenance pointers into their sources."""
from __future__ import annotations

__version__ = "0.1.0"

# Heavy modules (pydantic models, frictionless) load on first use so that the command line
# starts fast.
__all__ = ["__version__", "load", "Dataset", "LoadError"]


def __getattr__(name: str):
    # import_module, not "from . import x": that form asks this very hook first and recurses.
    from importlib import import_module

    if name in ("load", "Dataset", "LoadError"):
        return getattr(import_module(".dataset", __name__), name)
    if name == "models":
        return import_module(".models", __name__)
    raise AttributeError(f"module 'claimtrail' has no attribute {name!r}")
