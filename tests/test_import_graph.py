"""No import cycles between a package's own modules.

The graph is read from the source (AST), not from `sys.modules`, so it sees every import:
inside functions, under `if TYPE_CHECKING:`, in modules no test imports (the app's page
scripts). A deferred import inside a function hides a cycle from Python, not from a reader
who has to hold both modules in mind at once, so it counts here.

Resolution: relative imports are made absolute; `from pkg import name` is an edge to the
module `pkg.name` when there is one, else to `pkg` (a name defined in its `__init__`);
`import pkg.a.b` is an edge to `pkg.a.b` only. Parent packages that Python initialises on
the way are not edges: every `__init__` that re-exports its submodules would otherwise be
"in a cycle" with each of them. A module importing itself is not a cycle between modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
Graph = dict[str, set[str]]


def package_modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` (a folder under `root`) by dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _known_prefix(name: str, modules: Iterable[str]) -> str | None:
    """The longest leading part of the dotted `name` that is one of `modules`."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the same package that `module` imports, anywhere in its file."""
    # A package's relative imports start from the package itself, a module's from its parent.
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(_known_prefix(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else _known_prefix(base, modules))
    return {name for name in found if name is not None and name != module}


def import_graph(root: Path, package: str) -> Graph:
    """Module -> the package's modules it imports."""
    modules = package_modules(root, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: Graph) -> list[list[str]]:
    """The groups of two or more modules that all reach each other (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def shortest_cycle(graph: Graph, group: list[str]) -> list[str]:
    """A shortest cycle through the group's first module, staying inside the group, as the
    path [a, b, ..., a]."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        next_frontier = []
        for node in frontier:
            for target in sorted(graph[node] & members):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    next_frontier.append(target)
        frontier = next_frontier
    raise AssertionError(f"{group} is not strongly connected")


def cycles(graph: Graph) -> list[str]:
    """One line per import cycle: 'a → b → a', with every module of the tangle it is in."""
    lines = []
    for group in strongly_connected(graph):
        line = " → ".join(shortest_cycle(graph, group))
        if len(group) > 2:
            line += f" (one cycle of {len(group)} modules that all reach each other: "
            line += ", ".join(group) + ")"
        lines.append(line)
    return lines


@pytest.mark.parametrize("package", ["tap_wistia", "app", "wistia_sandbox"])
def test_package_has_no_import_cycle(package: str):
    found = cycles(import_graph(REPO_ROOT, package))
    assert not found, f"{package} has import cycles:\n" + "\n".join(found)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_imports_resolve_to_the_modules_they_load(tmp_path: Path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.sub import leaf\nVERSION = 1\n",
            "pkg/top.py": "from pkg import VERSION, sub\nimport os\n",
            "pkg/sub/__init__.py": "from . import leaf\n",
            "pkg/sub/leaf.py": (
                "from typing import TYPE_CHECKING\n"
                "from .. import top\n"
                "if TYPE_CHECKING:\n    from ..top import Thing\n"
                "def late():\n    import pkg.sub.leaf as me\n    from .. import other\n"
            ),
            "pkg/other.py": "import pkg.top\n",
        },
    )
    assert import_graph(tmp_path, "pkg") == {
        "pkg": {"pkg.sub.leaf"},
        "pkg.top": {"pkg", "pkg.sub"},
        "pkg.sub": {"pkg.sub.leaf"},
        "pkg.sub.leaf": {"pkg.top", "pkg.other"},
        "pkg.other": {"pkg.top"},
    }


def test_the_checker_spells_out_a_cycle(tmp_path: Path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            # Both imports are ones Python defers: the cycle still counts.
            "pkg/a.py": "def f():\n    from . import b\n",
            "pkg/b.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import f\n"
            ),
            "pkg/c.py": "from pkg import a\n",  # into the cycle, not part of it
        },
    )
    assert cycles(import_graph(tmp_path, "pkg")) == ["pkg.a → pkg.b → pkg.a"]
    write(tmp_path, {"pkg/a.py": "import pkg.c\n", "pkg/b.py": "", "pkg/c.py": "from . import a\n"})
    assert cycles(import_graph(tmp_path, "pkg")) == ["pkg.a → pkg.c → pkg.a"]


def test_a_tangle_names_every_module_in_it(tmp_path: Path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from . import b\n",
            "pkg/b.py": "from . import c\n",
            "pkg/c.py": "from . import a, d\n",
            "pkg/d.py": "from . import b\n",
        },
    )
    assert cycles(import_graph(tmp_path, "pkg")) == [
        "pkg.a → pkg.b → pkg.c → pkg.a (one cycle of 4 modules that all reach each other: "
        "pkg.a, pkg.b, pkg.c, pkg.d)"
    ]
