"""`silicon-shield sweep` and `game.research.sweep`: real games, real worker processes,
real files on disk."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from game.research import SweepSpec, grid_values, plan, run_seed, sweep
from game.ruleset import DEFAULT_RULES, load_ruleset

GRID = ["--vary", "us_cost_premium=0.3:0.5:3", "--vary", "crisis_base_risk=0.01,0.05"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "sweep", *args],
        capture_output=True, text=True, cwd=cwd,
    )  # fmt: skip


def rows(path: Path) -> list[list[str]]:
    """The data rows of a CSV, sorted (row order depends on which worker finishes first)."""
    with path.open(encoding="utf-8") as handle:
        data = list(csv.reader(handle))
    return sorted(data[1:])


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


# The design ------------------------------------------------------------------------
def test_grid_values_read_lists_and_ranges() -> None:
    assert grid_values("0.3,0.4,0.5") == (0.3, 0.4, 0.5)
    assert grid_values("0.3:0.5:3") == (0.3, 0.4, 0.5)
    assert grid_values("1:1:1") == (1.0,)
    for bad in ("a,b", "0.3:0.5", "0:1:0", "0:1:x", "nan"):
        with pytest.raises(ValueError, match=r"expected|COUNT"):
            grid_values(bad)


def test_the_plan_is_the_full_grid_times_the_seeds_each_seed_from_its_key() -> None:
    ruleset = load_ruleset(DEFAULT_RULES)
    spec = SweepSpec(vary=(("us_cost_premium", (0.3, 0.5)), ("relocation_rate", (0.01, 0.02, 0.03))), seeds=4, seed=7)  # fmt: skip
    runs = plan(spec, ruleset)
    assert len(runs) == 2 * 3 * 4
    assert len({r.key for r in runs}) == len(runs)
    assert {tuple(r.parameters.items()) for r in runs} == {
        (("us_cost_premium", a), ("relocation_rate", b))
        for a in (0.3, 0.5)
        for b in (0.01, 0.02, 0.03)
    }
    assert all(r.seed == run_seed(7, r.key) for r in runs)
    assert len({r.seed for r in runs}) == len(runs)
    other = plan(SweepSpec(vary=spec.vary, seeds=4, seed=8), ruleset)
    assert [r.seed for r in other] != [r.seed for r in runs]


def test_a_bad_design_is_refused_in_words(tmp_path: Path) -> None:
    cases = {
        (
            "--vary",
            "us_cost_premiun=0.3",
        ): "unknown parameter 'us_cost_premiun' (did you mean 'us_cost_premium'?)",
        ("--vary", "us_cost_premium=0.9"): "us_cost_premium=0.9 is outside its range [0.3, 0.5]",
        ("--vary", "t7_min_members=3,3.5"): "t7_min_members=3.5 is not a whole number",
        ("--vary", "us_cost_premium=a,b"): "expected numbers separated by commas",
        ("--vary", "us_cost_premium"): "needs values",
        (): "give --vary NAME=VALUES",
    }
    for args, message in cases.items():
        done = cli(*args, "--out", "x.csv", cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "x.csv").exists()


# Rows and files ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3 x 2 grid times 3 seeds, 8 turns each, on two workers."""
    folder = tmp_path_factory.mktemp("sweep")
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--workers", "2", "--out", "grid.csv",
               cwd=folder)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("sweep: 18 of 18 runs in ")
    return folder


def test_rows_are_tidy_one_per_run_and_turn_with_every_metric_and_score(swept: Path) -> None:
    ruleset = load_ruleset(DEFAULT_RULES)
    columns = header(swept / "grid.csv")
    assert columns[:6] == ["run", "point", "replicate", "seed", "us_cost_premium", "crisis_base_risk"]  # fmt: skip
    assert columns[6:9] == ["turn", "year", "quarter"]
    assert set(ruleset.metrics) <= set(columns)
    assert {f"score_{n}" for n in ruleset.objectives} <= set(columns)
    data = rows(swept / "grid.csv")
    per_run = Counter(r[0] for r in data)
    assert len(per_run) == 18
    assert set(per_run.values()) == {9}


