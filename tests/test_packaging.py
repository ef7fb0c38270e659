"""Packaging: the wheel's contents, the bundled rules, and the declared dependencies.

Building and installing the wheel itself is `.ci/run`'s last step (it needs the network for
a fresh environment); these tests check the configuration it relies on, and where the
bundled rules are found, with real copies of the package in `tmp_path`.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from game.ruleset import DEFAULT_RULES

MAIN = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((MAIN / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]

PRINT_DEFAULT_RULES = "from game.ruleset import DEFAULT_RULES; print(DEFAULT_RULES)"


def _requirement_name(requirement: str) -> str:
    """`PyYAML>=6.0` -> `pyyaml` (names compared as PEP 503 normalises them)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name is not None, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def _third_party_imports(folder: Path) -> dict[str, set[Path]]:
    """Top-level names of the modules imported under `folder` that are not stdlib or game."""
    found: dict[str, set[Path]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "game":
                    found.setdefault(top, set()).add(path)
    return found


def _distribution(module: str) -> str:
    """The normalised name of the distribution that provides `module` (else the module's)."""
    dists = importlib.metadata.packages_distributions().get(module, [module])
    return _requirement_name(dists[0])


def _shipped(name: str, patterns: list[str]) -> bool:
    """Whether setuptools' package-data `patterns` take the file `name` (a `**/` may match no folder)."""
    return any(
        fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name, p.removeprefix("**/")) for p in patterns
    )


def test_every_package_under_game_is_listed() -> None:
    """pyproject.toml lists every package of game/ (listed, not found), game.rules and game.assets."""
    found = {
        ".".join(p.parent.relative_to(MAIN).parts) for p in (MAIN / "game").rglob("__init__.py")
    }
    assert set(SETUPTOOLS["packages"]) == found | {"game.rules", "game.assets"}


def test_game_rules_is_the_top_level_rules_folder() -> None:
    """game.rules and game.assets are mapped onto rules/ and assets/ (no __init__.py there)."""
    assert SETUPTOOLS["package-dir"] == {"game.rules": "rules", "game.assets": "assets"}
    assert not (MAIN / "rules" / "__init__.py").exists()


def test_every_file_of_the_rules_folder_ships() -> None:
    """Every file in rules/ matches the package data of game.rules (the YAML and the guide)."""
    patterns = SETUPTOOLS["package-data"]["game.rules"]
    files = [p.relative_to(MAIN / "rules").as_posix() for p in (MAIN / "rules").rglob("*")]
    left_out = [
        name
        for name in files
        if (MAIN / "rules" / name).is_file()
        and "__pycache__" not in name
        and not _shipped(name, patterns)
    ]
    assert left_out == []
    assert "README.md" in files
    assert any(name.endswith(".yaml") for name in files)


def test_default_rules_of_a_source_checkout_are_the_top_level_folder() -> None:
    """In the source tree (and an editable install), DEFAULT_RULES is the top-level rules/."""
    assert DEFAULT_RULES == MAIN / "rules"
    assert (DEFAULT_RULES / "game.yaml").is_file()


def test_default_rules_of_an_installed_package_are_its_package_data(tmp_path: Path) -> None:
    """With game/ laid out as a wheel installs it (rules in game/rules/), those rules are used."""
    site = tmp_path / "site-packages"
    shutil.copytree(MAIN / "game", site / "game", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(MAIN / "rules", site / "game" / "rules")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PRINT_DEFAULT_RULES],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={"PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == site / "game" / "rules"


def test_every_imported_library_is_declared() -> None:
    """Each third-party module imported under game/ comes from a declared dependency."""
    imports = _third_party_imports(MAIN / "game")
    required = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    # A module imported only by the research (lan) package may come from that extra.
    optional = {package: {_requirement_name(r) for r in extras[package]}
                for package in ("research", "lan")}  # fmt: skip
    undeclared = []
    for module, paths in sorted(imports.items()):
        dist = _distribution(module)
        only_in = {p.relative_to(MAIN / "game").parts[0] for p in paths}
        extra = optional.get(next(iter(only_in)), set()) if len(only_in) == 1 else set()
        if dist not in required and dist not in extra:
            undeclared.append(f"{module} ({dist})")
    assert undeclared == []
    assert "tqdm" in required


@pytest.mark.parametrize("tool", ["mypy", "pytest", "ruff"])
def test_the_test_extra_has_the_ci_tools(tool: str) -> None:
    """The test extra installs every tool .ci/run calls."""
    assert tool in {
        _requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]
    }
