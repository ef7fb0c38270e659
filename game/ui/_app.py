"""The window, the event loop and the flow of a classroom game from screen to screen.

Flow: setup → for each quarter: (hand-off → decide) for each team → the turn resolves →
news → the world → … → debrief. F1 (or the ☰ button) opens the facilitator's menu on any
screen. With `autoplay`, a bot at the keyboard drives every screen and a PNG of each
kind of screen is saved as it is first shown.
"""

from __future__ import annotations

import html
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton
from pygame_gui.windows import UIMessageWindow

from game.errors import GameError, RulesetError
from game.ruleset import DEFAULT_RULES
from game.ui._focus import Focus, tend_windows, top_window
from game.ui._mapdata import font_path
from game.ui._present import Presenter
from game.ui._screen import Screen, Text
from game.ui._session import Session
from game.ui._theme import Look, load_look

__all__ = ["App", "PlayOptions", "play"]

MIN_SIZE = (1280, 720)
FPS = 60


@dataclass
class PlayOptions:
    """How `silicon-shield play` was asked to run."""

    scenario: str | None = None
    load: Path | None = None
    seats: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    size: tuple[int, int] = (1600, 900)
    fullscreen: bool = False
    autoplay: int | None = None
    screenshots: Path | None = None
    saves: Path = Path("saves")
    first_time: bool = False  # show "how to play" when the first game starts
    rules: Path | None = None  # the rules folder (None: the bundled rules); F5 reads it again
    lan: bool = False  # teams decide on their own devices, in a browser
    bind: str = "127.0.0.1"  # where their pages reach the game (chosen again on screen)
    port: int = 8765


