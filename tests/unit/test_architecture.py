"""The package's parts import one way, down the pipeline, with no circle and no private name
taken from another module (docs/architecture.md). Every import counts, also one made inside a
function to keep start-up fast: a lazy import still ties two parts together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "validators"

# Bottom to top. A module may import its own part and the parts before it, never one after.
LAYERS = ("files", "contract", "package", "validation", "curation", "publish", "commands", "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["claimtrail", *parts])


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


MODULES = _modules()


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) for every import of claimtrail in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import; name the module in full"
            if node.module and node.module.split(".")[0] == "claimtrail":
                names = [a.name for a in node.names]
                # "from claimtrail.x import y" where y is itself a module imports that module
                submodules = [f"{node.module}.{n}" for n in names if f"{node.module}.{n}" in MODULES]
                found.append(
                    (node.lineno, node.module, [n for n in names if f"{node.module}.{n}" not in MODULES])
                )
                found.extend((node.lineno, m, []) for m in submodules)
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "claimtrail"
            )
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the top-level package: its lazy public names point down into every part
    return LAYERS.index(parts[1])


def test_every_module_belongs_to_a_layer():
    strays = [m for m in MODULES if m != "claimtrail" and m.split(".")[1] not in LAYERS + ("__main__",)]
    assert not strays, f"modules outside the parts {LAYERS}: {strays}"


def test_imports_run_down_the_pipeline():
    wrong = []
    for module, path in MODULES.items():
        mine = _layer(module) if not module.endswith("__main__") else len(LAYERS)
        for line, target, _ in _imports(path):
            theirs = _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                wrong.append(
                    f"{path.relative_to(SOURCE.parent)}:{line}: {module} imports {target}, a later part"
                )
    assert not wrong, "\n".join(wrong)


def test_no_private_name_crosses_a_module():
    wrong = []
    for module, path in MODULES.items():
        for line, target, names in _imports(path):
            for name in names:
                if name.startswith("_") and not name.startswith("__") and target != module:
                    wrong.append(f"{path.relative_to(SOURCE.parent)}:{line}: {module} takes {target}.{name}")
    assert not wrong, "\n".join(wrong)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for _, target, _ in _imports(path):
            # importing claimtrail.a.b runs claimtrail.a first, but a package __init__ that holds
            # only a docstring adds no edge worth following; name the module itself
            if target in MODULES and target != module and target != "claimtrail":
                graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle():
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_circle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("part", [p for p in LAYERS if (SOURCE / p).is_dir()])
def test_each_part_says_what_it_owns(part):
    doc = ast.get_docstring(ast.parse((SOURCE / part / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 80 and "import" in doc, (
        f"validators/{part}/__init__.py: say what it owns and what it may import"
    )


def test_public_api_is_importable_and_listed():
    import claimtrail

    for name in claimtrail.__all__:
        assert getattr(claimtrail, name) is not None
        assert name in dir(claimtrail)
