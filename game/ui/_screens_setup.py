"""Before the play: the setup screen, and the curtain that hands the keyboard to a team."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UITextBox, UITextEntryLine

from game.errors import GameError
from game.ruleset import Ruleset, load_ruleset
from game.saves import TEAM_NAME_MAX, SaveListing, list_saves
from game.ui._screen import Screen
from game.ui._session import Session, team_name

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["HOW_TO_PLAY", "HOW_TO_PLAY_DEVICES", "HandoffScreen", "HowToPlay", "SetupScreen"]

TEAM, DEVICE, BOT = "Team", "Team on a device", "Bot"
AT_KEYBOARD, ON_DEVICES, MIXED = "at this computer", "on their own devices", "some on devices"


class SetupScreen(Screen):
    """Choose a scenario, who plays each nation, the seed; start, continue or load."""

    name = "setup"

    def __init__(self, app: App):
        super().__init__(app)
        self.ruleset: Ruleset = load_ruleset(app.rules_folder)
        options = app.options
        self.scenario = options.scenario or self.ruleset.default_scenario
        self.seed = options.seed if options.seed is not None else secrets.randbelow(10_000)
        self.seats: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._reset_seats()
        self.widgets: dict[str, Any] = {}
        self.problem = ""

    def _reset_seats(self) -> None:
        spec = self.ruleset.scenarios[self.scenario]
        given = self.app.options.seats
        for nation in self.ruleset.nations:
            seat = given.get(nation, spec.seats.get(nation, "bot"))
            if self.app.options.autoplay is not None:
                seat = "bot"
            team = DEVICE if self.app.options.lan or seat == "device" else TEAM
            self.seats[nation] = BOT if seat == "bot" else team
            self.names.setdefault(nation, f"Team {self.ruleset.nations[nation].name}")

    def _latest_save(self) -> SaveListing | None:
        """The newest readable save in the saves folder, finished or not: the game as it
        was left (a finished game's last autosave holds its last quarter; an older one
        would have it played again)."""
        try:
            listed = list_saves(self.app.options.saves)
        except GameError:
            return None
        return next((s for s in listed if s.summary is not None), None)

    def build(self) -> None:
        look, w = self.look, self.look.width
        u = self.unit
        self.label("Silicon Shield", self.rect(2, 1, 30, 3), "@title")
        self.label(
            "A strategy game of the US–Taiwan technology alliance",
            self.rect(2, 3.8, 40, 1.6),
            "@muted",
        )
        titles = {s.title or ident: ident for ident, s in self.ruleset.scenarios.items()}
        self.titles = titles
        current = self.ruleset.scenarios[self.scenario].title or self.scenario
        # A heading's label is taller than its 1.5 units (the label fits its text): what
        # follows it starts below its bottom, never under it.
        heading = self.label("Scenario", self.rect(2, 6.5, 12, 1.5), "@heading")
        top = heading.relative_rect.bottom
        self.widgets["scenario"] = UIDropDownMenu(
            list(titles),
            current,
            pygame.Rect(2 * u, top, 20 * u, round(1.8 * u)),
            manager=self.manager,
        )
        brief = self.ruleset.scenarios[self.scenario]
        self.widgets["brief"] = UITextBox(
            f"<b>{current}</b><br>{brief.doc}",
            pygame.Rect(2 * u, top + round(2.2 * u), 20 * u, 9 * u),
            manager=self.manager,
        )
        seed = top + round(11.8 * u)
        # The heading's taller label is centred on the entry's row.
        said = self.label("Seed", pygame.Rect(2 * u, seed, 5 * u, u), "@heading")
        said.set_relative_position((2 * u, seed + (round(1.8 * u) - said.relative_rect.h) // 2))
        self.widgets["seed"] = UITextEntryLine(
            pygame.Rect(7 * u, seed, 7 * u, round(1.8 * u)), manager=self.manager
        )
        self.widgets["seed"].set_text(str(self.seed))
        self.widgets["seed"].set_allowed_characters("numbers")
        self.widgets["new_seed"] = self.button(
            "New",
            pygame.Rect(round(14.5 * u), seed, 4 * u, round(1.8 * u)),
            tip="Draw another seed",
        )
        where = seed + round(2.4 * u)
        said = self.label("Teams play", pygame.Rect(2 * u, where, 9 * u, u), "@heading")
        said.set_relative_position((2 * u, where + (round(1.8 * u) - said.relative_rect.h) // 2))
        self.widgets["where"] = UIDropDownMenu(
            [AT_KEYBOARD, ON_DEVICES, MIXED],
            self._where(),
            pygame.Rect(11 * u, where, 11 * u, round(1.8 * u)),
            manager=self.manager,
        )
        self._build_seats(24 * u, heading.relative_rect.top)
        bottom = look.height - 3 * u
        self.widgets["start"] = self.button(
            "Start the game (Enter)", pygame.Rect(w - 14 * u, bottom, 12 * u, 2 * u), "@primary"
        )
        latest = self._latest_save()
        self.latest = latest.path if latest is not None else None
        summary = latest.summary if latest is not None else None
        finished = summary is not None and summary.turn >= summary.turns
        note = ""
        if latest is None or summary is None:
            words, tip = "Continue last game", "No save yet"
        elif finished:
            words = "Last game's debrief"
            tip = f"Open the debrief of {latest.path.name}"
            note = (
                f"The last game is finished ({summary.date}, {summary.turn} of "
                f"{summary.turns} quarters played): its debrief is one click away."
            )
        else:
            words = "Continue last game"
            tip = f"Open {latest.path.name} ({summary.turn} of {summary.turns} quarters played)"
        self.widgets["continue"] = self.button(
            words, pygame.Rect(w - 27 * u, bottom, 12 * u, 2 * u), tip=tip
        )
        if latest is None:
            self.widgets["continue"].disable()
        self.widgets["load"] = self.button(
            "Load a save…", pygame.Rect(w - 40 * u, bottom, 12 * u, 2 * u)
        )
        self.widgets["howto"] = self.button(
            "How to play", pygame.Rect(2 * u, bottom, 10 * u, 2 * u)
        )
        self.problem_label = self.label(
            self.problem or note,
            pygame.Rect(2 * u, bottom - round(2.4 * u), w - 4 * u, 2 * u),
            "@muted",
        )

    def _build_seats(self, x: int, y: int) -> None:
        """Who plays each nation: a heading at (`x`, `y`) pixels, then a row per nation (its
        name, Team or Bot, the team's name).

        Rows are as tall as their tallest widget and a gap apart, and the columns as wide
        as their longest text, so no row reaches into the next at any window size.
        """
        look, u = self.look, self.unit
        heading = self.label("Who plays each nation", pygame.Rect(x, y, 24 * u, u), "@heading")
        self.widgets["seats_heading"] = heading
        font = self.app.text.font(look.text())
        names = [spec.name for spec in self.ruleset.nations.values()]
        named = max(font.size(name)[0] for name in names) + u
        seat = (
            max(font.size(text)[0] for text in (TEAM, DEVICE, BOT)) + 3 * u
        )  # text, arrow, margins
        gap = u // 2
        entry_x = x + named + seat + gap
        entry = min(12 * u, max(6 * u, look.width - 2 * u - entry_x))
        row = max(round(1.8 * u), round(look.text() * 1.6))
        y = heading.relative_rect.bottom
        for nation, spec in self.ruleset.nations.items():
            self.widgets[f"nation:{nation}"] = self.label(spec.name, pygame.Rect(x, y, named, row))
            self.widgets[f"seat:{nation}"] = UIDropDownMenu(
                [TEAM, DEVICE, BOT],
                self.seats[nation],
                pygame.Rect(x + named, y, seat, row),
                manager=self.manager,
            )
            name = UITextEntryLine(pygame.Rect(entry_x, y, entry, row), manager=self.manager)
            name.set_text_length_limit(TEAM_NAME_MAX)
            name.set_text(self.names[nation])
            if self.seats[nation] == BOT:
                name.disable()
            self.widgets[f"name:{nation}"] = name
            y += row + gap

    def process_event(self, event: pygame.event.Event) -> bool:
        w = self.widgets
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is w["scenario"]:
                self.scenario = self.titles[event.text]
                self._reset_seats()
                self.app.show(self)
                return True
            if event.ui_element is w["where"]:
                if event.text == MIXED:
                    self.problem = "Choose for each nation below: Team (at this computer) or Team on a device."  # fmt: skip
                    self.app.show(self)
                else:
                    self.choose_devices(event.text == ON_DEVICES)
                return True
            for nation in self.ruleset.nations:
                if event.ui_element is w[f"seat:{nation}"]:
                    self.choose_seat(nation, event.text)
                    return True
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is w["new_seed"]:
                self.seed = secrets.randbelow(10_000)
                w["seed"].set_text(str(self.seed))
                return True
            if event.ui_element is w["start"]:
                self.begin()
                return True
            if event.ui_element is w["continue"] and self.latest is not None:
                self.open(self.latest)
                return True
            if event.ui_element is w["howto"]:
                self.app.open_overlay(HowToPlay(self.app))
                return True
            if event.ui_element is w["load"]:
                self.dialog = pygame_gui.windows.UIFileDialog(
                    self.rect(10, 4, 40, 26),
                    manager=self.manager,
                    window_title="Load a save",
                    initial_file_path=str(self.app.options.saves),
                    allow_picking_directories=False,
                )
                return True
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            self.open(Path(event.text))
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            event.ui_element.unfocus()  # Enter finished the name; the next Enter starts
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            for nation in self.ruleset.nations:
                if event.ui_element is w[f"name:{nation}"]:
                    self.names[nation] = team_name(event.text, self.ruleset.nations[nation].name)
            if event.ui_element is w["seed"] and event.text.isdigit():
                self.seed = int(event.text)
        typing = any(isinstance(x, UITextEntryLine) and x.is_focused for x in w.values())
        if event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN and not typing:
            self.begin()
            return True
        return False

    def _where(self) -> str:
        """Where the teams play, as the "Teams play" menu says it."""
        kinds = {seat for seat in self.seats.values() if seat != BOT}
        if kinds == {DEVICE} or (not kinds and self.app.options.lan):
            return ON_DEVICES
        return MIXED if kinds == {TEAM, DEVICE} else AT_KEYBOARD

    def choose_devices(self, devices: bool) -> None:
        """Every team decides on its own device (in a browser), or at this computer."""
        if devices and not self._lan_available():
            return
        self.app.options.lan = devices
        for nation, seat in self.seats.items():
            if seat != BOT:
                self.seats[nation] = DEVICE if devices else TEAM
        self.problem = (
            "The teams will join from a browser: the game shows the address and a code."
            if devices
            else ""
        )
        self.app.show(self)

    def choose_seat(self, nation: str, seat: str) -> None:
        """Who plays `nation`: a team at this computer, a team on a device, or its bot."""
        if seat == DEVICE and not self._lan_available():
            return
        self.seats[nation] = seat
        self.app.show(self)  # the team's name entry and the "Teams play" menu follow

    def _lan_available(self) -> bool:
        """Whether teams can join from devices (the lan extra); if not, say why."""
        from game.lan._server import missing_extra

        problem = missing_extra()
        if problem:
            self.problem = problem
            self.app.show(self)
        return not problem

    def begin(self) -> None:
        """Start a new game as set up."""
        teams = {n: self.names[n] for n, seat in self.seats.items() if seat != BOT}
        try:
            session = Session.new(
                self.scenario,
                teams,
                seed=self.seed,
                rules=self.ruleset,
                autosave=self.app.options.saves,
                devices=[n for n, seat in self.seats.items() if seat == DEVICE],
            )
        except GameError as exc:
            self.show_problem(str(exc))
            return
        self.app.start(session)

    def open(self, path: Path) -> None:
        """Continue a saved game (a finished one opens at its debrief)."""
        try:
            session = Session.load(
                path, autosave=self.app.options.saves, devices=self._where() == ON_DEVICES
            )
        except GameError as exc:
            self.show_problem(str(exc))
            return
        self.app.start(session)

    def show_problem(self, text: str) -> None:
        """Say in one line what went wrong."""
        self.problem = text
        self.problem_label.set_text(text)

    def autoplay(self) -> None:
        self.begin()


class HandoffScreen(Screen):
    """A full-screen curtain: whose turn it is; nothing of the previous team's choices."""

    name = "handoff"

    def __init__(self, app: App, nation: str, demo: bool = False):
        super().__init__(app)
        self.nation = nation
        self.demo = demo

    def build(self) -> None:
        session = self.app.require_session()
        name = session.model.nations[self.nation].name
        team = session.teams[self.nation].name if self.nation in session.teams else f"Team {name}"
        look = self.look
        self.lines = [
            (f"{session.model.date_of(session.model.turn + 1)}", "heading", look.colour("muted")),
            (team, "huge", look.nation(self.nation)),
            (f"plays {session.model.nations[self.nation].name}", "title", look.colour("text")),
            ("Everyone else: please look away.", "heading", look.colour("muted")),
            (
                "Press any key or click when your team is at the keyboard.",
                "body",
                look.colour("text"),
            ),
        ]
        lan = self.app.lan
        if lan is not None and session.on_devices:  # late teams on devices can still join
            self.lines.append((f"Teams on their own devices join at {lan.url} with the code "
                               f"{lan.lobby.code}", "body", look.colour("muted")))  # fmt: skip

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.look.colour("background"))
        look = self.look
        y = look.height // 2 - 5 * self.unit
        for text, kind, colour in self.lines:
            size = look.text(kind)
            self.app.text.draw(
                surface,
                text,
                (look.width // 2, y),
                size,
                colour,
                bold=kind != "body",
                anchor="midtop",
            )
            y += int(size * 1.5)

    def process_event(self, event: pygame.event.Event) -> bool:
        if (
            event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONUP)
            and getattr(event, "key", None) != pygame.K_F1
        ):
            self.reveal()
            return True
        return False

    def reveal(self) -> None:
        """Open the team's decision screen."""
        from game.ui._screens_turn import DecideScreen

        self.app.show(DecideScreen(self.app, self.nation, demo=self.demo))

    def autoplay(self) -> None:
        self.reveal()


