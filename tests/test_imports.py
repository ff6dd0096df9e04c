"""The package's import structure (issue 13): no cycle, no function-level import that is not a deliberate,
explained deferral, and domain modules that know nothing of the hosts.

Imports are read from the source (``ast``), not by importing: a cycle that Python happens to tolerate in
today's import order is still a cycle. ``if TYPE_CHECKING:`` blocks are annotations only and are skipped.
Importing ``a.b.c`` from outside package ``a.b`` runs ``a/b/__init__.py`` first, so it counts as an import
of ``a.b`` too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import seqdiagrams

PACKAGE = Path(seqdiagrams.__file__).parent
ROOT = "seqdiagrams"

HEAVY = {
    "matplotlib": "plots only: json output and `check` never load it",
    "numpy": "comes with matplotlib, for plots only",
    "pygraphviz": "the Graphviz binding, optional (the `dot` command is the fallback)",
    "graphviz": "the fallback Graphviz binding, optional",
    "py_mini_racer": "the KaTeX engine (V8), started for the first formula only",
    "zensical": "present only in a Zensical build",
}
"""Third-party packages any module may import inside a function, and why it is deferred."""

DEFERRED = {
    (ROOT, "seqdiagrams.spec"): "the public API is imported on use: every `import seqdiagrams.x` runs the "
                                "package's __init__ first, so it must stay light (and cannot import what "
                                "imports it)",
    (ROOT, "seqdiagrams.options"): "the public API, as above",
    (ROOT, "seqdiagrams.rendering"): "the public API, as above",
    (ROOT, "seqdiagrams.markdown_ext"): "the public API, as above (Python-Markdown's extension entry point)",
    (ROOT, "seqdiagrams.registry"): "the public API, as above",
    ("seqdiagrams.rendering", "seqdiagrams.rendering.pipeline"): "the package names the pipeline's functions on "
                                                                 "first use: every renderer module runs this file",
    ("seqdiagrams.rendering", "seqdiagrams.types"): "the output formats, named on first use: a warm MkDocs build "
                                                    "imports the renderer but no parameter declarations",
    ("seqdiagrams.rendering.renderer", "seqdiagrams.registry"): "the registry load (pydantic) on a warm path "
                                                                "that must stay cheap: a site without blocks "
                                                                "never loads it",
    ("seqdiagrams.rendering.renderer", "seqdiagrams.spec"): "the block grammar (with every subject's "
                                                            "declarations) for the first block not in the "
                                                            "cache: a warm build parses none",
    ("seqdiagrams.rendering.renderer", "seqdiagrams.rendering.pipeline"): "the pipeline (registry schema, "
                                                                          "Graphviz binding, subjects) is "
                                                                          "loaded for the first figure rendered",
    ("seqdiagrams.sphinx.directive", "seqdiagrams.rendering.pipeline"): "loaded before Sphinx forks its -j "
                                                                        "processes, and only then: a serial "
                                                                        "warm build never needs it",
    ("seqdiagrams.rendering.katex", "asyncio"): "only the KaTeX engine needs an event loop",
    ("seqdiagrams.markdown_ext", "seqdiagrams.markdown_math"): "KaTeX (and the renderers) load only for a site "
                                                               "that typesets its pages' math at build time",
    ("seqdiagrams.mkdocs_plugin", "seqdiagrams.rendering.stylesheet"): "the stylesheet imports every subject "
                                                                       "that styles figures; a warm build reads "
                                                                       "it from the cache",
}
"""Function-level imports of the package's own (or standard) modules that are deliberate: (importer, imported)."""

DOMAIN = ("seqdiagrams.subjects", "seqdiagrams.registry", "seqdiagrams.spec", "seqdiagrams.params",
          "seqdiagrams.param_types", "seqdiagrams.types", "seqdiagrams.ir", "seqdiagrams.shapes",
          "seqdiagrams.errors")
HOSTS = ("mkdocs", "sphinx", "docutils", "markdown", "zensical", "seqdiagrams.mkdocs_plugin",
         "seqdiagrams.sphinx", "seqdiagrams.markdown_ext")


