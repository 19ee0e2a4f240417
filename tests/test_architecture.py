"""Architecture rules, checked on the source: what may import what, and where SQL may live.

- no import cycles among factcheck's modules (imports inside functions count);
- the library never imports streamlit;
- nothing the app imports reaches factcheck.research (training and evaluation only);
- SQL statements live in factcheck/storage/ only;
- bench/ uses only the library's public names;
- every package says in its docstring what enters it and what leaves.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

import factcheck

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "factcheck"
RESEARCH = "factcheck.research"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """factcheck's import graph, with imports inside functions, without TYPE_CHECKING ones."""
    return grimp.build_graph("factcheck", exclude_type_checking_imports=True, cache_dir=None)


@pytest.fixture(scope="module")
def graph_with_externals() -> grimp.ImportGraph:
    return grimp.build_graph(
        "factcheck",
        include_external_packages=True,
        exclude_type_checking_imports=True,
        cache_dir=None,
    )


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The cycles of a directed graph: its strongly connected components of more than one
    node, and single nodes with an edge to themselves (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
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
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "d"}, "e": set()}
    assert sorted(strongly_connected(edges)) == [["a", "b", "c"], ["d"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    cycles = strongly_connected(edges)
    described = []
    for members in cycles:
        first = members[0]
        chain = None
        for other in members[1:]:
            there = graph.find_shortest_chain(importer=first, imported=other)
            back = graph.find_shortest_chain(importer=other, imported=first)
            if there and back:
                chain = list(there) + list(back)[1:]
                break
        described.append(
            " -> ".join(chain) if chain else f"{first} imports itself ({', '.join(members)})"
        )
    assert not cycles, "import cycles among factcheck's modules:\n" + "\n".join(described)


# ---------------------------------------------------------------- streamlit stays in the app


def test_no_factcheck_module_imports_streamlit(graph_with_externals: grimp.ImportGraph) -> None:
    graph = graph_with_externals
    importers = (
        sorted(graph.find_modules_that_directly_import("streamlit"))
        if "streamlit" in graph.modules
        else []
    )
    assert not importers, f"factcheck modules that import streamlit: {importers}"


def all_module_names() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(factcheck.__path__, prefix="factcheck.")
    )


def test_walk_finds_every_module(graph: grimp.ImportGraph) -> None:
    """pkgutil and grimp see the same modules (so the import check below skips none)."""
    assert set(all_module_names()) | {"factcheck"} == set(graph.modules)


def test_importing_every_module_leaves_streamlit_out() -> None:
    script = (
        "import importlib, json, sys\n"
        "sys.argv = ['factcheck', '--help']  # in case a module runs the command line\n"
        "failed = {}\n"
        "for name in json.loads(sys.stdin.read()):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    except Exception as error:\n"
        "        failed[name] = repr(error)\n"
        "print(json.dumps({'failed': failed, 'streamlit': sorted(\n"
        "    m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(all_module_names()),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}, f"modules that cannot be imported: {result['failed']}"
    assert result["streamlit"] == [], "importing factcheck loaded streamlit"


# ---------------------------------------------------------------- the app and research


def imported_names(path: Path) -> set[str]:
    """Every module a file imports (at any depth: inside functions too); for ``from a import
    b`` both ``a`` and ``a.b`` (the caller keeps those that are modules)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def app_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]


def test_the_app_never_reaches_research(graph: grimp.ImportGraph) -> None:
    entry = set()
    for path in app_files():
        entry |= {name for name in imported_names(path) if name in graph.modules}
    assert entry, "the app imports no factcheck module? (the scan is broken)"
    # Python runs each parent package's __init__ too: follow those edges as well.
    seen, todo = set(entry), list(entry)
    while todo:
        module = todo.pop()
        parent = module.rpartition(".")[0]
        for nxt in (*graph.find_modules_directly_imported_by(module), parent):
            if nxt and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    reached = sorted(m for m in seen if m == RESEARCH or m.startswith(RESEARCH + "."))
    chains = []
    for target in reached:
        found = [graph.find_shortest_chain(importer=start, imported=target) for start in entry]
        shortest = min((chain for chain in found if chain), key=len, default=None)
        chains.append(" -> ".join(shortest) if shortest else f"{target} (via a package __init__)")
    assert not reached, "the app reaches factcheck.research:\n" + "\n".join(chains)


def test_app_entry_points_are_found() -> None:
    assert (ROOT / "app.py").is_file()
    names = set().union(*(imported_names(path) for path in app_files()))
    assert "factcheck.review.workflow" in names or "factcheck.workbench" in names


# ---------------------------------------------------------------- SQL only in storage/

SQL = re.compile(
    r"\bSELECT\b[\s\S]*?\bFROM\b"
    r"|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b"
    r"|\bREPLACE\s+INTO\b"
    r"|\bUPDATE\s+\"?\w+\"?\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:UNIQUE\s+|TEMP\s+|TEMPORARY\s+|VIRTUAL\s+)?"
    r"(?:TABLE|INDEX|TRIGGER|VIEW)\b"
    r"|\b(?:DROP|ALTER)\s+(?:TABLE|INDEX|TRIGGER|VIEW)\b"
    r"|\bPRAGMA\s+\w+"
    r"|^\s*(?:BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE|TRANSACTION))?|COMMIT|ROLLBACK"
    r"|END\s+TRANSACTION|VACUUM|ANALYZE)\s*;?\s*$"
    r"|\b(?:SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK\s+TO)\s+\w+"
    r"|\bATTACH\s+DATABASE\b"
)
SQL_CALLS = {"execute", "executemany", "executescript"}


def string_constants(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal and f-string (placeholders as ``{}``), docstrings
    left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    parts_of_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts_of_fstrings.update(id(value) for value in node.values)
            text = "".join(
                value.value if isinstance(value, ast.Constant) else "{}" for value in node.values
            )
            yield node.lineno, text
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and id(node) not in parts_of_fstrings
        ):
            yield node.lineno, node.value


def test_sql_pattern_catches_statements() -> None:
    for sql in (
        "SELECT id FROM claims WHERE x = ?",
        "INSERT INTO events (a) VALUES (?)",
        "INSERT OR IGNORE INTO assignments (a) VALUES (?)",
        "UPDATE claims SET status = ?",
        "DELETE FROM matches WHERE claim_id = ?",
        "CREATE TABLE IF NOT EXISTS t (a)",
        "CREATE UNIQUE INDEX i ON t (a)",
        "PRAGMA foreign_keys = ON",
        "BEGIN IMMEDIATE",
        "COMMIT",
    ):
        assert SQL.search(sql), sql
    for text in ("Select the claims from the list", "update the settings", "BEGIN here"):
        assert not SQL.search(text), text


def library_files_outside_storage() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] != "storage"
    ]


def test_no_sql_outside_storage() -> None:
    found = []
    for path in library_files_outside_storage():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        for line, text in string_constants(tree):
            match = SQL.search(text)
            if match:
                found.append(f"{where}:{line}: {match.group(0)[:60]!r}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                found.append(f"{where}:{node.lineno}: .{node.func.attr}(...)")
    assert not found, "SQL outside factcheck/storage/ (move it there):\n" + "\n".join(found)


# ---------------------------------------------------------------- bench/ uses public names


def private_uses(path: Path) -> list[str]:
    """``from factcheck... import _name`` and ``name._private`` on names bound to factcheck
    imports (``import factcheck.x as y``, ``from factcheck import x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "factcheck":
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "factcheck":
                    bound.add(alias.asname or "factcheck")
    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue  # each chain once, at its outermost attribute
        base: ast.expr = node
        names = []
        while isinstance(base, ast.Attribute):
            names.append(base.attr)
            base = base.value
        if not (isinstance(base, ast.Name) and base.id in bound):
            continue
        dotted = [base.id, *reversed(names)]
        private = [n for n in dotted[1:] if n.startswith("_") and not n.endswith("__")]
        if private:
            found.append(f"{node.lineno}: {'.'.join(dotted)}")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def test_private_use_detector(tmp_path: Path) -> None:
    code = (
        "import factcheck.match.retrieval as r\n"
        "from factcheck.match import matcher\n"
        "from factcheck.text import _hidden\n"
        "import numpy as np\n"
        "r._weighted(1)\n"
        "matcher.rank(1)\n"
        "matcher._approximate_dense.x\n"
        "np._private\n"
    )
    sample = tmp_path / "sample.py"
    sample.write_text(code, encoding="utf-8")
    assert private_uses(sample) == [
        "3: from factcheck.text import _hidden",
        "5: r._weighted",
        "7: matcher._approximate_dense.x",
    ]


def test_bench_uses_only_public_names() -> None:
    found = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        found += [f"bench/{path.name}:{use}" for use in private_uses(path)]
    assert not found, "bench/ uses private names of factcheck:\n" + "\n".join(found)


# ---------------------------------------------------------------- package docstrings


def packages() -> list[Path]:
    """Every folder under factcheck/ that holds Python files (each must be a package)."""
    return sorted({path.parent for path in PACKAGE.rglob("*.py")} - {PACKAGE})


def test_every_folder_with_python_is_a_package() -> None:
    missing = [str(p.relative_to(ROOT)) for p in packages() if not (p / "__init__.py").is_file()]
    assert not missing, f"folders of modules without __init__.py: {missing}"


@pytest.mark.parametrize("folder", packages(), ids=lambda p: p.name)
def test_package_docstring_says_what_enters_and_leaves(folder: Path) -> None:
    init = folder / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    lines = [line for line in docstring.splitlines() if line.strip()]
    assert len(lines) >= 2 and len(docstring) >= 80, (
        f"{init.relative_to(ROOT)}: write a docstring of a few lines saying what enters the "
        f"package and what leaves it (now: {docstring!r})"
    )


def test_page_scripts_draw_no_stray_strings() -> None:
    """Streamlit's magic draws every bare expression of a page script: a string under an
    assignment (meant as its docstring) would appear on the page. Only the module docstring."""
    root = Path(__file__).resolve().parent.parent
    pages = [p for p in sorted((root / "app_pages").glob("*.py")) if p.stem != "common"]
    found = []
    for script in [root / "app.py", *pages]:  # common.py is imported, not run as a page
        body = ast.parse(script.read_text(encoding="utf-8")).body
        for node in body[1:]:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                found.append(f"{script.name}:{node.lineno}")
    assert found == []