class App:
    """The game's window and its flow from screen to screen."""

    def __init__(self, options: PlayOptions):
        self.options = options
        flags = pygame.FULLSCREEN if options.fullscreen else pygame.RESIZABLE
        size = (0, 0) if options.fullscreen else options.size
        self.window = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("Silicon Shield")
        self.look: Look = load_look(*self.window.get_size())
        self.manager = self._make_manager()
        self.facilitator_button: Any = None
        self.text = Text(str(font_path()), str(font_path(bold=True)))
        self.clock = pygame.time.Clock()
        self.session: Session | None = None
        self.screen: Screen | None = None
        self.overlay: Screen | None = None
        self.running = True
        self.exit_code = 0
        self.shown: set[str] = set()
        self.shots: list[Path] = []
        self._shot_due = False
        self._frames_on_screen = 0
        self.turns_played = 0
        self.timer_minutes: int | None = None  # the facilitator's turn timer (None: off)
        self.notice: tuple[str, float] | None = None  # a line for the room, and its seconds
        self.presenter = Presenter()
        self.focus = Focus()  # the keyboard's place among the controls (Tab, Space)
        self.lan: Any = None  # with --lan: the teams' devices (a LanLink)
        self._lan_shown: tuple[int, int] | None = None  # the game and quarter pages show
        self._keyboard_turn: tuple[int, int] | None = None  # (game, quarter) handed to keys

    def _make_manager(self) -> pygame_gui.UIManager:
        """pygame_gui's manager for the window's size, its fonts loaded up front."""
        manager = pygame_gui.UIManager(self.window.get_size(), self.look.gui_theme())
        # Text boxes quote the article in italics (the bundled font's regular face).
        manager.preload_fonts(
            [
                {"name": "source_sans", "point_size": self.look.text(kind), "style": style}
                for kind in ("body", "small")
                for style in ("italic",)
            ]
        )
        return manager

    # Screens -----------------------------------------------------------------------
    def show(self, screen: Screen) -> None:
        """Replace the current screen (and close any overlay)."""
        self.manager.clear_and_reset()
        if screen is not self.screen:
            self.focus.reset()  # the same screen rebuilt keeps its place; a new one starts over
        self.overlay = None
        self.screen = screen
        screen.build()
        self._add_facilitator_button(screen)
        self._shot_due = screen.name not in self.shown
        self._frames_on_screen = 0

    def _add_facilitator_button(self, screen: Screen) -> None:
        """The facilitator's menu is one click away on every screen of a game (F1 too);
        not on the curtain, which shows nothing but whose turn it is."""
        self.facilitator_button = None
        if self.session is None or screen.name in ("setup", "handoff"):
            return
        u = self.look.unit
        self.facilitator_button = pygame_gui.elements.UIButton(
            pygame.Rect(self.look.width - 13 * u, u // 2, 12 * u, round(1.8 * u)),
            "Facilitator (F1)",
            manager=self.manager,
            tool_tip_text="Inject an event, undo a turn, save, switch seats, end the game",
        )

    def open_overlay(self, overlay: Screen) -> None:
        """Show a window above the current screen (the facilitator's menu, Why?, help)."""
        self.overlay = overlay
        overlay.build()
        self._shot_due = overlay.name not in self.shown
        self._frames_on_screen = 0

    def close_overlay(self) -> None:
        """Close the overlay window, back to the screen under it."""
        self.overlay = None
        if self.screen is not None:
            self.show(self.screen)

    # The flow ----------------------------------------------------------------------
    def start(self, session: Session) -> None:
        """Begin (or continue) a game; the first time, explain how to play."""
        from game.ui._screens_setup import HowToPlay

        self.session = session
        self.close_lan()
        if session.on_devices:
            self._open_lan(session)
        self.next_step()
        if self.options.first_time and "howto" not in self.shown:
            self.open_overlay(HowToPlay(self))

    def next_step(self) -> None:
        """Show what comes next: a team's hand-off, the turn's news, or the debrief."""
        from game.ui._screens_setup import HandoffScreen
        from game.ui._screens_world import DebriefScreen

        session = self.require_session()
        demo = self._demo_nation()
        if session.over or self._autoplay_done():
            self.show(DebriefScreen(self))
        elif demo is not None:
            self.show(HandoffScreen(self, demo, demo=True))
        elif self.lan is not None and session.on_devices and not self._keyboard_begun():
            from game.ui._screens_lan import LanScreen

            # Where to join first; it hands the keyboard to the teams at this computer, and
            # plays the quarter once every team has decided.
            self.show(LanScreen(self))
        elif session.waiting:
            self.show(HandoffScreen(self, session.waiting[0]))
        else:
            self.resolve()

    def _keyboard_begun(self) -> bool:
        """Whether a team at this computer has begun deciding the coming quarter (its
        curtain was lifted from the waiting screen, or it has decided)."""
        session = self.require_session()
        at_keyboard = [n for n, team in session.teams.items() if not team.device]
        if not session.waiting:
            return False  # every team at this computer decided: the waiting screen again
        begun = self._keyboard_turn == (id(session.model), session.model.turn)
        return begun or len(session.waiting) < len(at_keyboard)

    def hand_keyboard(self) -> None:
        """The waiting screen hands the keyboard to the first team at this computer."""
        from game.ui._screens_setup import HandoffScreen

        session = self.require_session()
        self._keyboard_turn = (id(session.model), session.model.turn)
        self.show(HandoffScreen(self, session.waiting[0]))

    def resolve(self) -> None:
        """Play the turn and show its news."""
        from game.ui._screens_turn import NewsScreen

        session = self.require_session()
        try:
            report = session.resolve()
        except GameError as exc:
            self.fail(str(exc))
            return
        self.turns_played += 1
        self.show(NewsScreen(self, report))

    def _open_lan(self, session: Session) -> None:
        """Serve the teams' pages for `session` (a game loaded or started anew)."""
        from game.lan._link import LanLink
        from game.lan._server import missing_extra

        self.close_lan()
        problem = missing_extra()
        if not problem:
            try:
                self.lan = LanLink(session, self.options.bind, self.options.port)
                return
            except GameError as exc:
                problem = str(exc)
        for team in session.teams.values():
            team.device = False
        self.fail(f"{html.escape(problem)}. The teams play at this computer instead.",
                  title="Teams cannot join from their devices")  # fmt: skip

    def place_team(self, nation: str, device: bool) -> bool:
        """Move `nation`'s team to its own device or to this computer's keyboard (the
        teams' pages are served from the first team on a device); True when it moved.
        When the pages cannot be served, the team stays at the keyboard and a window
        says why."""
        session = self.require_session()
        session.set_seat(nation, f"Team {session.model.nations[nation].name}", device=device)
        if device and self.lan is None:
            self._open_lan(session)  # on failure, every team is back at the keyboard
        return self.lan is not None or not device

    def require_lan(self) -> Any:
        """The teams' devices (screens of `--lan` games only)."""
        if self.lan is None:
            raise RuntimeError("no game served to devices")
        return self.lan

    def close_lan(self) -> None:
        """Close the teams' pages and release the port."""
        if self.lan is not None:
            self.lan.close()
            self.lan = None

    def require_session(self) -> Session:
        """The game in progress (screens after setup always have one)."""
        if self.session is None:
            raise RuntimeError("no game in progress")
        return self.session

    def _demo_nation(self) -> str | None:
        """With autoplay, a team's hand-off and decision are shown once (the bot decides)."""
        if self.options.autoplay is None or "decide" in self.shown or self.session is None:
            return None
        if self.screen is not None and self.screen.name in ("handoff", "decide"):
            return None
        spec = self.session.model.scenario_spec
        teams = [n for n, seat in spec.seats.items() if seat == "human"]
        return (teams or list(self.session.model.nations))[0]

    def _autoplay_done(self) -> bool:
        return self.options.autoplay is not None and self.turns_played >= self.options.autoplay

    def fail(self, message: str, title: str = "Something went wrong") -> None:
        """Show a problem the players must know of (a save that would not load, say)."""
        wide = 40 if len(message) > 120 else 24  # a long message (a list of errors) wide
        pygame_gui.windows.UIMessageWindow(
            rect=pygame.Rect(0, 0, self.look.unit * wide, self.look.unit * 12).move(
                self.look.width // 2 - self.look.unit * wide // 2,
                self.look.height // 2 - self.look.unit * 6,
            ),
            html_message=message,
            manager=self.manager,
            window_title=title,
        )

    @property
    def rules_folder(self) -> Path:
        """The folder the game's rules are read from (and read again by F5)."""
        return self.options.rules if self.options.rules is not None else DEFAULT_RULES

    def reload_rules(self) -> bool:
        """F5: read the rules from disk again and replay the game under them; on errors,
        show them (file:line:col) and go on with the rules as they were. True when the
        new rules are in play."""
        session = self.require_session()
        turn = session.model.turn
        try:
            session.reload_rules(self.rules_folder)
        except RulesetError as exc:
            shown = [html.escape(d.render()) for d in exc.diagnostics[:12]]
            more = len(exc.diagnostics) - len(shown)
            if more > 0:
                shown.append(f"… and {more} more (silicon-shield validate lists them all)")
            self.fail(
                "The rules were not reloaded; the game goes on with its rules.<br><br>"
                + "<br>".join(shown),
                title="The rules have errors",
            )
            return False
        except GameError as exc:
            self.fail(f"The rules were not reloaded: {html.escape(str(exc))}", title="The rules do not fit this game")  # fmt: skip
            return False
        except Exception as exc:  # a bug of ours must not end a class's game
            traceback.print_exc()
            self.fail(
                "The rules were not reloaded, because of a fault in Silicon Shield (please "
                f"report it, with the rules): {html.escape(repr(exc))}. The game goes on with "
                "its rules.",
                title="The rules could not be reloaded",
            )
            return False
        # A new screen, without the facilitator's menu: the coming quarter's first team, or,
        # with no team to decide it, the news of the quarter just replayed.
        if session.waiting or not session.reports or session.over:
            self.next_step()
        else:
            from game.ui._screens_turn import NewsScreen

            self.show(NewsScreen(self, session.reports[-1]))
        replayed = f": {turn} turn{'s' if turn != 1 else ''} replayed under them" if turn else ""
        self.tell(f"Rules reloaded from {self.rules_folder}{replayed}")
        return True

    def tell(self, text: str, seconds: float = 6.0) -> None:
        """Show the room one line (what the facilitator just did) for a few seconds."""
        self.notice = (text, seconds)

    def quit(self, code: int = 0) -> None:
        """Leave the loop."""
        self.running = False
        self.exit_code = code

    # The loop ----------------------------------------------------------------------
    def run(self, first: Screen) -> int:
        """Run the event loop from `first` until the window closes; return the exit code."""
        self.show(first)
        while self.running:
            dt = self.clock.tick(FPS) / 1000.0
            for event in pygame.event.get():
                self.handle(event)
            self.frame(dt)
        return self.exit_code

    def handle(self, event: pygame.event.Event) -> None:
        """Route one event: quitting, resizing, F1, then the overlay, the widgets, the screen."""
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE and not self.options.fullscreen:
            self.resize(max(event.w, MIN_SIZE[0]), max(event.h, MIN_SIZE[1]))
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F1 and self.session:
            self.toggle_facilitator()
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F5 and self.session:
            self.reload_rules()
            return
        if self._keyboard_focus(event):
            return
        self.manager.process_events(event)
        if (
            event.type == pygame_gui.UI_BUTTON_PRESSED
            and self.facilitator_button is not None
            and event.ui_element is self.facilitator_button
        ):
            self.toggle_facilitator()
            return
        if self.overlay is not None:
            # An overlay is modal: a click in the facilitator's menu must not also lift the
            # hand-off curtain under it, nor Enter there confirm a team's decision.
            self.overlay.process_event(event)
        elif self.screen is not None:
            self.screen.process_event(event)

    def _keyboard_focus(self, event: pygame.event.Event) -> bool:
        """Tab / Shift+Tab move the focus between controls, Space (or Enter, on a button)
        presses the focused one; a click hands control back to the mouse. Return True when
        the event was used."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.focus.reset()
            return False
        if event.type != pygame.KEYDOWN:
            return False
        shift = bool(getattr(event, "mod", 0) & pygame.KMOD_SHIFT)
        if event.key == pygame.K_TAB:
            self.focus.move(self.manager, -1 if shift else 1)
            return True
        if event.key == pygame.K_SPACE:
            return self.focus.press(self.manager, backwards=shift)
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and isinstance(
            self.focus.current(self.manager), UIButton
        ):
            return self.focus.press(self.manager)  # Enter presses the button in the ring
        window = top_window(self.manager)
        if event.key == pygame.K_ESCAPE and isinstance(window, UIMessageWindow):
            window.kill()  # a message (a save that would not load): Esc dismisses it
            return True
        return False

    def toggle_facilitator(self) -> None:
        """Open or close the facilitator's menu."""
        from game.ui._facilitator import FacilitatorMenu

        if isinstance(self.overlay, FacilitatorMenu):
            self.close_overlay()
        elif self.session is not None:
            self.open_overlay(FacilitatorMenu(self))

    def resize(self, width: int, height: int) -> None:
        """Lay everything out again for a new window size."""
        self.window = pygame.display.set_mode((width, height), pygame.RESIZABLE)
        self.look = load_look(width, height)
        self.manager = self._make_manager()
        self.presenter.invalidate()
        if self.screen is not None:
            self.screen.rebind(self)
            self.show(self.screen)

    def frame(self, dt: float) -> None:
        """Update and draw one frame; take the screenshot or autoplay step that is due."""
        if self.lan is not None:
            self._tend_lan()
        for screen in (self.screen, self.overlay):
            if screen is not None:
                screen.update(dt)
        tend_windows(self.manager)
        self.manager.update(dt)
        if self.screen is not None:
            self.screen.draw(self.window)
        self.manager.draw_ui(self.window)
        self.focus.draw(self.window, self.manager, self.look.colour("accent"))
        if self.overlay is not None:
            self.overlay.draw(self.window)
        self._draw_notice(dt)
        self.presenter.present(self.window)
        self._frames_on_screen += 1
        current = self.overlay or self.screen
        if current is None or self._frames_on_screen < 3:
            return  # let widgets settle before a picture or a click
        if self._shot_due:
            self.shown.add(current.name)
            self._shot_due = False
            self.screenshot(current.name)
        if self.options.autoplay is not None:
            current.autoplay()

    def _draw_notice(self, dt: float) -> None:
        if self.notice is None:
            return
        text, left = self.notice
        self.notice = (text, left - dt) if left > dt else None
        look = self.look
        size = look.text("heading")
        font = self.text.font(size, True)
        text = self.text.wrap(text, size, look.width - 4 * look.unit, bold=True)[0]
        box = pygame.Rect((0, 0), font.size(text)).inflate(look.unit * 2, look.unit)
        box.midbottom = (look.width // 2, look.height - round(4.2 * look.unit))
        # An opaque box with a border, so the line reads clearly over whatever is below.
        pygame.draw.rect(self.window, look.colour("background"), box, border_radius=look.unit // 3)
        pygame.draw.rect(self.window, look.colour("accent"), box, width=2, border_radius=look.unit // 3)  # fmt: skip
        self.text.draw(self.window, text, box.center, size, look.colour("accent"), True, "center")

    def _tend_lan(self) -> None:
        """Hand the teams' messages to the game; play the quarter once every team decided."""
        changed = self.lan.pump()
        model = self.require_session().model
        ended = self.screen is not None and self.screen.name == "debrief"
        if (id(model), model.turn) != self._lan_shown or ended != self.lan.lobby.ended:
            # A quarter played, undone, the rules reloaded, or the game ended (the
            # facilitator may end it early): every page shows it now.
            self._lan_shown = (id(model), model.turn)
            self.lan.lobby.ended = ended
            self.lan.hub.send_state()
        waiting = self.screen is not None and self.screen.name == "lan" and self.overlay is None
        session = self.require_session()
        if waiting and not session.on_devices:
            self.next_step()  # the facilitator moved the last team on a device off it
        elif waiting and self.lan.lobby.ready and not session.waiting:
            self.resolve()
        elif waiting and changed:
            self.screen.refresh()  # type: ignore[attr-defined]

    def screenshot(self, name: str) -> None:
        """Save the window as `NN-name.png` in the screenshots folder, if one was given."""
        folder = self.options.screenshots
        if folder is None:
            return
        path = folder / f"{len(self.shots) + 1:02d}-{name}.png"
        pygame.image.save(self.window, str(path))
        self.shots.append(path)


def play(options: PlayOptions) -> int:
    """Open the window and play; return the exit code.

    Raises:
        GameError: when there is no display to open a window on.
    """
    if options.screenshots is not None:
        options.screenshots.mkdir(parents=True, exist_ok=True)
    if options.autoplay is not None:
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        pygame.display.init()
        pygame.font.init()
    except pygame.error as exc:
        raise GameError(
            f"no display to open the game's window on ({exc}); play headless with "
            "'silicon-shield run', or make screenshots with 'play --autoplay N --screenshots DIR' "
            "and SDL_VIDEODRIVER=dummy"
        ) from None
    app = None
    try:
        from game.ui._screens_setup import SetupScreen

        app = App(options)
        if options.load is not None:
            app.start(Session.load(options.load, autosave=options.saves, devices=options.lan))
            return app.run(app.screen) if app.screen is not None else 0
        return app.run(SetupScreen(app))
    finally:
        if app is not None:
            app.close_lan()  # the teams' pages are closed and the port released
        pygame.quit()
