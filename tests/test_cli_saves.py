"""The save commands: `run --save/--load/--autosave`, `replay` and `saves`, with real files.

The acceptance check (continue a save in a new process, get the bytes of a game played
straight through) runs real subprocesses; the rest call `game.cli.main` in-process with
saves, decision files and rule copies written to `tmp_path`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.ruleset import DEFAULT_RULES
from game.saves import read_save

MAIN = Path(__file__).resolve().parents[1]
ACCEPT = "- {turn: 3, nation: TW, action: accept_proposal, target: US}\n"


def cli(*args: str | Path) -> tuple[int, str, str]:
    """Run `silicon-shield ARGS` in this process; return exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def shell(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m game ARGS` in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "game", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `a.json` (baseline, seed 3, 10 turns) and `seminar.json` (seed 1)."""
    folder = tmp_path_factory.mktemp("saved")
    assert cli("run", "--turns", "10", "--seed", "3", "--save", folder / "a.json")[0] == 0
    code, _, _ = cli(
        "run", "--scenario", "seminar", "--seed", "1", "--save", folder / "seminar.json"
    )
    assert code == 0
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` (recursively) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# Continuing a save ---------------------------------------------------------------------
def test_a_continued_save_prints_the_bytes_of_a_game_played_straight_through(
    tmp_path: Path,
) -> None:
    """run --save at 10, run --load --turns 10 in a new process: JSON and CSV as for 20 turns."""
    first = shell("run", "--turns", "10", "--seed", "3", "--save", "a.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    loaded = shell(
        "run", "--load", "a.json", "--turns", "10", "--json", "--out", "b.csv", cwd=tmp_path
    )
    straight = shell(
        "run", "--turns", "20", "--seed", "3", "--json", "--out", "c.csv", cwd=tmp_path
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == straight.stdout
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()


@pytest.mark.parametrize(("saved_at", "seed"), [(1, 0), (7, 5)])
def test_a_save_continues_exactly_from_other_turns_and_seeds(
    tmp_path: Path, saved_at: int, seed: int
) -> None:
    """Saving after another turn, with another seed, continues to the same JSON."""
    save = tmp_path / "s.json"
    cli("run", "--turns", str(saved_at), "--seed", str(seed), "--save", save)
    _, loaded, _ = cli("run", "--load", save, "--turns", str(12 - saved_at), "--json")
    _, straight, _ = cli("run", "--turns", "12", "--seed", str(seed), "--json")
    assert loaded == straight


def test_load_with_scripted_decisions_plays_them_in_the_new_turns(
    saved: Path, tmp_path: Path
) -> None:
    """--decisions with --load scripts the continued turns: the injected event fires."""
    lines = tmp_path / "more.yaml"
    lines.write_text("- {turn: 12, event: strait_crisis}\n", encoding="utf-8")
    code, out, _ = cli(
        "run", "--load", saved / "a.json", "--turns", "4", "--decisions", lines, "--json"
    )
    assert code == 0
    assert {"turn": 12, "id": "strait_crisis"} in json.loads(out)["events"]


def test_load_then_save_writes_the_longer_game(saved: Path, tmp_path: Path) -> None:
    """run --load --save writes the continued game, which loads at its new turn."""
    code, _, err = cli(
        "run", "--load", saved / "a.json", "--turns", "2", "--save", tmp_path / "b.json"
    )
    assert code == 0, err
    assert read_save(tmp_path / "b.json").record.turn == 12


@pytest.mark.parametrize("option", [["--seed", "4"], ["--scenario", "seminar"],
                                    ["--set", "us_cost_premium=0.3"], ["--rules", "rules"]])  # fmt: skip
def test_load_refuses_what_the_save_fixes(saved: Path, option: list[str]) -> None:
    """--load with --seed, --scenario, --set or --rules is a one-line error, exit 2."""
    code, out, err = cli("run", "--load", saved / "a.json", "--turns", "2", *option)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"--load cannot be used with {option[0]}" in err


def test_load_refuses_decisions_for_turns_already_played(saved: Path, tmp_path: Path) -> None:
    """A decisions line for a turn the save played is reported at its line and column."""
    lines = tmp_path / "early.yaml"
    lines.write_text("- {turn: 12, event: cable_cut}\n- {turn: 5, event: cable_cut}\n")
    code, out, err = cli("run", "--load", saved / "a.json", "--turns", "3", "--decisions", lines)
    assert code == 1
    assert out == ""
    assert f"{lines}:2:10: error: turn 5 is already played in the save" in err


def test_load_of_a_finished_game_without_turns_says_how_to_go_on(saved: Path) -> None:
    """--load of a game at its last turn without --turns asks for --turns."""
    code, _, err = cli("run", "--load", saved / "a.json")
    assert code == 2
    assert "the saved game is over (turn 10 of 10); give --turns N" in err


# play --load ---------------------------------------------------------------------------
NAMED = {"US": "Eagles", "TW": "Formosa Five"}


def play_load(save: Path, folder: Path) -> subprocess.CompletedProcess[bytes]:
    """`play --load SAVE --autoplay 1` headless, saving into `folder`/saves."""
    return subprocess.run(
        [sys.executable, "-m", "game", "play", "--load", str(save), "--autoplay", "1",
         "--saves", str(folder / "saves"), "--screenshots", str(folder / "shots")],
        cwd=folder,
        capture_output=True,
        timeout=300,
        check=False,
        env=os.environ | {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
    )  # fmt: skip


def named_game(path: Path, turns: int) -> Path:
    """The seminar with two named teams, `turns` quarters played, saved at `path`."""
    from game.ui import Session

    session = Session.new("seminar", NAMED, seed=5)
    for _ in range(turns):
        session.resolve()
    return session.save(path)


def test_play_load_keeps_the_team_names(tmp_path: Path) -> None:
    """play --load of a game 5 quarters in plays on under the saved team names: the
    autosave of quarter 6 and the exported debrief name the teams as they were named."""
    result = play_load(named_game(tmp_path / "week1.json", 5), tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    (autosave,) = (tmp_path / "saves").glob("autosave-*-t006.json")
    assert read_save(autosave).teams == NAMED
    (debrief,) = (tmp_path / "saves").glob("debrief-*/debrief.md")
    text = debrief.read_text(encoding="utf-8")
    assert re.search(r"\| United States \| (team )?Eagles \|", text)
    assert re.search(r"\| Taiwan \| (team )?Formosa Five \|", text)


def test_play_load_of_a_finished_game_opens_its_debrief(tmp_path: Path) -> None:
    """play --load of a game played to its end plays no quarter again: no autosave is
    written, and the debrief is of 2027 Q4 with the teams' names."""
    result = play_load(named_game(tmp_path / "final.json", 12), tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert not list((tmp_path / "saves").glob("autosave-*.json"))
    (debrief,) = (tmp_path / "saves").glob("debrief-seminar-2027Q4/debrief.md")
    assert re.search(r"\| United States \| (team )?Eagles \|", debrief.read_text(encoding="utf-8"))


# Autosave ------------------------------------------------------------------------------
def test_autosave_keeps_the_last_five_turns(tmp_path: Path) -> None:
    """run --autosave DIR saves after every turn and keeps the newest five."""
    code, _, _ = cli("run", "--turns", "8", "--seed", "2", "--autosave", tmp_path / "auto")
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "auto").iterdir())
    assert [n[-9:] for n in names] == [f"t{t:03d}.json" for t in range(4, 9)]
    assert read_save(tmp_path / "auto" / names[-1]).record.turn == 8


def test_autosave_defaults_to_the_saves_folder(tmp_path: Path) -> None:
    """run --autosave without a folder writes into saves/ of the current folder."""
    assert shell("run", "--turns", "2", "--autosave", cwd=tmp_path).returncode == 0
    assert len(list((tmp_path / "saves").glob("autosave-*.json"))) == 2


def test_autosave_into_a_file_is_refused_before_playing(tmp_path: Path) -> None:
    """--autosave naming a file is a one-line error, exit 2, and nothing is written."""
    (tmp_path / "x").write_text("keep", encoding="utf-8")
    code, out, err = cli("run", "--turns", "2", "--autosave", tmp_path / "x")
    assert (code, out) == (2, "")
    assert "is a file, not a folder" in err
    assert snapshot(tmp_path) == {"x": b"keep"}


# Replay --------------------------------------------------------------------------------
def test_replay_prints_what_run_printed(saved: Path) -> None:
    """replay SAVE --json is byte for byte the --json of the run that wrote the save."""
    _, replayed, err = cli("replay", saved / "a.json", "--json")
    _, played, _ = cli("run", "--turns", "10", "--seed", "3", "--json")
    assert replayed == played
    assert "rules: inside" in err


def test_replay_readable_output_is_run_s(saved: Path) -> None:
    """replay SAVE without --json prints the summary run prints."""
    _, replayed, _ = cli("replay", saved / "a.json")
    _, played, _ = cli("run", "--turns", "10", "--seed", "3")
    assert replayed == played


def test_replay_out_writes_the_per_turn_table(saved: Path, tmp_path: Path) -> None:
    """replay --out FILE.csv writes the CSV run --out wrote."""
    cli("replay", saved / "a.json", "--out", tmp_path / "r.csv")
    cli("run", "--turns", "10", "--seed", "3", "--out", tmp_path / "p.csv")
    assert (tmp_path / "r.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_replay_until_stops_at_that_turn(saved: Path) -> None:
    """replay --until 4 gives the game as it stood after turn 4."""
    code, out, _ = cli("replay", saved / "a.json", "--until", "4", "--json")
    _, played, _ = cli("run", "--turns", "4", "--seed", "3", "--json")
    assert code == 0
    assert json.loads(out)["turns"] == 4
    assert json.loads(out)["final"] == json.loads(played)["final"]


def test_replay_until_beyond_the_save_is_refused(saved: Path) -> None:
    """--until after the save's last turn is a one-line error, exit 2."""
    code, _, err = cli("replay", saved / "a.json", "--until", "11")
    assert code == 2
    assert "--until 11: the saved game reached turn 10" in err


def test_replay_with_other_rules_says_which_files_differ(saved: Path, tmp_path: Path) -> None:
    """replay --rules DIR names the changed file on stderr and plays under those rules."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    path = rules / "sourcing_5050.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    value: 0.4\n" in text
    path.write_text(text.replace("    value: 0.4\n", "    value: 0.3\n", 1), encoding="utf-8")
    code, out, err = cli("replay", saved / "seminar.json", "--rules", rules, "--json")
    assert code == 0
    assert "the rules differ from the saved ones" in err
    assert "changed: sourcing_5050.yaml" in err
    assert json.loads(out)["parameters"]["us_cost_premium"] == 0.3


def test_replay_with_the_same_rules_says_so(saved: Path) -> None:
    """replay --rules with the saved rules says they are the same."""
    code, _, err = cli("replay", saved / "a.json", "--rules", DEFAULT_RULES)
    assert code == 0
    assert "the rules are the saved ones" in err


# Branches ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def branched(saved: Path) -> tuple[dict, str, Path]:
    """seminar.json branched with TW accepting the 50-50 plan in turn 3: JSON, text, save."""
    branch = saved / "accept.yaml"
    branch.write_text(ACCEPT, encoding="utf-8")
    code, out, err = cli("replay", saved / "seminar.json", "--branch", branch, "--json")
    assert code == 0, err
    code, text, err = cli(
        "replay", saved / "seminar.json", "--branch", branch, "--save", saved / "accepted.json"
    )
    assert code == 0, err
    return json.loads(out), text, saved / "accepted.json"


def test_branch_says_where_the_games_part(branched: tuple[dict, str, Path]) -> None:
    """The branch output names the branching turn and the first turn where they part."""
    data, text, _ = branched
    assert data["start"] == {"turn": 3, "date": "2025 Q3"}
    assert data["parted"]["turn"] == 3
    assert "The games part at turn 3 (2025 Q3)." in text


def test_branch_shows_key_metrics_and_scores_side_by_side(branched: tuple[dict, str, Path]) -> None:
    """Every key metric and every nation's score appears for both games."""
    data, text, _ = branched
    for metric in ("silicon_shield", "tw_advanced_share", "us_advanced_share",
                   "strait_tension", "us_tw_trust", "global_gdp_index"):  # fmt: skip
        assert set(data["metrics"][metric]) == {"original", "branch", "change"}
        assert metric in text
    assert set(data["scores"]) == {"US", "TW", "CN", "JP", "KR", "EU"}
    assert data["metrics"]["us_advanced_share"]["change"] > 0


def test_branch_shows_each_game_s_headlines_from_the_branching_turn(
    branched: tuple[dict, str, Path],
) -> None:
    """The original rejects the plan in turn 3; the branch accepts it."""
    data, _, _ = branched
    first = {game: [h["text"] for h in data["headlines"][game] if h["turn"] == 3]
             for game in ("original", "branch")}  # fmt: skip
    assert any("rejects the 50-50 plan" in text for text in first["original"])
    assert any("accepts the 50-50 plan" in text for text in first["branch"])
    assert all(h["turn"] >= 3 for h in data["headlines"]["branch"])


def test_the_branch_s_save_loads_and_replays_to_the_branch(
    branched: tuple[dict, str, Path],
) -> None:
    """--save writes the branch as a save of its own, which replays to the branch's scores."""
    data, _, save = branched
    code, out, _ = cli("replay", save, "--json")
    assert code == 0
    assert json.loads(out)["scores"] == {n: s["branch"] for n, s in data["scores"].items()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {turn: 3, nation: XX, action: accept_proposal, target: US}\n", ":1:21: error: unknown nation 'XX'"),
        ("- {turn: 3, nation: TW, action: fly, target: US}\n", ":1:33: error: unknown action 'fly'"),
        ("- {turn: 3, nation: TW, invest: {fabs: lots}}\n", ":1:40: error:"),
        ("- {turn: 0, nation: TW, action: accept_proposal, target: US}\n", ":1:10: error:"),
        (ACCEPT + "- {turn: 40, event: cable_cut}\n", ":2:10: error: turn 40 is beyond the saved game"),
        ("", ":1:1: error: a branch file needs at least one decision line"),
    ],
    ids=["unknown-nation", "unknown-action", "wrong-type", "turn-0", "beyond-the-game", "empty"],
)  # fmt: skip
def test_a_bad_branch_file_is_reported_at_its_line(
    saved: Path, tmp_path: Path, text: str, message: str
) -> None:
    """Branch files with mistakes give `file:line:col: error:`, exit 1, nothing written."""
    branch = tmp_path / "branch.yaml"
    branch.write_text(text, encoding="utf-8")
    before = snapshot(saved)
    code, out, err = cli(
        "replay", saved / "seminar.json", "--branch", branch, "--save", tmp_path / "b.json"
    )
    assert (code, out) == (1, "")
    assert f"{branch}{message}" in err
    assert "Traceback" not in err
    assert not (tmp_path / "b.json").exists()
    assert snapshot(saved) == before


def test_branch_with_until_is_refused(saved: Path, tmp_path: Path) -> None:
    """--until and --branch together are a one-line error, exit 2."""
    branch = tmp_path / "b.yaml"
    branch.write_text(ACCEPT, encoding="utf-8")
    code, _, err = cli("replay", saved / "seminar.json", "--branch", branch, "--until", "5")
    assert code == 2
    assert "--until cannot be used with --branch" in err


# Listing -------------------------------------------------------------------------------
def test_saves_lists_newest_first_and_damaged_ones_with_their_problem(
    saved: Path, tmp_path: Path
) -> None:
    """saves DIR: newest first with scenario, date and turn; a cut-off file says why."""
    shutil.copy(saved / "a.json", tmp_path / "older.json")
    shutil.copy(saved / "seminar.json", tmp_path / "newer.json")
    os.utime(tmp_path / "older.json", (1_000_000_000, 1_000_000_000))
    cli("run", "--turns", "2", "--save", tmp_path / "newest.json")
    (tmp_path / "cut.json").write_bytes((saved / "a.json").read_bytes()[:400])
    code, out, _ = cli("saves", tmp_path)
    assert code == 0
    rows = out.splitlines()
    assert rows[0].split()[:4] == ["file", "scenario", "date", "turn"]
    assert [r.split()[0] for r in rows[1:]] == [
        "newest.json",
        "newer.json",
        "older.json",
        "cut.json",
    ]
    assert rows[1].split()[1:4] == ["baseline", "2025", "Q2"]
    assert "damaged: not a readable save" in rows[4]


def test_saves_json_gives_summaries_and_problems(saved: Path, tmp_path: Path) -> None:
    """saves --json lists each file with its summary, or null and its problem."""
    shutil.copy(saved / "a.json", tmp_path / "a.json")
    (tmp_path / "empty.json").write_bytes(b"")
    code, out, _ = cli("saves", tmp_path, "--json")
    data = {row["file"]: row for row in json.loads(out)}
    assert code == 0
    assert data["a.json"]["summary"]["turn"] == 10
    assert data["a.json"]["problem"] is None
    assert data["empty.json"]["summary"] is None
    assert "empty" in data["empty.json"]["problem"]


def test_saves_without_a_saves_folder_lists_nothing(tmp_path: Path) -> None:
    """saves in a folder with no saves/ says there are none, exit 0."""
    result = shell("saves", cwd=tmp_path)
    assert result.returncode == 0
    assert b"no saves in saves/" in result.stdout


def test_saves_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    """saves DIR for a folder that does not exist is a one-line error, exit 1."""
    code, _, err = cli("saves", tmp_path / "nowhere")
    assert code == 1
    assert err == f"silicon-shield saves: error: {tmp_path / 'nowhere'}: no such folder\n"


# Bad saves and save paths ----------------------------------------------------------------
def _damaged(good: bytes) -> dict[str, tuple[bytes, str]]:
    content = json.loads(good)
    tampered = dict(content, record=dict(content["record"], seed=99))
    newer = dict(content, format_version=99)
    return {
        "truncated": (good[: len(good) // 2], "the file is damaged or cut off"),
        "garbage": (bytes(range(256)) * 4, "not a save: the file is not text"),
        "not-a-save": (b'{"hello": 1}\n', "not a Silicon Shield save"),
        "tampered": (json.dumps(tampered).encode(), "its checksum does not match"),
        "newer": (json.dumps(newer).encode(), "written by a newer Silicon Shield"),
        "empty": (b"  \n", "the file is empty"),
        "zero-bytes": (b"", "the file is empty"),
    }


@pytest.mark.parametrize(
    "kind", ["truncated", "garbage", "not-a-save", "tampered", "newer", "empty", "zero-bytes"]
)
@pytest.mark.parametrize("command", [["replay"], ["run", "--turns", "2", "--load"]])
def test_a_bad_save_is_refused_in_one_line(
    saved: Path, tmp_path: Path, kind: str, command: list[str]
) -> None:
    """replay and run --load of a damaged save: one line naming it, exit 1, nothing changed."""
    data, message = _damaged((saved / "a.json").read_bytes())[kind]
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    args = (
        [*command, path]
        if command == ["replay"]
        else [*command, path, "--save", tmp_path / "x.json"]
    )
    code, out, err = cli(*args)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(f"silicon-shield {command[0]}: error: {path}: ")
    assert message in err
    assert snapshot(tmp_path) == {"bad.json": data}


@pytest.mark.parametrize(("target", "message"), [
    ("folder", "is a folder; give a file name"),
    ("missing/x.json", "the folder"),
])  # fmt: skip
def test_a_save_path_that_cannot_be_written_is_refused_before_playing(
    tmp_path: Path, target: str, message: str
) -> None:
    """run --save to a folder or into a missing folder: one line, exit 2, nothing played."""
    (tmp_path / "folder").mkdir()
    code, out, err = cli("run", "--turns", "2", "--save", tmp_path / target)
    assert (code, out) == (2, "")
    assert err.startswith(f"silicon-shield run: error: --save {tmp_path / target}: ")
    assert message in err
    assert snapshot(tmp_path) == {}


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_an_unwritable_save_file_is_refused_before_playing(tmp_path: Path) -> None:
    """run --save over a read-only file: one line, exit 2, the file unchanged."""
    target = tmp_path / "locked.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o444)
    code, out, err = cli("run", "--turns", "2", "--save", target)
    assert (code, out) == (2, "")
    assert "is not writable" in err
    assert target.read_text(encoding="utf-8") == "old"


def test_a_missing_save_is_one_line(tmp_path: Path) -> None:
    """replay of a file that is not there: one line, exit 1."""
    code, _, err = cli("replay", tmp_path / "nope.json")
    assert code == 1
    assert err == f"silicon-shield replay: error: {tmp_path / 'nope.json'}: no such save\n"


def test_a_refused_branch_move_is_flagged(saved: Path, tmp_path: Path) -> None:
    """A branch whose move the game refuses says so, instead of a silent 'never part'."""
    branch = tmp_path / "too_early.yaml"
    branch.write_text("- {turn: 1, nation: TW, action: accept_proposal, target: US}\n")
    code, out, err = cli("replay", saved / "seminar.json", "--branch", branch)
    assert code == 0
    assert "NOTE: a move of the branch was refused" in out
    assert "no proposal from the United States is pending" in err


def test_replay_under_rules_that_lack_a_recorded_action_is_one_line(
    saved: Path, tmp_path: Path
) -> None:
    """Rules without an action the save took are refused in one line, not a traceback."""
    branch = tmp_path / "accept.yaml"
    branch.write_text("- {turn: 3, nation: TW, action: accept_proposal, target: US}\n")
    assert (
        cli("replay", saved / "seminar.json", "--branch", branch, "--save", tmp_path / "b.json")[0]
        == 0
    )
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    for name in ("sourcing_5050.yaml", "bots.yaml"):
        path = rules / name
        path.write_text(path.read_text().replace("accept_proposal", "accept_offer"))
    code, _out, err = cli("replay", tmp_path / "b.json", "--rules", rules)
    assert code == 1
    assert err.strip().endswith("takes the action 'accept_proposal', which these rules lack")
    assert len(err.strip().splitlines()) == 1