@dataclass(frozen=True)
class Import:
    importer: str
    target: str
    line: int
    deferred: bool
    """Inside a function: runs when called, not when the module is imported."""
    annotation: bool
    """Inside ``if TYPE_CHECKING:``: never runs."""


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imports_of(name: str, path: Path) -> list[Import]:
    """Every import statement of a module, resolved to module names."""
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            here = name.split(".") if is_package else name.split(".")[:-1]
            here = here[:len(here) - node.level + 1]
            base = ".".join([*here, *([node.module] if node.module else [])])
        return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]

    def visit(nodes: list[ast.stmt], deferred: bool, annotation: bool) -> None:
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.extend(Import(name, target, node.lineno, deferred, annotation) for target in targets(node))
                continue
            inner = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            typing_only = annotation or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child], inner, typing_only and child in node.body if isinstance(node, ast.If)
                          else typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")).body, False, False)
    return found


ALL = [imp for name, path in MODULES.items() for imp in imports_of(name, path)]


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules its import runs (module-level imports, parents included)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for imp in ALL:
        if imp.deferred or imp.annotation or not imp.target.startswith(ROOT):
            continue
        parts = imp.target.split(".")
        for end in range(2, len(parts) + 1):  # `seqdiagrams` itself is the parent of everything: it imports first
            package = ".".join(parts[:end])
            inside = imp.importer == package or imp.importer.startswith(package + ".")
            if package in MODULES and (end == len(parts) or not inside) and package != imp.importer:
                graph[imp.importer].add(package)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_the_import_reader_sees_what_python_does() -> None:
    """The reader itself, on a module whose imports are known from its source: a cycle finder fed nothing
    would pass everything."""
    cli = {(imp.target, imp.deferred, imp.annotation) for imp in ALL if imp.importer == "seqdiagrams.cli"}
    assert ("seqdiagrams.rendering", False, False) in cli
    assert ("seqdiagrams.rendering.renderer", False, False) not in cli
    assert ("collections.abc", False, True) in cli
    deferred = {(imp.importer, imp.target) for imp in ALL if imp.deferred}
    assert ("seqdiagrams.rendering.renderer", "seqdiagrams.registry") in deferred
    graph = import_graph()
    assert "seqdiagrams.rendering" in graph["seqdiagrams.steps"]  # via rendering.dot: its package runs first
    assert "seqdiagrams.rendering" not in graph["seqdiagrams.rendering.pipeline"]  # its own package


def test_cycle_finder_names_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_package_imports_without_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_function_level_imports_are_only_the_deliberate_deferrals() -> None:
    unexplained = [f"{MODULES[imp.importer].relative_to(PACKAGE.parent)}:{imp.line}: {imp.target}"
                   for imp in ALL if imp.deferred and not imp.annotation
                   and imp.target.split(".")[0] not in HEAVY
                   and (imp.importer, imp.target) not in DEFERRED and (imp.importer, "*") not in DEFERRED]
    assert unexplained == [], "import at module level, or explain the deferral in DEFERRED"


@pytest.mark.parametrize("entry", sorted(DEFERRED))
def test_every_allowed_deferral_is_still_used(entry: tuple[str, str]) -> None:
    """An entry nothing needs any more would let a new deferral in unexplained."""
    importer, target = entry
    assert any(imp.deferred and imp.importer == importer and target in (imp.target, "*") for imp in ALL)


def test_domain_modules_know_no_host() -> None:
    leaks = [f"{imp.importer}:{imp.line}: {imp.target}" for imp in ALL
             if imp.importer.startswith(DOMAIN) and imp.target.startswith(HOSTS)]
    assert leaks == []


def test_shared_types_are_a_leaf() -> None:
    """``seqdiagrams.types`` imports only the declarations below it, never the layers that import it."""
    below = {"seqdiagrams.errors", "seqdiagrams.params", "seqdiagrams.param_types", "seqdiagrams.shapes",
             *(name for name in MODULES if name.startswith("seqdiagrams.shapes."))}
    used = {imp.target for imp in ALL if imp.importer == "seqdiagrams.types" and not imp.annotation
            and imp.target.startswith(ROOT)}
    assert used <= below
    reachable, todo = set(), list(used)
    graph = import_graph()
    while todo:
        module = todo.pop()
        if module not in reachable:
            reachable.add(module)
            todo += graph[module]
    assert reachable <= below | {ROOT}
