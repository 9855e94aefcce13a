"""claimtrail: event, actor and claim records with provenance pointers into their sources.

The public API: ``load()`` (a ``Dataset`` of typed records), the generated ``models``,
``validate_package()`` and the ``Report`` of ``Problem`` it returns. The code lives in one folder
per part of the pipeline (docs/architecture.md): files, contract, package, validation,
curation, publish, and the command line on top.
"""

from __future__ import annotations


def _installed_version() -> str:
    # One place holds the version: pyproject.toml. The installed metadata carries it (an
    # editable install must be reinstalled after a bump; tests/unit/test_version.py says so).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrail")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"


# Heavy modules (pydantic models, frictionless) load on first use so that the command line
# starts fast: each public name maps to the module that defines it.
_PUBLIC = {
    "load": "claimtrail.package.dataset",
    "Dataset": "claimtrail.package.dataset",
    "LoadError": "claimtrail.package.dataset",
    "validate_package": "claimtrail.validation.validate",
    "UnreadablePackage": "claimtrail.validation.validate",
    "Report": "claimtrail.contract.problems",
    "Problem": "claimtrail.contract.problems",
}
__all__ = ["__version__", "models", *_PUBLIC]


def __getattr__(name: str):
    from importlib import import_module

    if name == "__version__":
        version = globals()["__version__"] = _installed_version()
        return version
    value: object
    if name == "models":
        value = import_module("claimtrail.contract.models")
    elif name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'claimtrail' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
