"""`silicon-shield explain ID`: an entry's doc, place, links both ways and how often it
acts in real games; `--graph` writes the dependency graph in dot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from game.ruleset import DEFAULT_RULES, load_ruleset
from game.sim import GeoModel

TICK = """\
# yaml-language-server: $schema=schema.json
parameters:
  tick_size:
    value: 2
    min: 0
    max: 10
    doc: How much the tick adds.
    assumption: tests only
attributes:
  world:
    ticks: {value: 0, min: 0, doc: A counter.}
rules:
  tick:
    phase: indicators
    when: "turn >= 3"
    doc: From the third turn on, the counter grows.
    assumption: tests only
    effects:
      - add: world.ticks
        value: tick_size
metrics:
  tick_count: {doc: The counter., expr: world.ticks}
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", "explain", *args],
                          capture_output=True, text=True, cwd=cwd)  # fmt: skip


def designer(tmp_path: Path) -> Path:
    """A project folder whose rules/ holds the default rules and the tick mechanic."""
    shutil.copytree(DEFAULT_RULES, tmp_path / "rules")
    (tmp_path / "rules" / "tick.yaml").write_text(TICK, encoding="utf-8")
    return tmp_path


def test_a_new_rule_is_explained_with_its_place_links_and_play(tmp_path: Path) -> None:
    done = cli("tick", "--turns", "10", "--seeds", "2", cwd=designer(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "rule tick — From the third turn on, the counter grows.",
        "  written at rules/tick.yaml:13",
        "  phase: indicators",
        "  for each: world",
        "  when: turn >= 3",
        "  assumed: tests only",
        "  reads parameters: tick_size",
        "  changes: ticks",
        "  its changes are read by: metric tick_count",
        "  in 2 bot games of 10 turns (baseline):",
        "    changed something: in 16 of 20 turns (80%)",
        "    changes made: 16",
    ]
    lines = (tmp_path / "rules" / "tick.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[12] == "  tick:"


def test_an_id_of_an_attribute_and_a_metric_explains_both(tmp_path: Path) -> None:
    done = cli("ticks", "--turns", "10", "--seeds", "2", "--json", cwd=designer(tmp_path))
    assert done.returncode == 0, done.stderr
    (attribute,) = json.loads(done.stdout)
    assert attribute["kind"] == "attribute"
    assert attribute["used_by"] == {"read by": ["metric tick_count"], "changed by": ["rule tick"]}
    # 0 after turns 1 and 2, then 2 more each turn: 2, 4, ..., 16 after turn 10
    assert attribute["in_play"]["range"] == [0, 16]
    assert attribute["in_play"]["final_mean"] == 16
    assert (attribute["in_play"]["steps_moved"], attribute["in_play"]["steps"]) == (16, 18)
    assert (attribute["in_play"]["games"], attribute["in_play"]["turns"]) == (2, 10)
    metric = json.loads(cli("tick_count", "--turns", "10", "--seeds", "1", "--json",
                            cwd=tmp_path).stdout)[0]  # fmt: skip
    assert metric["in_play"]["range"] == [0, 16]
    both = json.loads(cli("silicon_shield", "--seeds", "0", "--json", cwd=tmp_path).stdout)
    assert [e["kind"] for e in both] == ["metric", "attribute"]
    assert "rule shield_from_share" in both[1]["used_by"]["changed by"]


def test_how_often_an_event_fires_is_what_the_games_show(tmp_path: Path) -> None:
    """The count comes from real games: the same seeds played here fire it as often."""
    done = cli("cable_cut", "--seeds", "4", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (event,) = json.loads(done.stdout)
    ruleset = load_ruleset(DEFAULT_RULES)
    fired = {
        (seed, turn)
        for seed in range(1, 5)
        for turn, ident, _ in GeoModel(seed=seed, rules=ruleset).run().fired_events
        if ident == "cable_cut"
    }
    assert (event["in_play"]["turns_fired"], event["in_play"]["turns_played"]) == (len(fired), 256)
    assert event["reads"]["parameters"] == ["cable_calm_factor", "cable_cut_rate", "cable_cut_severity"]  # fmt: skip


def test_an_unknown_id_is_one_line_with_the_closest(tmp_path: Path) -> None:
    done = cli("shield_flor", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "silicon-shield explain: error: no rule, parameter, action, event, metric, attribute, "
        "investment line, objective or bot is called 'shield_flor' (did you mean 'shield_floor'?)\n"
    )
    assert cli(cwd=tmp_path).returncode == 2


def test_graph_writes_the_neighbourhood_of_an_id_in_dot(tmp_path: Path) -> None:
    done = cli("tick", "--seeds", "0", "--graph", "tick.dot", cwd=designer(tmp_path))
    assert done.returncode == 0, done.stderr
    dot = (tmp_path / "tick.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph rules {")
    for edge in ('"p:tick_size" -> "r:tick"', '"r:tick" -> "a:ticks"', '"a:ticks" -> "m:tick_count"'):  # fmt: skip
        assert edge in dot
    assert "shield_floor" not in dot
    whole = cli("--graph", "all.dot", cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    assert '"p:shield_floor" -> "r:shield_from_share"' in (tmp_path / "all.dot").read_text()
    wrong = cli("--graph", "all.png", cwd=tmp_path)
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert not (tmp_path / "all.png").exists()