HOW_TO_PLAY = (
    "<b>1.</b> Each quarter, every team in turn takes the keyboard; a curtain hides the "
    "other teams' choices, so the room looks away.<br>"
    "<b>2.</b> Split your budget across the investment lines (they always add up to 100%) "
    "and choose your moves; a greyed move says why it is not open now.<br>"
    "<b>3.</b> Confirm: when every team has decided, the quarter resolves and bots play the "
    "other nations.<br>"
    "<b>4.</b> Read the news: <b>Why?</b> shows the rules behind each item, the passage of "
    "the article they come from, and what they changed.<br>"
    "<b>5.</b> The world and the charts show where things stand; at the end the debrief "
    "scores each team against its objectives.<br><br>"
    "The facilitator's menu (F1) injects events, undoes a turn, saves and switches seats. "
    "No mouse? Tab moves a ring between buttons, Space or Enter presses the one in the "
    "ring, Esc closes a window."
)

HOW_TO_PLAY_DEVICES = (
    "<b>1.</b> Each team opens the address on the projector on a phone or laptop (or scans "
    "the QR code), types the join code and takes its nation's seat. A team at this "
    "computer takes the keyboard in turn instead, behind a curtain.<br>"
    "<b>2.</b> On the page, split your budget across the investment lines (they always add "
    "up to 100%), choose your moves and answer proposals; a greyed move says why it is "
    "not open now. Submit, and change it as often as you like until the quarter is played.<br>"
    "<b>3.</b> When every team has submitted, the quarter is played and the projector shows "
    "the news; <b>P</b> on the waiting screen plays it without the late teams, who keep "
    "their standing split.<br>"
    "<b>4.</b> Read the news on the projector or on your page: <b>Why?</b> shows the rules "
    "behind each item, the passage of the article they come from, and what they changed.<br>"
    "<b>5.</b> A page that is closed, reloaded or asleep rejoins its seat with nothing "
    "lost; at the end the debrief scores each team against its objectives.<br><br>"
    "The facilitator's menu (F1) injects events, undoes a turn, saves, sets a turn timer "
    "(the pages count down) and moves a team between this computer, a device and a bot."
)


