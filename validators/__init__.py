"""claimtrail: event, actor and claim records with provenance pointers into their sources."""
from __future__ import annotations

__version__ = "0.1.0"

# Heavy modules (pydantic models, frictionless) load on first use so that the command line
# starts fast.
__all__ = ["__version__", "load", "Dataset", "LoadError"]


def __getattr__(name: str):
    if name in ("load", "Dataset", "LoadError"):
        from . import dataset

        return getattr(dataset, name)
    if name == "models":
        from . import models

        return models
    raise AttributeError(f"module 'claimtrail' has no attribute {name!r}")
