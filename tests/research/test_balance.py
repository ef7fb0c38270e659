"""`balance`: the strategy tournament, from its statistics to the command's output.

The command runs for real, as `python -m game` in subprocesses and through `main` in
this process; small runs (two seeds, four quarters, Taiwan only) keep it fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from game.cli import main
from game.errors import ParameterError
from game.research import (
    BalanceReport,
    BalanceSpec,
    RunSpec,
    Strategy,
    build_model,
    confidence_interval,
    run_balance,
)
from game.ruleset import DEFAULT_RULES

MAIN = Path(__file__).resolve().parents[2]
TINY = ["balance", "--seeds", "2", "--turns", "4", "--nation", "TW"]
DEFAULT = ["--rules", str(DEFAULT_RULES)]
# Taiwan scored on its defence alone, which only the defence line grows.
RIGGED_TW = {
    "doc": "Rigged for the test: only Taiwan's defence counts.",
    "terms": [{"metric": "tw_defense", "weight": 100, "over": "final"}],
}


@dataclass(frozen=True)
class Result:
    """What one command did."""

    code: int
    stdout: str
    stderr: str


def rigged_rules(folder: Path) -> Path:
    """A copy of the default rules in which Taiwan's score rewards one investment line."""
    rules = folder / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    path = rules / "objectives.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["objectives"]["TW"] = RIGGED_TW
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return rules


def in_process(args: list[str]) -> Result:
    """Run the command in this process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """The tiny run as text and as JSON on two workers in subprocesses (started together),
    and as JSON on one worker and on rigged rules in this process meanwhile."""
    rigged = rigged_rules(tmp_path_factory.mktemp("rigged"))
    commands = {
        "text": [*TINY, "--workers", "1"],  # in the project folder: its rules/
        "json2": [*TINY, *DEFAULT, "--workers", "2", "--json"],
    }
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "game", *args],
            cwd=MAIN,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for name, args in commands.items()
    }
    results = {
        "json1": in_process([*TINY, *DEFAULT, "--workers", "1", "--json"]),
        "rigged": in_process([*TINY, "--workers", "1", "--rules", str(rigged)]),
    }
    for name, proc in started.items():
        out, err = proc.communicate(timeout=300)
        results[name] = Result(proc.returncode, out, err)
    return results


# The command -------------------------------------------------------------------------
def test_text_report_has_a_table_and_a_verdict(runs: dict[str, Result]) -> None:
    """The text report shows Taiwan's table with the doctrine marked, then one verdict line."""
    result = runs["text"]
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Balance of baseline: 4 quarters, seeds 1–2")
    assert any(line.startswith("TW — Taiwan: ") for line in lines)
    assert any(line.startswith("* doctrine ") for line in lines)
    assert any(line.lstrip().startswith("all-in fabs ") for line in lines)
    assert lines[-1].startswith(("TW: no dominant strategy", "TW: DOMINANT: "))
    assert result.stderr.strip().splitlines() == ["rules: rules/"]  # no progress off a terminal


def test_json_report_has_every_strategy_with_intervals(runs: dict[str, Result]) -> None:
    """`--json` gives per strategy the scores per seed, mean, CI and paired differences."""
    result = runs["json1"]
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["seeds"] == [1, 2]
    assert report["turns"] == 4
    assert list(report["nations"]) == ["TW"]
    strategies = {s["name"]: s for s in report["nations"]["TW"]["strategies"]}
    assert {"doctrine", "even", "tech only", "passive", "let proposals lapse"} <= set(strategies)
    assert {f"all-in {line}" for line in ("fabs", "ai", "defense")} <= set(strategies)
    for strategy in strategies.values():
        low, high = strategy["ci95"]
        assert low <= strategy["mean"] <= high
        assert len(strategy["scores"]) == 2
        assert set(strategy["vs_doctrine"]) == {"mean", "ci95"}
    assert strategies["doctrine"]["vs_doctrine"] == {"mean": 0.0, "ci95": [0.0, 0.0]}
    verdict = result.stderr.splitlines()[0]  # stdout stays pure JSON
    assert verdict.startswith("TW: ")


def test_workers_do_not_change_the_numbers(runs: dict[str, Result]) -> None:
    """One worker and two worker processes give the same report, byte for byte."""
    assert runs["json2"].code == 0, runs["json2"].stderr
    assert runs["json1"].stdout == runs["json2"].stdout


def test_rigged_scoring_flags_the_all_in_line(runs: dict[str, Result]) -> None:
    """When Taiwan scores on defence alone, all-in defence is flagged DOMINANT."""
    result = runs["rigged"]
    assert result.code == 0, result.stderr
    verdict = result.stdout.splitlines()[-1]
    assert verdict.startswith("TW: DOMINANT: all-in defense (+")
    row = next(line for line in result.stdout.splitlines() if "all-in defense" in line)
    assert row.endswith("DOMINANT")


def test_default_scoring_does_not_flag_the_all_in_line(runs: dict[str, Result]) -> None:
    """Under the default objectives, in the same setting, all-in defence is not dominant."""
    report = json.loads(runs["json1"].stdout)["nations"]["TW"]
    assert "all-in defense" not in report["dominant"]
    defense = next(s for s in report["strategies"] if s["name"] == "all-in defense")
    assert defense["vs_doctrine"]["mean"] < 0


