"""research._bench: the figures `silicon-shield bench` prints, measured cheaply here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.research._bench import SweepBench, format_figures, measure, write_scaled_rules
from game.ruleset import load_ruleset
from game.sim import DEFAULT_RULES, GeoModel


@pytest.fixture(scope="module")
def full_figures() -> dict[str, Any]:
    """`measure(full=True)` on the default rules, with small sizes and few games."""
    return measure(DEFAULT_RULES, 1, full=True, sizes=(30, 60), games=4)


def test_scaled_mini_ruleset_clones_its_firm_and_splits_its_size(
    mini_rules: Path, tmp_path: Path
) -> None:
    """Scaling one firm to five gives TSMC and TSMC_2..5, each with a fifth of the output."""
    out = tmp_path / "scaled"
    out.mkdir()
    ruleset = load_ruleset(write_scaled_rules(mini_rules, 5, out))
    assert set(ruleset.firms) == {"TSMC", "TSMC_2", "TSMC_3", "TSMC_4", "TSMC_5"}
    assert all(f.nation == "TW" for f in ruleset.firms.values())
    assert [f.attrs["output"] for f in ruleset.firms.values()] == [pytest.approx(2.0)] * 5


def test_scaled_default_ruleset_loads_with_n_firms_and_the_same_totals(tmp_path: Path) -> None:
    """The default rules scaled to 75 firms load, keep the originals and keep world totals."""
    original = load_ruleset(DEFAULT_RULES)
    ruleset = load_ruleset(write_scaled_rules(DEFAULT_RULES, 75, tmp_path))
    assert len(ruleset.firms) == 75
    assert set(original.firms) <= set(ruleset.firms)
    assert ruleset.firms["TSMC_2"].nation == original.firms["TSMC"].nation
    assert ruleset.firms["TSMC_2"].tags == original.firms["TSMC"].tags
    for attr in ("adv_capacity", "ran_share", "ai_server_share"):
        total = sum(f.attrs.get(attr, 0) for f in original.firms.values())
        scaled = sum(f.attrs.get(attr, 0) for f in ruleset.firms.values())
        assert scaled == pytest.approx(total), attr


def test_scaled_ruleset_plays_a_turn(tmp_path: Path) -> None:
    """A bot game on a scaled ruleset plays without a rule error."""
    ruleset = load_ruleset(write_scaled_rules(DEFAULT_RULES, 50, tmp_path))
    model = GeoModel(seed=1, rules=ruleset, turns=2).run()
    assert model.turn == 2


def test_scaled_rules_spread_many_clones_over_several_files(tmp_path: Path) -> None:
    """Thousands of clones are written to several files, each under the loader's limits."""
    write_scaled_rules(DEFAULT_RULES, 4_100, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("scaled_firms_*.yaml")) == [
        "scaled_firms_001.yaml", "scaled_firms_002.yaml", "scaled_firms_003.yaml",
    ]  # fmt: skip


def test_scaling_below_the_original_firms_is_refused(tmp_path: Path) -> None:
    """Asking for fewer firms than the ruleset defines raises ValueError and writes nothing."""
    with pytest.raises(ValueError, match="defines 25"):
        write_scaled_rules(DEFAULT_RULES, 10, tmp_path)
    assert not any(tmp_path.iterdir())


def test_full_measure_times_each_size(full_figures: dict[str, Any]) -> None:
    """Each scaled size has a load time, a turn time and a per-firm cost, all positive."""
    rows = full_figures["scaling"]
    assert [r["firms"] for r in rows] == [30, 60]
    for r in rows:
        assert r["load_ms"] > 0
        assert r["turn_ms_median"] > 0
        assert r["us_per_firm_turn"] > 0
        assert r["turns_timed"] >= 1
    assert full_figures["scaling_ratio"] > 0


def test_full_measure_reports_pickling_as_figures_or_one_line_errors(
    full_figures: dict[str, Any],
) -> None:
    """Pickling the ruleset and a model gives sizes and times, or the error on one line."""
    for key in ("ruleset", "model"):
        row = full_figures["pickling"][key]
        if "dumps_ms" in row:
            assert row["kb"] > 0
            assert row["loads_ms"] >= 0
        else:
            assert "\n" not in row["error"]
            assert row["error"]
    model = full_figures["pickling"]["model"]
    if "dumps_ms" in model:
        assert model["continues_identically"] is True


def test_full_measure_reports_memory_over_the_games(full_figures: dict[str, Any]) -> None:
    """The memory figure covers the games asked for, with resident sizes read from the OS."""
    memory = full_figures["memory"]
    assert memory["games"] == 4
    assert memory["baseline_game"] == 1
    assert memory["rss_mb_baseline"] > 0
    assert memory["rss_mb_end"] > 0
    assert memory["traced_kb_per_game"] >= 0


