"""The projector while teams decide on their own devices (`play --lan`): where to join
(the address, a QR code of it, the join code), each team's status, and the instructor's
controls: the network to open the game on, and playing the quarter without the late."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
from pygame_gui.elements import UIDropDownMenu

from game.errors import GameError
from game.ui._screen import Screen

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["LanScreen"]

STATUS_WORDS = {
    "waiting": "waiting for a device",
    "deciding": "deciding",
    "submitted": "submitted",
    "disconnected": "disconnected (choices kept)",
}


class LanScreen(Screen):
    """Join here: the URL, its QR code and the code; the teams' status as they decide."""

    name = "lan"

    def __init__(self, app: App):
        super().__init__(app)
        self.widgets: dict[str, Any] = {}
        self.qr: pygame.Surface | None = None
        self.qr_for = ""

    def build(self) -> None:
        from game.lan._link import local_addresses

        link = self.app.require_lan()
        session = self.app.require_session()
        model = session.model
        self.widgets = {}
        minutes = self.app.timer_minutes
        clock = (id(model), model.turn, minutes)
        if link.clock_for != clock:
            # The facilitator's turn timer: one clock for the quarter, from when this screen
            # first shows it (or the timer is changed); the pages count down with it.
            link.clock_for = clock
            link.lobby.set_clock(minutes * 60 if minutes else None)
            link.hub.send_state()
        self.label(f"{model.date_of(model.turn + 1)}: the teams decide", self.rect(2, 1, 40, 2.6), "@title")  # fmt: skip
        shown = [a.label for a in local_addresses()]
        current = link.server.bind
        chosen = next((s for s in shown if s.split(" ")[0] == current), current)
        if chosen not in shown:
            shown.append(chosen)
        self.label("Open the game on", self.rect(2, 4.8, 10, 1.8))
        self.widgets["address"] = UIDropDownMenu(
            shown, chosen, self.rect(12, 4.8, 26, 1.8), manager=self.manager
        )
        # One line per team, as large as every line allows (the back of the room reads them).
        lines: list[tuple[str | None, str, float]] = []  # (nation on a device, text, width)
        for team in link.lobby.status():
            words = STATUS_WORDS.get(team["status"], team["status"])
            devices = f", {team['devices']} devices" if team["devices"] > 1 else ""
            lines.append((team["nation"], f"{self._who(team['nation'])}: {words}{devices}", 24))
        for nation, team in session.teams.items():
            if not team.device:
                done = "decided" if nation not in session.waiting else "decides"
                lines.append((None, f"{self._who(nation)}: {done} at this computer", 37))
        font = self.app.text.font(self.look.text("heading"), True)
        fits = all(font.size(text)[0] <= width * self.unit for _, text, width in lines)
        y = 7.6
        for nation, text, width in lines:
            self.label(text, self.rect(2, y, width, 1.8), "@heading" if fits else "")
            if nation is not None and link.lobby.seats[nation].token is not None:
                self.widgets["free:" + nation] = self.button(
                    "Free seat", self.rect(26.5, y, 6, 1.8),
                    tip="Close this team's pages: a device joins again with the code",
                )  # fmt: skip
            if nation is not None:
                self.widgets["bot:" + nation] = self.button(
                    "Bot plays", self.rect(33, y, 6, 1.8),
                    tip="Hand this seat to its bot from the coming quarter",
                )  # fmt: skip
            y += 2.6
        if session.waiting:
            said = f"{session.teams[session.waiting[0]].name} at the keyboard (Enter)"
            wide = max(16 * self.unit, self.app.text.font(self.look.text("body"), True).size(said)[0] + 2 * self.unit)  # fmt: skip
            self.widgets["keyboard"] = self.button(
                said,
                pygame.Rect(
                    self.look.width - 19 * self.unit - wide,
                    self.look.height - 3 * self.unit,
                    wide,
                    2 * self.unit,
                ),
                "@primary",
                tip="The hand-off curtain, then the team's decision; the room looks away",
            )
        if session.waiting:
            self.notes_at = y + 1
            return  # the teams at this computer decide before the quarter can be played
        self.widgets["play"] = self.button(
            "Play the quarter now (P)",
            pygame.Rect(
                self.look.width - 18 * self.unit,
                self.look.height - 3 * self.unit,
                16 * self.unit,
                2 * self.unit,
            ),
            "@primary",
            tip="Teams that have not submitted keep their standing split",
        )
        self.notes_at = y + 1

    def _who(self, nation: str) -> str:
        """'Team Taiwan', or 'Taipei (Taiwan)' for a team that chose its name."""
        session = self.app.require_session()
        name, team = session.model.nations[nation].name, session.teams[nation].name
        return team if team == f"Team {name}" else f"{team} ({name})"

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.look.colour("background"))
        link = self.app.require_lan()
        look, u = self.look, self.unit
        left = look.width - 24 * u
        text = self.app.text
        accent, ink = look.colour("accent"), look.colour("text")
        text.draw(surface, "Open on a phone or laptop:", (left, 4 * u), look.text("body"), ink)
        text.draw(surface, link.url, (left, 5.6 * u), look.text("heading"), accent, bold=True)
        text.draw(surface, "Join code", (left, 8 * u), look.text("body"), ink)
        text.draw(surface, link.lobby.code, (left, 9.4 * u), look.text("huge"), accent, bold=True)
        qr = self._qr(link.url, 12 * u)
        surface.blit(qr, (left, 14 * u))
        left_now = link.lobby.seconds_left()
        if left_now is not None:  # under the QR code, as large as the code
            whole = round(left_now)
            said = f"{whole // 60}:{whole % 60:02d} left" if whole else "Time's up"
            colour = look.colour("bad" if whole < 30 else "text")
            top = 14 * u + qr.get_height() + u  # above the line the room's notices take
            text.draw(surface, said, (left, top), look.text("title"), colour, bold=True)
            if not whole:
                text.draw(surface, "P plays the quarter", (left, top + 2.6 * u), look.text("body"), ink)  # fmt: skip
        lines: list[tuple[str, Any]] = []
        if link.server.bind.startswith("127."):
            lines.append(("Only this computer can join now: choose the classroom network's "
                          "address above to let the teams' devices in.", accent))  # fmt: skip
        lines.append((
            "Plain HTTP: others on an open network could overhear the game. A device that "
            f"cannot open the page can try {link.url}check; campus Wi-Fi often keeps devices "
            "apart (use a phone hotspot or a travel router instead), and this computer's "
            "firewall may ask to let the game through.", look.colour("muted"),
        ))  # fmt: skip
        y = round(getattr(self, "notes_at", 12) * u)
        size = look.text("small")
        for paragraph, colour in lines:
            for line in text.wrap(paragraph, size, left - 4 * u):
                text.draw(surface, line, (2 * u, y), size, colour)
                y += round(size * 1.4)
            y += round(size * 0.6)

    def _qr(self, url: str, size: int) -> pygame.Surface:
        """The QR code of `url`, dark on light, `size` pixels wide (cached)."""
        if self.qr is not None and self.qr_for == url and self.qr.get_width() == size:
            return self.qr
        from game.lan._link import qr_matrix

        rows = qr_matrix(url)
        cell = max(1, size // len(rows))
        image = pygame.Surface((cell * len(rows), cell * len(rows)))
        image.fill((255, 255, 255))
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    image.fill((0, 0, 0), pygame.Rect(x * cell, y * cell, cell, cell))
        self.qr, self.qr_for = image, url
        return image

    def process_event(self, event: pygame.event.Event) -> bool:
        import pygame_gui

        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element is self.widgets.get("address"):  # fmt: skip
            self.open_on(event.text.split(" ")[0])
            return True
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            pressed = next((k for k, w in self.widgets.items() if w is event.ui_element), "")
            if pressed == "play":
                self.play_now()
                return True
            if pressed == "keyboard":
                self.app.hand_keyboard()
                return True
            kind, _, nation = pressed.partition(":")
            if kind in ("free", "bot"):
                self.seat(kind, nation)
                return True
        # Not Enter: the news and the world move on with Enter, and one press too many
        # would play the next quarter without the teams.
        if event.type == pygame.KEYDOWN and event.key == pygame.K_p:
            self.play_now()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN and self.app.require_session().waiting:  # fmt: skip
            self.app.hand_keyboard()  # the curtain: harmless one press too many
            return True
        return False

    def play_now(self) -> None:
        """Play the quarter without the late teams on devices; the teams at this computer
        decide first (F1 can hand a team's seat to its bot)."""
        session = self.app.require_session()
        if session.waiting:
            team = session.teams[session.waiting[0]].name
            self.app.tell(f"{team} decides at this computer first: Enter hands it the keyboard")
            return
        self.app.resolve()

    def open_on(self, address: str) -> None:
        """Serve on `address`; teams' pages on the old one must open the new address."""
        try:
            self.app.require_lan().rebind(address)
        except GameError as exc:
            self.app.fail(str(exc), title="The game could not be opened there")
            return
        self.app.tell(f"Teams join at {self.app.require_lan().url} (again, with the code)")
        self.app.show(self)

    def seat(self, kind: str, nation: str) -> None:
        """Free a team's seat (its devices join again) or hand it to its bot."""
        link = self.app.require_lan()
        name = self.app.require_session().model.nations[nation].name
        if kind == "free":
            link.hub.free(nation)
            self.app.tell(f"{name}'s seat is free: a device joins with the code")
        else:
            link.hub.to_bot(nation)
            self.app.tell(f"{name} is played by its bot from the coming quarter")
        if link.lobby.seats:
            self.app.show(self)
        else:
            self.app.next_step()

    def refresh(self) -> None:
        """A team joined, decided or left: show its status."""
        self.app.show(self)

    def autoplay(self) -> None:
        if self.app.require_session().waiting:
            self.app.hand_keyboard()
        else:
            self.app.resolve()
