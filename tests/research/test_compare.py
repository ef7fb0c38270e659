"""`silicon-shield compare RULES_A RULES_B`: real rulesets in temporary folders, real games."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.ruleset import DEFAULT_RULES, load_ruleset
from game.sim import GeoModel


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", "compare", *args],
                          capture_output=True, text=True, cwd=cwd)  # fmt: skip


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """Folders a/ and b/, each a copy of the default rules."""
    for name in ("a", "b"):
        shutil.copytree(DEFAULT_RULES, tmp_path / name)
    return tmp_path


def set_premium(folder: Path, value: str) -> None:
    path = folder / "sourcing_5050.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  us_cost_premium:"))
    assert lines[at + 1].strip().startswith("value:")
    lines[at + 1] = f"    value: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_the_same_rules_differ_nowhere(pair: Path) -> None:
    done = cli("a", "b", "--seeds", "3", "--turns", "8", cwd=pair)
    assert done.returncode == 0, done.stderr
    assert "files that differ: none (the same rules)" in done.stdout
    assert "no metric or score differs in any game" in done.stdout
    report = json.loads(cli("a", "b", "--seeds", "3", "--turns", "8", "--json", cwd=pair).stdout)
    assert (report["files"], report["entries"], report["changes"]) == ([], [], [])
    assert len(report["unchanged"]) == len(load_ruleset(DEFAULT_RULES).metrics) + 6


def test_a_dearer_us_thickens_the_shield_measured_seed_by_seed(pair: Path) -> None:
    """The change is named with its place, and the shield's change is the paired mean of
    what the same seeds give when played directly."""
    set_premium(pair / "b", "0.5")
    done = cli("a", "b", "--seeds", "4", "--turns", "16", "--json", cwd=pair)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == [{"file": "sourcing_5050.yaml", "change": "changed"}]
    (entry,) = report["entries"]
    assert entry["entry"] == "parameter us_cost_premium"
    assert entry["change"] == "changed"
    assert entry["where"].startswith("sourcing_5050.yaml:")
    shield = next(r for r in report["changes"] if r["name"] == "silicon_shield")
    a, b = load_ruleset(pair / "a"), load_ruleset(pair / "b")
    diffs = [
        GeoModel(seed=s, rules=b, turns=16).run().metric_values["silicon_shield"]
        - GeoModel(seed=s, rules=a, turns=16).run().metric_values["silicon_shield"]
        for s in range(1, 5)
    ]
    assert shield["final_change"] == pytest.approx(math.fsum(diffs) / 4, abs=1e-6)
    assert shield["final_change"] > 0
    assert shield["significant"]
    # ranked by the size of the change relative to the metric
    sizes = [abs(r["relative"]) for r in report["changes"] if r["relative"] is not None]
    assert sizes == sorted(sizes, reverse=True)
    text = cli("a", "b", "--seeds", "4", "--turns", "16", "--top", "3", cwd=pair).stdout
    assert "  parameter us_cost_premium: changed at sourcing_5050.yaml:" in text
    assert "… and " in text


def test_a_new_mechanic_is_listed_as_only_in_b(pair: Path) -> None:
    (pair / "b" / "tick.yaml").write_text(
        "rules:\n  tick:\n    phase: indicators\n    doc: A counter.\n    assumption: t\n"
        "    effects:\n      - add: world.ticks\n        value: 1\n"
        "attributes:\n  world:\n    ticks: 0\n"
        "metrics:\n  tick_count: {doc: The counter., expr: world.ticks}\n",
        encoding="utf-8",
    )
    report = json.loads(cli("a", "b", "--seeds", "2", "--turns", "4", "--json", cwd=pair).stdout)
    assert report["files"] == [{"file": "tick.yaml", "change": "only in B"}]
    assert {e["entry"]: e["change"] for e in report["entries"]} == {
        "rule tick": "only in B", "metric tick_count": "only in B",
        "world attribute ticks": "only in B",
    }  # fmt: skip
    assert report["only_in_b"] == ["tick_count"]
    assert report["changes"] == []  # a counter nothing reads changes nothing else


def test_balance_compares_each_nations_best_strategy(pair: Path) -> None:
    done = cli("a", "b", "--seeds", "2", "--turns", "3", "--balance", "--workers", "1", "--json", cwd=pair)  # fmt: skip
    assert done.returncode == 0, done.stderr
    nations = json.loads(done.stdout)["balance"]
    assert {n["nation"] for n in nations} == set(load_ruleset(DEFAULT_RULES).objectives)
    assert not any(n["changed"] for n in nations)
    assert all(n["best_a"] == n["best_b"] for n in nations)


def test_bad_input_is_one_clear_line(pair: Path) -> None:
    missing = cli("a", "nowhere", cwd=pair)
    assert (missing.returncode, missing.stderr) == (2, "silicon-shield compare: error: 'nowhere' is not a ruleset folder\n")  # fmt: skip
    one = cli("a", "b", "--seeds", "1", cwd=pair)
    assert one.returncode == 2
    assert "2 seeds or more" in one.stderr
    (pair / "b" / "broken.yaml").write_text("rules:\n  r: {phase: nowhere}\n", encoding="utf-8")
    broken = cli("a", "b", cwd=pair)
    assert broken.returncode == 1
    assert "broken.yaml:2:" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_a_decisions_file_one_ruleset_lacks_an_action_for_names_that_ruleset(pair: Path) -> None:
    """A decisions file taking an action only B has is refused, saying it is A that lacks it."""
    (pair / "b" / "tick.yaml").write_text(
        "actions:\n  tick:\n    doc: A counter.\n    assumption: t\n"
        "    effects:\n      - add: world.ticks\n        value: 1\n"
        "attributes:\n  world:\n    ticks: 0\n",
        encoding="utf-8",
    )
    (pair / "moves.yaml").write_text("- {turn: 1, nation: US, action: tick}\n", encoding="utf-8")
    done = cli("a", "b", "--seeds", "2", "--turns", "2", "--decisions", "moves.yaml", cwd=pair)
    assert done.returncode == 1
    assert "moves.yaml:1:" in done.stderr
    assert "unknown action 'tick'" in done.stderr
    assert "(in rules A, a)" in done.stderr
    assert "Traceback" not in done.stderr