class HowToPlay(Screen):
    """A turn explained in five lines, over the first screen of a first game."""

    name = "howto"

    def build(self) -> None:
        look, u = self.look, self.unit
        rect = pygame.Rect(look.width // 2 - 23 * u, 2 * u, 46 * u, look.height - 4 * u)
        self.window = pygame_gui.elements.UIWindow(
            rect, manager=self.manager, window_display_title="How to play"
        )
        inner = self.window.get_container().get_rect()
        devices = self.app.session is not None and self.app.session.on_devices
        self.text = HOW_TO_PLAY_DEVICES if devices else HOW_TO_PLAY
        UITextBox(
            self.text,
            pygame.Rect(0, 0, inner.width, inner.height - round(2.6 * u)),
            manager=self.manager,
            container=self.window,
        )
        self.ok = pygame_gui.elements.UIButton(
            pygame.Rect(
                inner.width - 12 * u, inner.height - round(2.3 * u), 11 * u, round(1.8 * u)
            ),
            "Got it (Enter)",
            manager=self.manager,
            container=self.window,
        )

    def draw(self, surface: pygame.Surface) -> None:
        """The window is a widget; nothing to draw over it."""

    def process_event(self, event: pygame.event.Event) -> bool:
        done = (
            (event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.ok)
            or (event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.window)
            or (
                event.type == pygame.KEYDOWN
                and event.key in (pygame.K_RETURN, pygame.K_ESCAPE, pygame.K_SPACE)
            )
        )
        if done:
            self.close()
        return done

    def close(self) -> None:
        """Back to the game."""
        self.window.kill()
        if self.app.overlay is self:
            self.app.close_overlay()

    def autoplay(self) -> None:
        self.close()
