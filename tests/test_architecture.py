"""The house's shape, held by the test suite (issue 20): no import cycle among the project's modules, no module over
400 lines. Both read the source only (grimp's import graph, line counts), so they need no database."""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "workstations", "applications", "review", "subsidies")
MAX_LINES = 400


def _graph():
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def _cycles(graph) -> list[frozenset[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iterative), migrations and tests left out."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m and ".tests" not in m)
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[frozenset[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(frozenset(group))
    return groups


@pytest.fixture(scope="module")
def graph():
    return _graph()


def test_no_import_cycle_among_the_projects_modules(graph):
    cycles = [sorted(group) for group in _cycles(graph)]
    assert not cycles, f"import cycles (break each, e.g. by moving the shared piece to a lower module): {cycles}"


def test_workstations_has_no_import_cycle(graph):
    assert not [group for group in _cycles(graph) if any(m.startswith("workstations") for m in group)]


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: two modules importing each other are reported as one group."""

    class Graph:
        modules = {"a.x", "a.y", "a.z"}

        @staticmethod
        def find_modules_directly_imported_by(module):
            return {"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a.x"}}[module]

    assert _cycles(Graph()) == [frozenset({"a.x", "a.y"})]


def _long_modules() -> dict[str, int]:
    long = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or "/tests/" in rel:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long[rel] = lines
    return long


def test_no_module_over_400_lines():
    long = _long_modules()
    assert not long, f"split these modules by what they do: {long}"
    assert not [rel for rel in long if rel.startswith("workstations/")]
