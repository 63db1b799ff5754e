"""The public API is what `voiceguide.__all__` says, no more and no less (as httpx guards its
own), and the command line's table of handlers is its list of commands."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from conftest import ROOT

import voiceguide


def test_every_exported_name_is_public_and_resolves_to_where_it_is_defined() -> None:
    public = sorted(n for n in dir(voiceguide) if not n.startswith("_") or n == "__version__")
    public = [n for n in public if not isinstance(getattr(voiceguide, n), type(voiceguide))]
    assert sorted(voiceguide.__all__) == public
    for name in voiceguide.__all__:
        if name == "__version__":
            continue
        value = getattr(voiceguide, name)
        module = importlib.import_module(voiceguide._EXPORTS[name])
        assert getattr(module, name) is value, name
        if isinstance(value, type):
            assert value.__module__ == module.__name__, f"{name} is defined elsewhere"


def test_importing_voiceguide_loads_none_of_the_heavy_parts() -> None:
    code = "import sys, voiceguide; print(','.join(sorted(sys.modules)))"
    loaded = (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.strip()
        .split(",")
    )
    assert "numpy" not in loaded and "voiceguide.app" not in loaded


def test_there_is_one_version_string() -> None:
    from importlib.metadata import version

    assert version("voiceguide") == voiceguide.__version__
    shown = subprocess.run(
        [sys.executable, "-m", "voiceguide", "--version"], capture_output=True, text=True
    ).stdout
    assert shown.strip() == f"voiceguide {voiceguide.__version__}"


def test_every_command_has_exactly_one_handler() -> None:
    from voiceguide.cli.handlers import HANDLERS
    from voiceguide.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) | {None} == set(HANDLERS)


def test_every_directive_has_exactly_one_handler() -> None:
    from voiceguide.guidance.parser import DIRECTIVES, HANDLERS, check

    assert DIRECTIVES == tuple(HANDLERS)
    for directive in DIRECTIVES:  # each one is known (its problems, if any, are its own)
        problems = check(f"Hello.\n[{directive}]\n", "probe")
        assert not any("unknown directive" in p.message for p in problems), directive


def test_the_readme_map_names_every_folder_and_module_of_the_package() -> None:

    root = ROOT
    readme = (root / "README.md").read_text("utf-8")
    section = readme[readme.index("## For developers") :]
    tree = section[section.index("```\nvoiceguide/") + 3 :]
    tree = tree[: tree.index("```")]
    package = root / "voiceguide"
    for folder in sorted(p for p in package.iterdir() if p.is_dir() and p.name[0] != "_"):
        assert f"{folder.name}/" in tree, f"the map does not show {folder.name}/"
    for module in sorted(package.rglob("*.py")):
        if module.name in ("__init__.py", "__main__.py") and module.parent != package:
            continue
        if module.name == "__main__.py":
            continue
        assert module.stem in tree, f"the map does not name {module.relative_to(root)}"


def test_the_readme_shows_the_layers_that_import_linter_checks() -> None:
    """The layers drawn in the README are the contract in pyproject.toml, in the same order."""
    import tomllib

    root = ROOT
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    declared = [
        " | ".join(m.removeprefix("voiceguide.") for m in layer.split(" | "))
        for layer in contract["layers"]
    ]
    readme = (root / "README.md").read_text("utf-8")
    drawing = readme[readme.index("```\ncli ") + 4 :]
    drawing = drawing[: drawing.index("```")]
    drawn = [line.split("   ")[0].strip() for line in drawing.splitlines() if line.strip()]
    assert drawn == declared
    package = root / "voiceguide"
    top = {p.stem for p in package.iterdir() if p.suffix == ".py" and p.stem[0] != "_"}
    top |= {p.name for p in package.iterdir() if p.is_dir() and p.name[0] != "_"}
    layered = {name for layer in declared for name in layer.split(" | ")}
    assert top - {"ambient"} == layered, "every package and module of voiceguide has a layer"


def test_the_python_api_is_documented_and_explicit() -> None:
    """Every public member of Voiceguide and of its journal says in a line what it does, and
    takes named parameters (no **options hiding what a call can be given)."""
    import inspect

    from voiceguide.app import Voiceguide
    from voiceguide.journal.api import Journal

    for cls in (Voiceguide, Journal):
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "func", function)  # a cached property
            if not callable(function):
                continue
            assert inspect.getdoc(function), f"{cls.__name__}.{name} has no docstring"
            kinds = {p.kind for p in inspect.signature(function).parameters.values()}
            assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{cls.__name__}.{name}(**...)"


def test_no_function_is_over_60_lines() -> None:
    """Short functions with one job each: none in the package is over 60 lines."""
    import ast

    package = ROOT / "voiceguide"
    long = []
    for module in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 60:
                    long.append(f"{module.relative_to(package)}:{node.lineno} {node.name} {lines}")
    assert not long, long


#: Unit test files that span modules (the Hypothesis properties of everything people edit).
ACROSS_MODULES = {"test_properties.py"}


def test_the_unit_tests_mirror_the_package() -> None:
    """tests/unit/<package>/test_<module>.py (or test_<module>_<aspect>.py) for a module that
    is there, so that a module's tests are found by its name."""
    unit = ROOT / "tests" / "unit"
    for test_file in sorted(unit.rglob("test_*.py")):
        if test_file.name in ACROSS_MODULES:
            continue
        folder = ROOT / "voiceguide" / test_file.parent.relative_to(unit)
        name = test_file.stem.removeprefix("test_")
        modules = {p.stem for p in folder.glob("*.py")} | {"init"}  # init: the package's API
        assert any(name == m or name.startswith(m + "_") for m in modules), (
            f"{test_file.relative_to(ROOT)} names no module of {folder.relative_to(ROOT)}"
        )


def test_every_interface_has_its_contract_suite() -> None:
    import inspect
    import re
    from typing import Protocol

    from voiceguide import interfaces
    from voiceguide.audio import segmenter

    seams = [
        name
        for module in (interfaces, segmenter)
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and Protocol in value.__mro__[1:]
        and value.__module__ == module.__name__
    ]
    assert len(seams) >= 8
    for name in seams:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        assert (ROOT / "tests" / "contracts" / f"test_{snake}.py").is_file(), name
    readme = (ROOT / "README.md").read_text("utf-8")
    for folder in ("unit/", "contracts/", "journeys/", "devices/"):
        assert f"  {folder}" in readme, f"the README's map does not show tests/{folder}"


def test_no_function_is_longer_than_60_lines() -> None:
    """Short functions with one job each, in the package, the scripts and the benchmarks."""
    import ast

    scripts = [p for p in (ROOT / "scripts").iterdir() if p.is_file()]
    python = [p for p in scripts if p.read_text("utf-8").startswith("#!/usr/bin/env python3")]
    files = [*(ROOT / "voiceguide").rglob("*.py"), *(ROOT / "scripts").rglob("*.py"), *python]
    long = [
        f"{path.relative_to(ROOT)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in files
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or 0) - node.lineno + 1 > 60
    ]
    assert long == []
