"""Teams on their own devices: a real server on 127.0.0.1 and a free port, real WebSocket
clients, and `silicon-shield host` as a real process."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
websockets = pytest.importorskip("websockets")
from websockets.exceptions import ConnectionClosed, InvalidStatus  # noqa: E402
from websockets.sync.client import ClientConnection, connect  # noqa: E402

from game.lan._host import HostOptions, host  # noqa: E402
from game.lan._server import MAX_MESSAGE  # noqa: E402
from game.sim import Decision  # noqa: E402
from game.ui import Session  # noqa: E402

from .hosting import host_process  # noqa: E402


class Served:
    """A game served by `host()` in a thread, as the `host` command serves it."""

    def __init__(self, tmp_path: Path, teams: list[str], scenario: str = "seminar", **options: Any):
        self.line: dict[str, Any] = {}
        self.ready = threading.Event()
        self.session: Any = None
        self.failed: BaseException | None = None
        self.stop = threading.Event()
        self.pages = contextlib.ExitStack()
        opts = HostOptions(scenario=scenario, teams=teams, seed=3, port=0,
                           saves=tmp_path / "saves", **options)  # fmt: skip

        def announce(text: str) -> None:
            self.line = json.loads(text)
            self.ready.set()

        def serve() -> None:
            try:
                self.session = host(opts, announce, self.stop)
            except BaseException as exc:
                self.failed = exc
                self.ready.set()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        assert self.ready.wait(20), "the server did not start"
        assert self.failed is None, self.failed

    @property
    def ws(self) -> str:
        return self.line["url"].replace("http://", "ws://") + "ws"

    @property
    def origin(self) -> str:
        return self.line["url"].rstrip("/")

    def open(self, origin: str | None = None) -> ClientConnection:
        """A page's connection; its first message is the hello."""
        client = self.pages.enter_context(
            connect(self.ws, origin=origin or self.origin, open_timeout=10)  # type: ignore[arg-type]
        )
        hello = receive(client)
        assert (hello["type"], hello["protocol"]) == ("hello", 1)
        return client

    def join(self, nation: str) -> tuple[ClientConnection, str, dict[str, Any]]:
        """Join `nation`'s seat with the code: the connection, the token and the state."""
        client = self.open()
        send(client, {"type": "join", "protocol": 1, "code": self.line["code"], "nation": nation})
        joined = receive(client)
        assert joined["type"] == "joined", joined
        return client, joined["token"], receive(client)


def send(client: ClientConnection, message: dict[str, Any]) -> None:
    client.send(json.dumps(message))


def receive(
    client: ClientConnection, kind: str | None = None, timeout: float = 10
) -> dict[str, Any]:
    """The next message (of `kind`, skipping others)."""
    while True:
        message = json.loads(client.recv(timeout=timeout))
        if kind is None or message["type"] == kind:
            return message


def state_for(client: ClientConnection, turn: int) -> dict[str, Any]:
    """Read until the state of quarter `turn` (or the end) arrives."""
    while True:
        message = receive(client, "state")
        if message["turn"] == turn or message["over"]:
            return message


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    game = Served(tmp_path, ["US", "TW", "JP"])
    yield game
    # Whatever the test did, end the game so the thread and the port are released.
    game.pages.close()
    game.stop.set()
    game.thread.join(timeout=10)
    assert not game.thread.is_alive()


def test_three_teams_join_submit_and_a_quarter_is_played(served: Served) -> None:
    clients = {}
    for nation in ("US", "TW", "JP"):
        client, token, state = served.join(nation)
        assert len(token) >= 22  # 128 bits, url-safe
        assert (state["nation"], state["turn"], state["date"]) == (nation, 1, "2025 Q1")
        assert {line["id"] for line in state["lines"]} >= {"fabs", "defense"}
        clients[nation] = client
    send(clients["US"], {"type": "submit", "turn": 1, "invest": {"fabs": 0.6, "ai": 0.4},
                         "actions": [{"action": "propose_sourcing_5050", "target": "TW"}]})  # fmt: skip
    assert receive(clients["US"], "accepted")["turn"] == 1
    mine = receive(clients["US"], "state")
    assert mine["submitted"] is True
    assert mine["pending"]["actions"] == [{"action": "propose_sourcing_5050", "target": "TW"}]
    for nation in ("TW", "JP"):
        send(clients[nation], {"type": "submit", "turn": 1, "invest": None, "actions": []})
    after = state_for(clients["TW"], 2)
    assert after["date"] == "2025 Q2"
    assert after["proposals"][0]["from"] == "US"  # Taiwan now has the 50-50 plan to answer
    assert any("50-50" in item["text"] for item in after["news"])
    why = next(item for item in after["news"] if "50-50" in item["text"])
    assert why["causes"]
    assert why["causes"][0]["origin"]


