"""A classroom game in progress: the model, who sits where, and what the facilitator does.

`Session` knows nothing of Pygame. Screens ask it what to show and hand it the teams'
`Decision`s; it plays turns, autosaves, undoes, injects events, switches seats and saves,
always through the model's own record, so a game played here replays headless exactly.
The teams' names travel with the game in its saves and autosaves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from game.ruleset import DecisionLine, Ruleset, load_ruleset
from game.saves import TEAM_NAME_MAX, Autosaver, read_save, write_save
from game.sim import Decision, GeoModel, TurnReport

__all__ = ["Session", "Team", "team_name"]


def team_name(text: str, nation_name: str) -> str:
    """A team's name as typed, made one a save can hold: printable, at most
    `TEAM_NAME_MAX` characters, and "Team <nation name>" when nothing is left."""
    name = "".join(c for c in text if c.isprintable()).strip()[:TEAM_NAME_MAX].rstrip()
    return name or f"Team {nation_name}"[:TEAM_NAME_MAX]


@dataclass
class Team:
    """A team of students steering one nation, at this computer or on its own device."""

    nation: str
    name: str
    device: bool = False  # the team decides in a browser on its own device (--lan)


@dataclass
class Session:
    """One classroom game: the model, its teams, the turn's decisions and its history."""

    model: GeoModel
    teams: dict[str, Team] = field(default_factory=dict)
    autosaver: Autosaver | None = None
    decided: dict[str, Decision] = field(default_factory=dict)
    reports: list[TurnReport] = field(default_factory=list)

    @classmethod
    def new(
        cls,
        scenario: str | None,
        teams: dict[str, str],
        seed: int | None = None,
        rules: Ruleset | None = None,
        autosave: Path | None = None,
        devices: Iterable[str] = (),
    ) -> Session:
        """Start a game of `scenario` with `teams` (nation -> team name); bots play the rest.
        The teams of the nations in `devices` decide on their own devices, the others at
        this computer.

        Raises:
            ParameterError: for an unknown scenario or nation.
        """
        seats = dict.fromkeys(teams, "human")
        model = GeoModel(seed=seed, scenario=scenario, rules=rules, seats=seats, trace=True)
        on_devices = set(devices)
        return cls(
            model,
            {
                n: Team(n, team_name(name, model.nations[n].name), n in on_devices)
                for n, name in teams.items()
            },
            Autosaver(autosave) if autosave is not None else None,
        )

    @classmethod
    def load(cls, path: str | Path, autosave: Path | None = None, devices: bool = False) -> Session:
        """Continue a saved game with the rules it carries; its team seats stay teams,
        under the names saved with them ("Team <nation name>" for a save without names),
        at this computer or (`devices`) every one on its own device.

        Raises:
            SaveError: when the save cannot be read.
        """
        save = read_save(path)
        model = save.model(trace=True)
        teams = {
            n: Team(n, save.teams.get(n) or team_name("", model.nations[n].name), devices)
            for n, seat in model.seats.items()
            if seat == "human"
        }
        return cls(model, teams, Autosaver(autosave) if autosave is not None else None)

    @property
    def team_names(self) -> dict[str, str]:
        """Each team's name by its nation, as the saves keep them."""
        return {n: team.name for n, team in self.teams.items()}

    # The turn ----------------------------------------------------------------------
    @property
    def waiting(self) -> list[str]:
        """The nations of the teams at this computer that have not yet decided this turn,
        in order of seat (teams on devices decide on their pages meanwhile)."""
        return [n for n, t in self.teams.items() if not t.device and n not in self.decided]

    @property
    def on_devices(self) -> list[str]:
        """The nations whose teams decide on their own devices."""
        return [n for n, team in self.teams.items() if team.device]

    def decide(self, decision: Decision) -> None:
        """Record a team's decision for the coming turn (checked as a decisions file is).

        Raises:
            DecisionError: when the decision cannot be taken.
        """
        self.model.submit(decision)
        self.decided[decision.nation] = decision

    def resolve(self) -> TurnReport:
        """Play the turn with the teams' decisions (bots decide the rest), then autosave."""
        report = self.model.play_turn()
        self.reports.append(report)
        self.decided = {}
        if self.autosaver is not None:
            self.autosaver.save(self.model, self.team_names)
        return report

    # The facilitator ---------------------------------------------------------------
    def undo(self) -> None:
        """Take the last turn back, rebuilding the game from its record.

        Raises:
            ParameterError: before the first turn.
        """
        self.model = self.model.rewound()
        self.reports = self.reports[:-1]
        self.decided = {}

    def reload_rules(self, folder: str | Path) -> GeoModel:
        """Read the rules in `folder` again and replay the game's record under them, to
        go on from the same turn: the decisions teams, scripts and the facilitator made
        are applied as recorded, bots decide again under the new rules, and the teams
        decide the coming turn again. The turns' reports are those of the replay;
        events injected for the coming turns stay injected (they are in the record).

        Raises:
            RulesetError: when the rules have errors (listing each at file:line:col);
                the game goes on unchanged under its rules.
            RecordError: when the record names what the new rules lack (a nation, an
                action, an event); the game is unchanged.
        """
        ruleset = load_ruleset(folder)
        old = self.model
        reports: list[TurnReport] = []
        model = GeoModel.from_record(old.record(), rules=ruleset, trace=old.tracing, reports=reports)  # fmt: skip
        model.undo_log = list(old.undo_log)
        self.model = model
        self.reports = reports
        self.decided = {}
        return model

    def inject(self, event: str) -> None:
        """Make `event` happen in the coming turn."""
        self.model.add_decisions([DecisionLine(turn=self.model.turn + 1, event=event)])

    def set_seat(self, nation: str, team: str | None, device: bool = False) -> None:
        """Give `nation` to a team named `team` (at this computer, or on its own `device`),
        or (None) to its bot, from the coming turn. A team that only moves between this
        computer and a device keeps its name and its decision."""
        if team is None:
            self.teams.pop(nation, None)
            self.decided.pop(nation, None)
            self.model.submitted.pop(nation, None)
            self.model.seats[nation] = "bot"
        elif nation in self.teams:
            self.teams[nation].device = device
        else:
            name = team_name(team, self.model.nations[nation].name)
            self.teams[nation] = Team(nation, name, device)
            self.model.seats[nation] = "human"

    def save(self, path: str | Path) -> Path:
        """Write the game to `path` (atomically).

        Raises:
            SaveError: when it cannot be written.
        """
        return write_save(self.model, path, self.team_names)

    @property
    def over(self) -> bool:
        """Whether the last turn has been played."""
        return self.model.over
