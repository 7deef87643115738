"""The module map, kept: imports only go down through the layers, only the project-on-disk modules,
the engine and the commands touch the file system, each third-party library is imported by one
module, and no module or function outgrows what a reader can hold in mind.

Layers, bottom to top (a module may import its own layer and the ones below):
  records   model, errors, config
  stages    values in, values out: content, markdown/, segment, catalog, po/, checks, pages, …
  disk      the project on disk: where files live, one walk, atomic writes, saves, the memory
  engine    stamps, the store of earlier runs, output trees, the worker pool, what to redo
  commands  build, extract, check, new, status, import, move, preview
  face      server, cli
Every import counts, wherever it stands in a module (an import inside a function is no way
around the layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"

RECORDS = {"pipeline", "pipeline.model", "pipeline.errors", "pipeline.config"}
FACE = {"pipeline.server", "pipeline.cli"}
LAYERS = ("records", "stages", "disk", "engine", "commands", "face")

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# Each third-party library and the one module that imports it.
OWNERS = {
    "yaml": "pipeline.content", "mistune": "pipeline.markdown", "jinja2": "pipeline.render",
    "markupsafe": "pipeline.render", "babel": "pipeline.locales", "icu": "pipeline.khmer.words",
    "nh3": "pipeline.sanitize", "rapidfuzz": "pipeline.similar", "watchfiles": "pipeline.server",
}

# Calls that reach the file system (os and shutil functions, pathlib's file methods, open).
FILE_SYSTEM_MODULES = {"shutil", "tempfile", "sqlite3", "fcntl"}
OS_CALLS = {"open", "stat", "lstat", "scandir", "listdir", "walk", "replace", "rename", "unlink", "remove",
            "makedirs", "mkdir", "rmdir", "link", "symlink", "readlink", "fsync", "chmod", "utime", "truncate"}
PATH_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "rglob", "glob", "mkdir",
                "unlink", "touch", "rmdir", "is_file", "is_dir", "exists", "stat", "lstat", "resolve", "samefile",
                "symlink_to", "hardlink_to", "is_symlink", "open"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(name: str) -> int:
    if name in RECORDS:
        return LAYERS.index("records")
    if name in FACE:
        return LAYERS.index("face")
    for kind in ("disk", "engine", "commands"):
        if name == f"pipeline.{kind}" or name.startswith(f"pipeline.{kind}."):
            return LAYERS.index(kind)
    return LAYERS.index("stages")


def imports(path: Path, name: str) -> list[tuple[int, str]]:
    """(line, module) of every import in a module, relative ones made absolute."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
                      for alias in node.names]
    return found


MODULES = modules()


def own_module(imported: str) -> str | None:
    """The pipeline module an import names (a name inside a module counts as the module)."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_through_the_layers(name: str) -> None:
    upward = [f"line {line}: {imported} ({LAYERS[layer(own_module(imported))]})"
              for line, imported in imports(MODULES[name], name)
              if imported.startswith("pipeline") and own_module(imported) is not None
              and layer(own_module(imported)) > layer(name)]
    assert upward == [], f"{name} ({LAYERS[layer(name)]}) imports from a layer above it"


def file_system_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: import {n}" for n in names if n.split(".")[0] in FILE_SYSTEM_MODULES]
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id == "open":
                found.append(f"line {node.lineno}: open()")
            elif isinstance(function, ast.Attribute):
                owner = function.value
                if isinstance(owner, ast.Name) and owner.id == "os" and function.attr in OS_CALLS:
                    found.append(f"line {node.lineno}: os.{function.attr}()")
                elif isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) \
                        and owner.value.id == "os" and owner.attr == "path" and function.attr in (
                            "exists", "isfile", "isdir", "islink", "realpath", "getmtime", "getsize", "lexists"):
                    found.append(f"line {node.lineno}: os.path.{function.attr}()")
                elif function.attr in PATH_METHODS and not (isinstance(owner, ast.Name) and owner.id in ("os", "re", "self")):
                    # (`self.resolve(…)`: a callable the object was given, as `links.AssetCollector` is)
                    found.append(f"line {node.lineno}: .{function.attr}()")
    return found


@pytest.mark.parametrize("name", sorted(n for n in MODULES if LAYERS[layer(n)] in ("records", "stages")))
def test_records_and_stages_do_not_touch_the_file_system(name: str) -> None:
    assert file_system_calls(MODULES[name]) == []


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_is_imported_by_one_module(library: str) -> None:
    importers = {name for name, path in MODULES.items() for _, imported in imports(path, name)
                 if imported == library or imported.startswith(library + ".")}
    owner = OWNERS[library]
    assert importers <= {n for n in MODULES if n == owner or n.startswith(owner + ".")} and importers


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name: str) -> None:
    text = MODULES[name].read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def test_the_checks_can_fail() -> None:
    """The rules above find what they look for (a test that can never fail proves nothing)."""
    assert layer("pipeline.content") < layer("pipeline.disk.project") < layer("pipeline.engine.trees") \
        < layer("pipeline.commands.build") < layer("pipeline.cli")
    assert file_system_calls(MODULES["pipeline.disk.files"])
    assert file_system_calls(MODULES["pipeline.engine.trees"])
    assert any(imported.startswith("pipeline.disk") for _, imported in imports(MODULES["pipeline.commands.build"],
                                                                                  "pipeline.commands.build"))