def test_a_reload_or_another_device_with_the_token_finds_the_decision(served: Served) -> None:
    client, token, _ = served.join("TW")
    send(client, {"type": "submit", "turn": 1, "invest": {"defense": 0.5, "fabs": 0.5}, "actions": []})  # fmt: skip
    receive(client, "accepted")
    client.close()  # the page reloads, or the phone sleeps
    again = served.open()
    send(again, {"type": "join", "protocol": 1, "token": token})
    assert receive(again)["nation"] == "TW"
    state = receive(again, "state")
    assert state["submitted"] is True
    assert state["pending"]["invest"] == {"defense": 0.5, "fabs": 0.5}
    second = served.open()  # the same team on a second device, at once
    send(second, {"type": "join", "protocol": 1, "token": token})
    assert receive(second, "state")["pending"]["invest"] == {"defense": 0.5, "fabs": 0.5}


def test_a_wrong_code_a_taken_seat_and_another_version_are_refused(served: Served) -> None:
    client = served.open()
    send(client, {"type": "join", "protocol": 1, "code": "AAAAAA", "nation": "TW"})
    assert receive(client)["message"].startswith("wrong join code")
    pasted = " " + " ".join(served.line["code"].lower()) + " \n"  # spaces around and between
    other = served.open()
    send(other, {"type": "join", "protocol": 1, "code": pasted, "nation": "JP"})
    assert receive(other, "joined")["nation"] == "JP"
    send(client, {"type": "join", "protocol": 1, "token": "x" * 22})
    assert "no longer valid" in receive(client, "error")["message"]
    send(client, {"type": "join", "protocol": 2, "code": served.line["code"], "nation": "TW"})
    assert "another version" in receive(client, "error")["message"]
    served.join("TW")
    seats = receive(client, "hello")["seats"]  # a page choosing its seat sees it taken
    assert [s["taken"] for s in seats if s["nation"] == "TW"] == [True]
    send(client, {"type": "join", "protocol": 1, "code": served.line["code"], "nation": "TW"})
    assert "already taken" in receive(client, "error")["message"]
    send(client, {"type": "join", "protocol": 1, "code": served.line["code"], "nation": "CN"})
    assert receive(client, "error")["message"] == "choose one of the teams' seats"  # a bot's nation