BAD_VALUES = {
    "unknown nation": (["--nation", "XX"], "--nation: unknown nation 'XX'"),
    "near miss": (["--nation", "tw"], "(did you mean 'TW'?)"),
    "empty nation": (["--nation", "TW,,US"], "argument --nation: expected nation ids"),
    "unknown scenario": (["--scenario", "nope"], "--scenario: unknown scenario 'nope'"),
    "one seed": (["--seeds", "1"], "argument --seeds: expected 2 seeds or more"),
    "no number": (["--seeds", "many"], "argument --seeds: expected a number of seeds"),
    "no workers": (["--workers", "0"], "argument --workers: expected a number of at least 1"),
    "no turns": (["--turns", "0"], "argument --turns: expected a number of at least 1"),
    "too many turns": (["--turns", "1001"], "--turns 1001: a game has at most 1000 turns"),
    "negative margin": (["--margin", "-1"], "argument --margin: expected a number of points"),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_bad_values_exit_2_with_one_line(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad option value exits 2 with a message naming the option, before any game."""
    args, message = BAD_VALUES[case]
    try:
        code = main(["balance", "--workers", "1", *args])
    except SystemExit as exc:  # argparse refuses the value itself
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1, err
    assert message in errors[0]
    assert "Traceback" not in err


def test_a_nation_without_objective_is_refused(tmp_path: Path) -> None:
    """A nation the rules do not score is refused: it has no score to compare."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    path = rules / "objectives.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["objectives"]["JP"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spec = BalanceSpec(rules=str(rules), seeds=2, turns=2, nations=("JP",))
    with pytest.raises(ParameterError, match="JP has no objective") as caught:
        run_balance(spec)
    assert caught.value.name == "nation"


# The strategies ----------------------------------------------------------------------
@pytest.mark.parametrize("scenario", ["baseline", "seminar"])
def test_a_strategy_that_changes_nothing_plays_the_doctrines_game(scenario: str) -> None:
    """Submitting each turn what the bot would decide gives exactly the bots' game."""
    doctrine = build_model(RunSpec(scenario=scenario, turns=16), 3).run().scores()
    for nation in doctrine:
        model = build_model(RunSpec(scenario=scenario, turns=16), 3)
        unchanged = Strategy(nation, "unchanged", "moves")
        while not model.over:
            decision = unchanged.decision(model)
            assert decision is not None
            model.submit(decision)
            model.step()
        assert model.scores() == doctrine, nation


@pytest.fixture(scope="module")
def seminar() -> BalanceReport:
    """Every nation's tournament on the seminar scenario, two seeds, in this process."""
    return run_balance(BalanceSpec(scenario="seminar", seeds=2, turns=6))


def test_strategies_that_cannot_differ_are_not_played(seminar: BalanceReport) -> None:
    """Japan's doctrine takes no action and receives no proposal: no passive, no answers."""
    japan = next(n for n in seminar.nations if n.nation == "JP")
    names = {r.strategy.name for r in japan.results}
    assert "passive" not in names
    assert "accept all proposals" not in names
    assert {name for name, _ in japan.skipped} >= {"passive", "answers to proposals"}


def test_strategies_that_play_as_the_doctrine_are_marked(seminar: BalanceReport) -> None:
    """Taiwan's doctrine already rejects the 50-50 plan: 'reject all' plays as the doctrine."""
    taiwan = next(n for n in seminar.nations if n.nation == "TW")
    rejecting = taiwan.result("reject all proposals")
    assert rejecting.same_as_doctrine
    assert rejecting.scores == taiwan.result("doctrine").scores
    assert not taiwan.result("accept all proposals").same_as_doctrine


def test_every_investment_line_has_an_all_in_strategy(seminar: BalanceReport) -> None:
    """Each nation plays one all-in strategy per investment line, and the even split."""
    lines = ["fabs", "ai", "telecom", "quantum", "resilience", "talent", "defense"]
    for nation in seminar.nations:
        names = {r.strategy.name for r in nation.results}
        assert {f"all-in {line}" for line in lines} | {"doctrine", "even"} <= names


# The statistics ----------------------------------------------------------------------
def test_confidence_interval_uses_students_t() -> None:
    """Two values 0 and 2: mean 1, half-width t(0.975, 1) × 1.414 / 1.414 = 12.706."""
    mean, half = confidence_interval([0.0, 2.0])
    assert mean == 1.0
    assert half == pytest.approx(12.706205, abs=1e-6)


@pytest.mark.parametrize("n", [3, 10, 20, 31, 32, 64, 400])
def test_confidence_interval_matches_scipy(n: int) -> None:
    """The half-width equals SciPy's Student's t interval, from the table and beyond it."""
    stats = pytest.importorskip("scipy.stats")
    values = [float(i % 7) ** 1.5 for i in range(n)]
    mean, half = confidence_interval(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    expected = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert half == pytest.approx(expected, rel=1e-6)