def test_full_figures_render_with_their_goals(full_figures: dict[str, Any]) -> None:
    """format_figures prints the extra figures, each with its goal."""
    text = format_figures(full_figures)
    assert "30 firms" in text
    assert "per-firm cost at 60 vs 30 firms" in text
    assert "goal: compiled rulesets and models pickle" in text
    assert "memory over 4 bot games" in text
    assert text.count("goal") >= 7


def test_full_figures_are_plain_data(full_figures: dict[str, Any]) -> None:
    """The full figures survive a JSON round trip, as `bench --json` prints them."""
    assert json.loads(json.dumps(full_figures)) == full_figures


def test_default_measure_leaves_out_the_full_figures() -> None:
    """Without full, sizes or sweeps, measure gives only the quick figures."""
    figures = measure(DEFAULT_RULES, 1)
    assert not {"scaling", "pickling", "memory", "sweep", "sweep_memory"} & set(figures)
    assert "time per turn" not in format_figures(figures)


TINY_SWEEPS = SweepBench(points=2, seeds=3, turns=3, memory_runs=(2, 12), memory_turns=1)


@pytest.fixture(scope="module")
def sweep_figures() -> dict[str, Any]:
    """Tiny timed sweeps: ours with 1 and 2 real worker processes, mesa.batch_run with 1
    and 2, and two `sweep` commands in fresh interpreters for their peak memory."""
    return measure(DEFAULT_RULES, 1, sweeps=TINY_SWEEPS)


def test_sweeps_are_timed_for_ours_and_batch_run(sweep_figures: dict[str, Any]) -> None:
    """Every run of the grid is played by each of the four sweeps, and the speed-up and
    ratio follow from their times."""
    f = sweep_figures["sweep"]
    assert f["runs"] == 6
    assert f["grid"] == "us_cost_premium x 2 values x 3 seeds"
    for backend in ("ours", "batch_run"):
        for workers in ("1", "2"):
            row = f[backend][workers]
            assert row["runs"] == 6, (backend, workers)
            assert "failed" not in row
            # seconds are rounded to 0.01 s, runs/s computed before rounding
            low, high = 6 / (row["seconds"] + 0.005), 6 / max(row["seconds"] - 0.005, 1e-3)
            assert low - 0.05 <= row["runs_per_s"] <= high + 0.05
    assert f["speedup"] == pytest.approx(f["ours"]["1"]["seconds"] / f["ours"]["2"]["seconds"], abs=0.02)  # fmt: skip
    best = min(r["seconds"] for r in f["ours"].values())
    theirs = min(r["seconds"] for r in f["batch_run"].values())
    assert f["ratio_to_batch_run"] == pytest.approx(best / theirs, abs=0.02)


def test_sweep_memory_is_read_from_each_fresh_process(sweep_figures: dict[str, Any]) -> None:
    """Each memory sweep ran as its own process, wrote every turn's row, and reported a
    peak of its own (tens of MB: Python, Mesa and the rules), not the test process's."""
    f = sweep_figures["sweep_memory"]
    assert "error" not in f, f.get("error")
    assert [s["runs"] for s in f["sweeps"]] == [2, 12]
    assert [s["rows"] for s in f["sweeps"]] == [4, 24]
    for s in f["sweeps"]:
        assert 20 < s["peak_mb"] < 1000
        assert s["file_kb"] > 0
    assert f["growth_mb"] == pytest.approx(f["sweeps"][1]["peak_mb"] - f["sweeps"][0]["peak_mb"], abs=0.11)  # fmt: skip


def test_sweep_figures_render_with_their_goals(sweep_figures: dict[str, Any]) -> None:
    text = format_figures(sweep_figures)
    assert "sweeps of 6 3-turn games (us_cost_premium x 2 values x 3 seeds)" in text
    assert "silicon-shield sweep, 2 workers:" in text
    assert "mesa.batch_run, 2 processes:" in text
    assert "2 workers vs 1:" in text
    assert "(goal: at least 1.8x: " in text
    assert "(aim: 100 runs/s of 64-turn games on two cores: not judged on 3-turn games)" in text
    assert "12 runs (24 rows" in text
    assert json.loads(json.dumps(sweep_figures)) == sweep_figures


def test_a_pickling_failure_renders_as_one_line() -> None:
    """A failed pickle shows as 'fails:' with its error, not as a crash."""
    figures = {
        "ruleset_load_ms": 1.0, "game_64_turns_ms_median": 1.0, "game_64_turns_ms_min": 1.0,
        "games_timed": 1, "expressions": [],
        "pickling": {"ruleset": {"error": "PicklingError: Can't pickle <lambda>"},
                     "model": {"error": "PicklingError: Can't pickle <lambda>", "after_turns": 10}},
    }  # fmt: skip
    text = format_figures(figures)
    assert "ruleset: fails: PicklingError: Can't pickle <lambda>" in text
    assert "model after 10 turns: fails:" in text