def test_a_page_of_another_origin_is_refused(served: Served) -> None:
    with pytest.raises(InvalidStatus) as refused:
        served.open(origin="http://evil.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        served.open(origin="http://127.0.0.1:1")  # another port of this machine
    served.open()  # and the game goes on


def test_a_team_acts_only_for_its_own_nation(served: Served) -> None:
    tw, _, _ = served.join("TW")
    us, _, _ = served.join("US")
    # A page naming another nation still decides for its own seat, and only for it.
    send(tw, {"type": "submit", "nation": "US", "turn": 1, "invest": {"defense": 1.0}, "actions": []})  # fmt: skip
    receive(tw, "accepted")
    assert receive(tw, "state")["pending"]["invest"] == {"defense": 1.0}
    send(us, {"type": "join", "protocol": 1, "code": served.line["code"], "nation": "TW"})
    assert receive(us)["message"] == "this page already holds a seat"
    send(us, {"type": "submit", "turn": 1, "invest": None, "actions": []})
    assert receive(us, "state")["pending"] == {"invest": None, "actions": []}
    # Decisions are checked as the front end checks them.
    refused = {
        '{"fabs": 0.7, "ai": 0.7}': "TW: investment shares add up to 1.40; they may add up to at most 1",
        '{"nope": 0.5}': "TW: unknown investment line 'nope'",
        '{"fabs": "x"}': "each share of the budget must be a number",
    }
    for invest, message in refused.items():
        send(tw, {"type": "submit", "turn": 1, "invest": json.loads(invest), "actions": []})
        assert receive(tw, "error")["message"].startswith(message)
    send(tw, {"type": "submit", "turn": 1, "invest": None,
              "actions": [{"action": "impose_tariff", "target": "TW"}]})  # fmt: skip
    assert receive(tw, "error")["message"] == "TW: a nation cannot target itself"
    # A move closed this quarter is refused when sent, with its reason, not when played.
    send(tw, {"type": "submit", "turn": 1, "invest": None,
              "actions": [{"action": "form_t7", "target": None}]})  # fmt: skip
    closed = receive(tw, "error")["message"]
    assert closed.startswith("Form T7 is not open now: the number of nations in the Clean Network")  # fmt: skip
    send(tw, {"type": "submit", "turn": 5, "invest": None, "actions": []})
    assert "another quarter" in receive(tw, "error")["message"]
    unjoined = served.open()
    send(unjoined, {"type": "submit", "turn": 1, "invest": None, "actions": []})
    assert receive(unjoined)["message"] == "join a seat first"


def test_an_oversized_frame_and_a_flood_are_refused_without_harm(served: Served) -> None:
    big = served.open()
    big.send(json.dumps({"type": "submit", "padding": "x" * (MAX_MESSAGE + 10)}))
    with pytest.raises(ConnectionClosed):
        receive(big, timeout=5)
    flood = served.open()
    for _ in range(200):
        flood.send(json.dumps({"type": "nonsense"}))
    answers = [receive(flood)["message"] for _ in range(200)]
    assert "too many messages; wait a moment" in answers
    _, _, state = served.join("TW")  # others are served as before
    assert state["nation"] == "TW"


def test_the_turn_timeout_counts_down_once_every_team_joined(tmp_path: Path) -> None:
    """No clock until every team has a device; then the pages count down, and at the end
    the quarter is played, the late team keeping its standing split."""
    game = Served(tmp_path, ["US", "TW"], turn_timeout=1.5)
    try:
        us, _, state = game.join("US")
        assert state["seconds_left"] is None  # Taiwan has not joined: no clock yet
        time.sleep(2)
        assert not list((tmp_path / "saves").glob("autosave-*"))  # nothing played yet
        tw, _, state = game.join("TW")
        assert receive(us, "state")["seconds_left"] in (1, 2)  # both pages count down
        send(us, {"type": "submit", "turn": 1, "invest": {"ai": 1.0}, "actions": []})
        state = state_for(tw, 2)  # the clock ran out: the quarter is played without Taiwan
        assert state["seconds_left"] in (1, 2)  # and the next quarter has its clock
        assert state["late"] is True  # Taiwan's page says its standing split was used
        assert state_for(us, 2)["late"] is False
        game.stop.set()
        game.thread.join(timeout=10)
        log = {d.nation: d.by for d in game.session.model.decision_log if d.turn == 1}
        assert (log["US"], log["TW"]) == ("team", "standing")
    finally:
        game.pages.close()
        game.stop.set()
        game.thread.join(timeout=10)


def test_thirty_devices_are_served_at_once(tmp_path: Path) -> None:
    game = Served(tmp_path, ["US", "TW", "CN", "JP", "KR", "EU"])
    try:
        tokens = {}
        for nation in ("US", "TW", "CN", "JP", "KR", "EU"):
            _, tokens[nation], _ = game.join(nation)
        devices = []
        for i in range(24):  # four more devices per team: 30 pages in all
            nation = list(tokens)[i % 6]
            page = game.open()
            send(page, {"type": "join", "protocol": 1, "token": tokens[nation]})
            devices.append((nation, page))
        for nation, page in devices:
            assert receive(page, "state")["nation"] == nation
        for _nation, page in devices[:6]:
            send(page, {"type": "submit", "turn": 1, "invest": None, "actions": []})
        for _nation, page in devices:
            assert state_for(page, 2)["date"] == "2025 Q2"
    finally:
        game.pages.close()
        game.stop.set()
        game.thread.join(timeout=10)


def test_thirty_teams_are_served_at_once(tmp_path: Path) -> None:
    """Thirty teams, each on its own page, join, submit and get the next quarter."""
    from game.lan._bench import write_more_nations
    from game.ruleset import DEFAULT_RULES, load_ruleset

    # The bundled rules, with 24 more nations (X01 to X24) written to a temporary folder.
    ruleset = load_ruleset(write_more_nations(DEFAULT_RULES, 30, tmp_path / "rules30"))
    nations = list(ruleset.nations)
    assert len(nations) == 30
    game = Served(tmp_path, nations, rules=ruleset)
    try:
        pages = {nation: game.join(nation)[0] for nation in nations}
        for page in pages.values():
            send(page, {"type": "submit", "turn": 1, "invest": None, "actions": []})
        for nation, page in pages.items():
            state = state_for(page, 2)
            assert (state["nation"], state["date"]) == (nation, "2025 Q2")
        game.stop.set()
        game.thread.join(timeout=20)
        log = game.session.model.decision_log
        assert {d.nation for d in log if d.turn == 1 and d.by == "team"} == set(nations)
    finally:
        game.pages.close()
        game.stop.set()
        game.thread.join(timeout=10)


PLAN: dict[int, dict[str, tuple[dict[str, float] | None, list[tuple[str, str | None]]]]] = {
    1: {"US": ({"fabs": 0.5, "ai": 0.5}, [("propose_sourcing_5050", "TW")]),
        "TW": ({"defense": 0.4, "fabs": 0.6}, [])},
    2: {"US": (None, []), "TW": (None, [("reject_proposal", "US")])},
    5: {"US": (None, [("impose_tariff", "CN")]), "TW": ({"ai": 1.0}, [])},
}  # fmt: skip


def test_host_plays_the_seminar_as_the_hot_seat_game_with_the_same_decisions(
    tmp_path: Path,
) -> None:
    """`silicon-shield host` with scripted team pages gives the record the hot-seat game
    gives with the same decisions; it prints the run summary and leaves a save."""
    from game.saves import read_save

    process = host_process(tmp_path)
    try:
        line = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        assert line["url"].startswith("http://127.0.0.1:")
        assert len(line["code"]) == 6
        url = line["url"].replace("http://", "ws://") + "ws"
        with contextlib.ExitStack() as pages:
            clients = {}
            for nation in ("US", "TW"):
                page = pages.enter_context(connect(url, origin=line["url"].rstrip("/")))
                receive(page, "hello")
                send(page, {"type": "join", "protocol": 1, "code": line["code"], "nation": nation})
                clients[nation] = page
                receive(page, "state")
            turn = 1
            while True:
                for nation, page in clients.items():
                    invest, actions = PLAN.get(turn, {}).get(nation, (None, []))
                    moves = [{"action": a, "target": t} for a, t in actions]
                    send(page, {"type": "submit", "turn": turn, "invest": invest, "actions": moves})
                    receive(page, "accepted")
                states = [state_for(page, turn + 1) for page in clients.values()]
                if states[0]["over"]:
                    break
                turn += 1
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert out.startswith("Silicon Shield — scenario seminar, seed 3: 12 quarters")
    assert "2025 Q1 played (1 of 12); every team decided" in err.splitlines()
    (save,) = (tmp_path / "saves").glob("host-*.json")
    served = read_save(save).record

    session = Session.new("seminar", {"US": "", "TW": ""}, seed=3)
    for turn in range(1, 13):
        for nation in ("US", "TW"):
            invest, actions = PLAN.get(turn, {}).get(nation, (None, []))
            session.decide(Decision(nation, invest, list(actions)))
        session.resolve()
    hot_seat = session.model.record()
    assert served.decisions == hot_seat.decisions
    assert served.seed == hot_seat.seed
    assert served.ruleset_hash == hot_seat.ruleset_hash
    assert read_save(save).model().metric_values == session.model.metric_values


def test_host_continues_a_saved_game_with_its_teams(tmp_path: Path) -> None:
    """`host --load` serves a save's teams under their names, from the quarter it reached."""
    from game.ui._session import Session

    session = Session.new("seminar", {"US": "Washington", "TW": "Taipei"}, seed=3)
    session.resolve()
    save = session.save(tmp_path / "class.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "host", "--load", str(save), "--port", "0",
         "--saves", str(tmp_path / "saves")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        line = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        assert line["teams"] == ["US", "TW"]
        url = line["url"].replace("http://", "ws://") + "ws"
        with connect(url, origin=line["url"].rstrip("/")) as page:
            hello = receive(page, "hello")
            assert [s["team"] for s in hello["seats"]] == ["Washington", "Taipei"]
            send(page, {"type": "join", "protocol": 1, "code": line["code"], "nation": "TW"})
            assert receive(page, "state")["turn"] == 2  # quarter 1 was played before the save
    finally:
        process.kill()
        process.communicate(timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "seminar"], "say which nations teams play: --teams US,TW"),
        (["--load", "x.json", "--teams", "US"], "--load continues a saved game"),
        (["--load", "missing.json"], "missing.json"),
    ],
)
def test_host_s_wrong_arguments_get_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "game", "host", "--port", "0", *args],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_saves_the_hosted_game_and_says_how_to_go_on(tmp_path: Path) -> None:
    import signal

    from game.saves import read_save

    process = host_process(tmp_path)
    try:
        line = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        assert line["teams"] == ["US", "TW"]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    (save,) = (tmp_path / "saves").glob("host-*.json")
    assert "interrupted: the quarters played are saved" in err
    port = line["url"].rsplit(":", 1)[1].rstrip("/")
    saves = tmp_path / "saves"
    assert f"continue with: silicon-shield host --load {save} --bind 127.0.0.1 --port {port} --saves {saves}" in err  # fmt: skip
    assert read_save(save).teams == {"US": "Team United States", "TW": "Team Taiwan"}
