"""`validate`'s warnings: real rule files in temporary folders, real games for --simulate."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.ruleset import DEFAULT_RULES

SLOPPY = """\
# yaml-language-server: $schema=schema.json
parameters:
  forgotten:
    value: 1
    min: 0
    max: 2
    doc: A number nothing reads.
    assumption: tests only
attributes:
  world:
    scribbled: 0
    idle: 0
rules:
  scribble:
    phase: indicators
    doc: Writes a number nobody reads.
    assumption: tests only
    effects:
      - add: world.scribbled
        value: 1
  dead_branch:
    phase: indicators
    when: "1 > 2"
    doc: Can never run.
    assumption: tests only
    effects:
      - add: world.scribbled
        value: 1
  too_high:
    phase: indicators
    when: "world.silicon_shield > 2"
    doc: Reads the game, but the shield never exceeds 1.
    assumption: tests only
    effects:
      - add: world.scribbled
        value: 1
metrics:
  flat_line: {doc: Always four., expr: "2 + 2"}
  shield_again: {doc: The shield once more., expr: world.silicon_shield}
actions:
  out_of_reach:
    doc: Needs a shield no game reaches.
    assumption: tests only
    requires: "world.silicon_shield > 2"
    effects:
      - add: world.scribbled
        value: 1
"""


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", "validate", *args],
                          capture_output=True, text=True, cwd=cwd)  # fmt: skip


@pytest.fixture
def sloppy(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_RULES, tmp_path / "rules")
    (tmp_path / "rules" / "sloppy.yaml").write_text(SLOPPY, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "game", "schema", "--rules", "rules", "--out",
                           "rules/schema.json"], capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return tmp_path


def test_the_bundled_rules_have_no_warnings(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_RULES, tmp_path / "rules")
    done = validate("rules", "--strict", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


def test_what_loads_but_looks_wrong_is_a_warning_at_its_line(sloppy: Path) -> None:
    done = validate("rules", cwd=sloppy)
    assert done.returncode == 0, done.stderr
    warnings = done.stderr.splitlines()
    assert warnings == [
        "rules/sloppy.yaml:3:3: warning: parameter 'forgotten' is never read: no rule, action, event, metric or bot uses it",
        "rules/sloppy.yaml:11:5: warning: world attribute 'scribbled' is changed but nothing reads it: no rule, action, event, metric or bot",
        "rules/sloppy.yaml:12:5: warning: world attribute 'idle' is never read or changed by any rule, action, event, metric or bot",
        "rules/sloppy.yaml:21:3: warning: rule 'dead_branch': 'when' reads nothing of the game: it never holds",
        "rules/sloppy.yaml:38:3: warning: metric 'flat_line' is the constant 4: its formula reads nothing of the game",
        "rules/sloppy.yaml:39:3: warning: metric 'shield_again' measures the same as metric 'silicon_shield' (the same formula): one of them is not needed",
        "6 warnings (the rules still load)",
    ]  # fmt: skip
    lines = (sloppy / "rules" / "sloppy.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[20] == "  dead_branch:"
    strict = validate("rules", "--strict", cwd=sloppy)
    assert (strict.returncode, strict.stdout) == (1, "")  # nothing said ok
    assert strict.stderr.splitlines()[-1] == "6 warnings (errors with --strict)"


def test_simulate_names_what_never_acts_in_real_games(sloppy: Path) -> None:
    done = validate("rules", "--simulate", "8", cwd=sloppy)
    assert done.returncode == 0, done.stderr
    never = [w for w in done.stderr.splitlines() if "never acted" in w]
    games = "in 8 turns of 4 scenarios x 3 seeds"
    assert f"rules/sloppy.yaml:29:3: warning: rule 'too_high' never acted (changed nothing, posted no news, fired nothing) {games}" in never  # fmt: skip
    assert any("'dead_branch' never acted" in w for w in never)
    assert not any("'scribble'" in w for w in never)  # it acts every turn
    actions = [w for w in done.stderr.splitlines() if "warning: action" in w]
    assert f"rules/sloppy.yaml:41:3: warning: action 'out_of_reach' was never available to any nation (its 'requires' never held) {games}" in actions  # fmt: skip
    assert any(w.endswith(f"action 'export_control' was never taken by a bot {games} (teams may still take it)") for w in actions)  # fmt: skip
    assert not any("'press_clean_network'" in w for w in actions)  # the US bot presses members
    assert validate("rules", "--simulate", "0", cwd=sloppy).returncode == 2