def test_the_manifest_says_how_to_reproduce_the_sweep(swept: Path) -> None:
    manifest = json.loads((swept / "grid.manifest.json").read_text())
    assert manifest["status"] == "done"
    assert manifest["design"]["vary"] == {"us_cost_premium": [0.3, 0.4, 0.5], "crisis_base_risk": [0.01, 0.05]}  # fmt: skip
    assert manifest["runs"] == 18
    assert manifest["played"] == 18
    assert manifest["ruleset_hash"] == load_ruleset(DEFAULT_RULES).hash
    assert manifest["command"][:2] == ["silicon-shield", "sweep"]
    assert {"python", "mesa", "numpy"} <= set(manifest["versions"])
    assert manifest["machine"]["cpus"] == os.cpu_count()
    assert "silicon-shield run --seed SEED --turns 8" in manifest["rerun_one"]


def test_the_manifest_gives_one_run_as_a_command_that_plays_it(swept: Path) -> None:
    """`rerun_example` is a ready command: run as it stands, it ends on that run's last row."""
    import shlex

    example = json.loads((swept / "grid.manifest.json").read_text())["rerun_example"]
    assert example["run"] == "p0-r0"
    words = shlex.split(example["command"])
    assert words[:2] == ["silicon-shield", "run"]
    done = subprocess.run([sys.executable, "-m", "game", *words[1:], "--json"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    columns = header(swept / "grid.csv")
    last = max((r for r in rows(swept / "grid.csv") if r[0] == "p0-r0"), key=lambda r: int(r[6]))
    row = dict(zip(columns, last, strict=True))
    final = json.loads(done.stdout)["final"]
    assert float(row["silicon_shield"]) == pytest.approx(final["silicon_shield"], abs=1e-6)
    assert float(row["tw_advanced_share"]) == pytest.approx(final["tw_advanced_share"], abs=1e-6)


def test_one_worker_gives_the_same_rows_as_two(swept: Path, tmp_path: Path) -> None:
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--workers", "1", "--out", "one.csv",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert rows(tmp_path / "one.csv") == rows(swept / "grid.csv")


def test_any_run_can_be_played_again_alone_with_run(swept: Path) -> None:
    """The manifest's recipe: `run --seed SEED --set NAME=VALUE …` ends as the run's last row."""
    columns = header(swept / "grid.csv")
    last = max((r for r in rows(swept / "grid.csv") if r[0] == "p3-r2"), key=lambda r: int(r[6]))
    row = dict(zip(columns, last, strict=True))
    done = subprocess.run(
        [sys.executable, "-m", "game", "run", "--json", "--seed", row["seed"], "--turns", "8",
         "--set", f"us_cost_premium={row['us_cost_premium']}",
         "--set", f"crisis_base_risk={row['crisis_base_risk']}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = json.loads(done.stdout)
    for metric in ("silicon_shield", "us_tw_trust", "tw_advanced_share"):
        assert float(row[metric]) == pytest.approx(summary["final"][metric], abs=1e-6)
    assert float(row["score_TW"]) == pytest.approx(summary["scores"]["TW"], abs=1e-6)


def test_final_only_keeps_one_row_per_run(tmp_path: Path) -> None:
    done = cli(*GRID, "--seeds", "2", "--turns", "4", "--final-only", "--out", "f.csv",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = rows(tmp_path / "f.csv")
    assert len(data) == 12
    assert {r[6] for r in data} == {"4"}


def test_an_existing_output_is_not_overwritten_without_resume(swept: Path, tmp_path: Path) -> None:
    shutil.copy(swept / "grid.csv", tmp_path / "grid.csv")
    before = (tmp_path / "grid.csv").read_bytes()
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--out", "grid.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert "exists; add --resume" in done.stderr
    assert (tmp_path / "grid.csv").read_bytes() == before


# Interrupted and resumed -------------------------------------------------------------
def test_resume_completes_a_sweep_cut_mid_write_without_duplicates_or_losses(
    swept: Path, tmp_path: Path
) -> None:
    """The journal as a crash leaves it: the last run's rows half written, its last line cut."""
    text = (swept / "grid.csv").read_text()
    cut = text[: len(text) - len(text) // 7 - 13]  # through a run, mid-line
    (tmp_path / "grid.csv").write_text(cut)
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--out", "grid.csv", "--resume",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "already done" in done.stderr
    assert rows(tmp_path / "grid.csv") == rows(swept / "grid.csv")


def test_resume_refuses_a_file_of_another_sweep(swept: Path, tmp_path: Path) -> None:
    shutil.copy(swept / "grid.csv", tmp_path / "grid.csv")
    done = cli("--vary", "relocation_rate=0.01,0.02", "--turns", "8", "--out", "grid.csv",
               "--resume", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "its columns are not this sweep's" in done.stderr


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            ["--vary", "us_cost_premium=0.3,0.5", "--turns", "3"],
            "--vary: us_cost_premium=0.3,0.4 then, us_cost_premium=0.3,0.5 now",
        ),
        (["--vary", "us_cost_premium=0.3,0.4", "--turns", "5"], "--turns: 3 then, 5 now"),
        (
            ["--vary", "us_cost_premium=0.3,0.4", "--turns", "3", "--seeds", "3"],
            "--seeds: 2 then, 3 now",
        ),
        (
            ["--vary", "us_cost_premium=0.3,0.4", "--turns", "3", "--seed", "7"],
            "--seed: 0 then, 7 now",
        ),
        (
            ["--vary", "us_cost_premium=0.3,0.4", "--turns", "3", "--scenario", "seminar"],
            "--scenario: baseline then, seminar now",
        ),
        (
            ["--sample", "2", "--vary", "us_cost_premium", "--turns", "3"],
            "--method: grid then, lhs now",
        ),
    ],
)
def test_resume_refuses_another_design_and_keeps_the_file(
    tmp_path: Path, change: list[str], said: str
) -> None:
    """A resume whose grid, sample, seeds, turns or scenario differ from the manifest's is
    refused before anything is played: the finished rows are neither kept under the wrong
    design nor thrown away."""
    done = cli("--vary", "us_cost_premium=0.3,0.4", "--seeds", "2", "--turns", "3", "--out", "r.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir()}
    seeds = [] if "--seeds" in change else ["--seeds", "2"]
    again = cli(*change, *seeds, "--out", "r.csv", "--resume", cwd=tmp_path)
    assert again.returncode == 1
    assert "cannot resume 'r.csv': it was made by another sweep" in again.stderr
    assert said in again.stderr
    assert "Traceback" not in again.stderr
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir()} == before
    same = cli("--vary", "us_cost_premium=0.3,0.4", "--seeds", "2", "--turns", "3", "--out", "r.csv", "--resume", cwd=tmp_path)  # fmt: skip
    assert same.returncode == 0, same.stderr
    assert "sweep: 4 of 4 runs (4 already done) (nothing left to play)" in same.stderr


def test_ctrl_c_keeps_every_finished_run_and_resume_completes_it(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops the sweep,
    keeps the finished runs, says how to continue; --resume then gives the rows of a sweep
    never interrupted."""
    args = ["--vary", "us_cost_premium=0.3:0.5:5", "--seeds", "40", "--turns", "16",
            "--workers", "2"]  # fmt: skip
    started = subprocess.Popen(
        [sys.executable, "-m", "game", "sweep", *args, "--out", "cut.csv"],
        stderr=subprocess.PIPE, text=True, cwd=tmp_path, start_new_session=True,
    )  # fmt: skip
    journal = tmp_path / "cut.csv"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for some runs to be written
        if journal.exists() and journal.read_text().count("\n") > 17 * 20:
            break
        time.sleep(0.05)
    os.killpg(started.pid, signal.SIGINT)
    _, err = started.communicate(timeout=60)
    assert started.returncode == 130, err
    assert "sweep interrupted:" in err
    assert "--resume" in err
    assert "Traceback" not in err
    kept = Counter(r[0] for r in rows(journal))
    assert 20 <= len(kept) < 200
    assert set(kept.values()) == {17}
    manifest = json.loads((tmp_path / "cut.manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    done = cli(*args, "--out", "cut.csv", "--resume", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    whole = cli(*args, "--out", "whole.csv", cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    assert rows(journal) == rows(tmp_path / "whole.csv")


# Failures ----------------------------------------------------------------------------
FAILING_RULE = """\
parameters:
  boom:
    value: 0
    min: 0
    max: 1
    doc: Above one half, a rule divides by zero (tests only).
    assumption: tests only
attributes:
  world:
    zero_for_tests: {value: 0, doc: "Always zero."}
rules:
  divide_by_zero:
    doc: Divides by zero when boom is above one half.
    assumption: tests only
    phase: indicators
    when: "boom > 0.5 and turn >= 2"
    effects:
      - set: world.ran_shift
        value: "1 / world.zero_for_tests"
"""


def test_a_failing_run_goes_to_the_failures_file_and_the_sweep_goes_on(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "boom.yaml").write_text(FAILING_RULE)
    done = cli("--rules", str(rules), "--vary", "boom=0,1", "--seeds", "2", "--turns", "4",
               "--out", "b.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "2 failed" in done.stderr
    assert "Traceback" not in done.stderr
    assert {r[4] for r in rows(tmp_path / "b.csv")} == {"0.0"}
    with (tmp_path / "b.failures.csv").open() as handle:
        failures = list(csv.DictReader(handle))
    assert [f["run"] for f in failures] == ["p1-r0", "p1-r1"] or sorted(
        f["run"] for f in failures
    ) == ["p1-r0", "p1-r1"]
    assert all(json.loads(f["parameters"]) == {"boom": 1.0} for f in failures)
    assert all("divide_by_zero" in f["error"] for f in failures)
    assert all(int(f["seed"]) == run_seed(0, f["run"]) for f in failures)


# The research extra ------------------------------------------------------------------
def test_parquet_output_has_the_csv_rows(swept: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--out", "grid.parquet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = pq.read_table(tmp_path / "grid.parquet")
    assert table.column_names == header(swept / "grid.csv")
    assert table.num_rows == len(rows(swept / "grid.csv"))
    assert not (tmp_path / "grid.parquet.partial.csv").exists()


def test_a_latin_hypercube_sample_covers_the_declared_ranges(tmp_path: Path) -> None:
    pytest.importorskip("scipy")
    ruleset = load_ruleset(DEFAULT_RULES)
    names = ("us_cost_premium", "crisis_base_risk", "relocation_rate")
    spec = SweepSpec(vary=tuple((n, ()) for n in names), sample=20, seed=3)
    runs = plan(spec, ruleset)
    assert len(runs) == 20
    for name in names:
        p = ruleset.parameters[name]
        values = sorted(r.parameters[name] for r in runs)
        assert all(p.min <= v <= p.max for v in values)
        # Latin: one value in each twentieth of the range.
        width = (p.max - p.min) / 20
        assert sorted(int((v - p.min) / width - 1e-9) for v in values) == list(range(20))
    assert plan(spec, ruleset) == runs
    assert plan(SweepSpec(vary=spec.vary, sample=20, seed=4), ruleset) != runs


def test_a_sample_gives_integer_parameters_whole_numbers() -> None:
    """A count (declared integer) is sampled as whole numbers across its whole range; the
    other parameters keep their fractions."""
    pytest.importorskip("scipy")
    ruleset = load_ruleset(DEFAULT_RULES)
    assert ruleset.parameters["t7_min_members"].integer
    names = ("t7_min_members", "us_cost_premium")
    runs = plan(SweepSpec(vary=tuple((n, ()) for n in names), sample=40, seed=1), ruleset)
    members = {r.parameters["t7_min_members"] for r in runs}
    assert members == {2.0, 3.0, 4.0, 5.0, 6.0}
    assert not all(float(r.parameters["us_cost_premium"]).is_integer() for r in runs)


def test_the_python_api_returns_a_data_frame() -> None:
    pytest.importorskip("pandas")
    frame = sweep(vary={"us_cost_premium": [0.3, 0.5]}, seeds=2, turns=4, final_only=True, workers=1)  # fmt: skip
    assert len(frame) == 4
    assert set(frame["us_cost_premium"]) == {0.3, 0.5}
    assert "silicon_shield" in frame.columns
    assert "score_TW" in frame.columns


def test_the_dask_backend_on_a_local_cluster_gives_the_same_rows(
    swept: Path, tmp_path: Path
) -> None:
    """`--scheduler local` plays the sweep on a real `distributed.LocalCluster`."""
    pytest.importorskip("distributed")
    done = cli(*GRID, "--seeds", "3", "--turns", "8", "--workers", "2", "--scheduler", "local",
               "--out", "dask.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert rows(tmp_path / "dask.csv") == rows(swept / "grid.csv")
    manifest = json.loads((tmp_path / "dask.manifest.json").read_text())
    assert manifest["backend"] == "dask (local)"


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    done = cli("--vary", "us_cost_premium=0.3", "--turns", "2", "--scheduler", "tcp://127.0.0.1:9",
               "--out", "x.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler 'tcp://127.0.0.1:9'" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # no file begun


def test_plot_draws_a_metric_against_a_parameter_and_against_time(
    swept: Path, tmp_path: Path
) -> None:
    """A PNG per figure; what was drawn is the mean and the 5-95% band of each point's runs."""
    pytest.importorskip("matplotlib")
    pd = pytest.importorskip("pandas")
    from game.research._plot import plot

    drawn = plot(swept / "grid.csv", "us_cost_premium", "silicon_shield", tmp_path / "p.png")
    frame = pd.read_csv(swept / "grid.csv")
    last = frame[(frame["turn"] == 8) & (frame["us_cost_premium"] == 0.4)]["silicon_shield"]
    (line,) = drawn["lines"]
    assert line["x"] == [0.3, 0.4, 0.5]
    assert line["mean"][1] == pytest.approx(last.mean())
    assert line["low"][1] <= line["mean"][1] <= line["high"][1]
    assert line["runs"] == 6  # 2 crisis risks x 3 seeds per premium
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    done = subprocess.run(
        [sys.executable, "-m", "game", "plot", str(swept / "grid.csv"), "--x", "turn", "--y",
         "silicon_shield", "--by", "us_cost_premium", "--out", "t.png"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 lines" in done.stderr
    assert "each point pools the runs of every value of crisis_base_risk" in done.stderr
    assert (tmp_path / "t.png").stat().st_size > 10_000


def test_plot_names_a_missing_column_and_writes_nothing(swept: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    for args, message in {
        (
            "--x",
            "us_cost_premiun",
            "--y",
            "silicon_shield",
        ): "--x us_cost_premiun: no such column in the results (did you mean 'us_cost_premium'?)",
        ("--x", "turn", "--y", "shield"): "--y shield: no such column",
        (
            "--x",
            "us_cost_premium",
            "--y",
            "silicon_shield",
            "--turn",
            "99",
        ): "--turn 99: the results have turns 0 to 8",
    }.items():
        done = subprocess.run(
            [sys.executable, "-m", "game", "plot", str(swept / "grid.csv"), *args, "--out", "x.png"],
            capture_output=True, text=True, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert not (tmp_path / "x.png").exists()


def test_plot_refuses_what_it_cannot_draw_in_one_line(swept: Path, tmp_path: Path) -> None:
    """Run ids, a parameter twice, a metric across, time from a final-only sweep and a file
    without rows are each refused in words (exit 2 for a wrong option, 1 for the file)."""
    pytest.importorskip("matplotlib")
    grid = str(swept / "grid.csv")
    final = cli("--vary", "us_cost_premium=0.3,0.4", "--turns", "2", "--final-only", "--out", "f.csv", cwd=tmp_path)  # fmt: skip
    assert final.returncode == 0, final.stderr
    (tmp_path / "empty.csv").write_text("a,b\n")
    cases = [
        ([grid, "--x", "us_cost_premium", "--y", "run"], 2, "--y run: not a number column"),
        (
            [grid, "--x", "us_cost_premium", "--y", "silicon_shield", "--by", "us_cost_premium"],
            2,
            "--by us_cost_premium: already across",
        ),
        (
            [grid, "--x", "silicon_shield", "--y", "deterrence"],
            2,
            "--x silicon_shield: not a parameter the sweep varied; choose turn, year or us_cost_premium, crisis_base_risk",
        ),
        (
            ["f.csv", "--x", "turn", "--y", "silicon_shield"],
            2,
            "--x turn: the results have turn 2 only (a --final-only sweep?)",
        ),
        (
            ["empty.csv", "--x", "a", "--y", "b"],
            1,
            "cannot read 'empty.csv': it has no rows of a sweep",
        ),
    ]
    for args, code, message in cases:
        done = subprocess.run([sys.executable, "-m", "game", "plot", *args, "--out", "x.png"],
                              capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
        assert done.returncode == code, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "x.png").exists()


def test_a_sample_refuses_values_and_sobol_wants_a_power_of_two(tmp_path: Path) -> None:
    done = cli("--sample", "4", "--vary", "us_cost_premium=0.3,0.4", "--out", "s.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "with --sample give names only" in done.stderr
    pytest.importorskip("SALib")
    done = cli("--sample", "10", "--method", "sobol", "--vary", "us_cost_premium", "--vary",
               "crisis_base_risk", "--out", "s.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "--sample 10: a Sobol sample needs a power of two base points" in done.stderr
    assert "try 8 or 16" in done.stderr
    assert "Warning" not in done.stderr
    assert list(tmp_path.iterdir()) == []


# Sensitivity ------------------------------------------------------------------------
def test_analyze_ranks_the_parameter_that_moves_the_metric_first(tmp_path: Path) -> None:
    """On a Saltelli sample, Sobol indices put organic growth (how fast every foundry grows)
    first for the world's advanced capacity after 16 quarters, and the US cost premium first
    for the US share of it; Morris on a screening sample agrees on the first."""
    pytest.importorskip("SALib")
    names = ["--vary", "organic_growth", "--vary", "us_cost_premium", "--vary", "drill_tension"]

    def ranked(results: str, metric: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "game", "analyze", results, "--metric", metric, "--json"],
            capture_output=True, text=True, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [r["parameter"] for r in json.loads(done.stdout)["parameters"]]

    done = cli("--sample", "8", "--method", "sobol", *names, "--turns", "16", "--final-only",
               "--out", "s.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("sweep: 40 of 40 runs")  # 8 x (3 + 2)
    assert set(ranked("s.csv", "world_advanced_capacity")) == {"organic_growth", "us_cost_premium", "drill_tension"}  # fmt: skip
    assert ranked("s.csv", "world_advanced_capacity")[0] == "organic_growth"
    assert ranked("s.csv", "us_advanced_share")[0] == "us_cost_premium"
    done = cli("--sample", "6", "--method", "morris", *names, "--turns", "16", "--final-only",
               "--out", "m.csv", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        [sys.executable, "-m", "game", "analyze", "m.csv", "--metric", "world_advanced_capacity"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert "morris, 24 points" in text
    assert ranked("m.csv", "world_advanced_capacity")[0] == "organic_growth"


def test_analyze_refuses_a_grid_in_words(swept: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "analyze",
            str(swept / "grid.csv"),
            "--metric",
            "silicon_shield",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "analyze needs a sweep made with --sample N --method sobol (or morris), not a grid" in done.stderr  # fmt: skip


def test_a_dask_worker_plays_the_rules_it_is_sent_not_a_folder(tmp_path: Path) -> None:
    """On a cluster the rules travel as the text of their files: a worker whose machine
    lacks the sweep's rules folder plays the same rows as one reading the folder."""
    from game.research._sweep import _play, _play_remote

    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, folder)
    ruleset = load_ruleset(folder)
    spec = SweepSpec(rules=str(folder), turns=3, vary=(("us_cost_premium", (0.35,)),), seeds=2)
    runs = plan(spec, ruleset)
    local = [_play(spec, run) for run in runs]
    shutil.rmtree(folder)  # the worker's machine has no such folder
    remote = _play_remote((spec, runs), dict(ruleset.sources))
    assert [status for status, _ in remote] == ["ok", "ok"]
    assert remote == local


def test_a_dry_run_counts_the_runs_and_writes_nothing(tmp_path: Path) -> None:
    """`--dry-run` says how many runs a Morris sample makes (N x (D + 1)) before any is played."""
    pytest.importorskip("SALib")
    done = cli("--sample", "4", "--method", "morris", "--vary", "us_cost_premium", "--vary",
               "crisis_base_risk", "--seeds", "3", "--turns", "8", "--final-only", "--out",
               "m.csv", "--dry-run", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sweep: would play 36 runs (12 points of us_cost_premium, crisis_base_risk x 3 seeds) of 8 turns")  # fmt: skip
    assert "36 rows to m.csv; nothing played (--dry-run)" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_a_sweep_plays_by_the_rules_it_started_with_if_their_files_change(
    swept: Path, tmp_path: Path, workers: int
) -> None:
    """Rules edited (here: broken) while a sweep runs change none of its runs: every run
    is played by the rules the manifest records."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    spec = SweepSpec(rules=str(rules), turns=8, seeds=3, vary=(
        ("us_cost_premium", grid_values("0.3:0.5:3")), ("crisis_base_risk", (0.01, 0.05))))  # fmt: skip

    def edit(done: int, total: int) -> None:
        (rules / "broken.yaml").write_text("rules: [\n", encoding="utf-8")

    out = tmp_path / "edited.csv"
    summary = sweep(spec, out, workers=workers, progress=edit)
    assert (rules / "broken.yaml").exists()
    assert (summary.played, summary.failed) == (18, 0)
    assert rows(out) == rows(swept / "grid.csv")
    manifest = json.loads(out.with_name("edited.manifest.json").read_text(encoding="utf-8"))
    assert manifest["ruleset_hash"] == load_ruleset(DEFAULT_RULES).hash
