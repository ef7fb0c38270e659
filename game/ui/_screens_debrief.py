"""The debrief at the end, made to be projected: each nation's score against its own
objectives (a table with no scroll bar, teams first, never a ranking), the turning points
(the teams' decisions first, as many as fit), and Export (a Markdown file with PNG charts
in a folder the instructor hands out). The charts are one key away (C).

The table and the turning points are drawn once into a surface of the window's size.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.windows import UIConfirmationDialog

from game.ui._export import (
    SCORES_NOTE,
    TurningPoint,
    change_words,
    export_debrief,
    score_line,
    seat_order,
    turning_points,
)
from game.ui._screen import Screen

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["DebriefScreen"]

# The turning points worth giving up the teams' aims for, when fewer fit beside them.
FEW_POINTS = 3


class DebriefScreen(Screen):
    """Scores, turning points and export, at the end."""

    name = "debrief"

    def __init__(self, app: App):
        super().__init__(app)
        self.exported: Path | None = None
        self.status_text = "Export writes debrief.md and its charts into the saves folder."
        self.base: pygame.Surface | None = None
        self.content = pygame.Rect(0, 0, 0, 0)  # between the title and the status line
        self.score_rows: dict[str, pygame.Rect] = {}  # each nation's row, as last drawn
        self.points_shown: list[TurningPoint] = []  # the turning points that fitted
        self.confirm: UIConfirmationDialog | None = None

    def build(self) -> None:
        look, u = self.look, self.unit
        self.confirm = None  # a rebuild (a resize) starts without the question
        session = self.app.require_session()
        model = session.model
        span = f"{model.date_of(1)} – {model.date}" if model.turn else "no quarter played"
        self.label(f"Debrief, {span}", self.rect(2, 1, 50, 2.6), "@title")
        self.label(
            f"Scenario {model.scenario_id} · seed {model.seed} · {model.turn} quarters",
            self.rect(2, 3.8, 50, 1.4),
            "@muted",
        )
        top = round(5.2 * u)
        self.content = pygame.Rect(
            2 * u, top, look.width - 4 * u, look.height - round(5.6 * u) - top
        )
        self.status = self.label(
            self.status_text,
            pygame.Rect(2 * u, look.height - round(5.2 * u), look.width - 4 * u, round(1.6 * u)),
            "@muted",
        )
        y, w = look.height - 3 * u, 11 * u
        self.quit_button = self.button("Quit (Q)", pygame.Rect(look.width - 2 * u - w, y, w, 2 * u))
        self.charts_button = self.button(
            "Charts (C)", pygame.Rect(look.width - 3 * u - 2 * w, y, w, 2 * u)
        )
        self.export_button = self.button(
            "Export (E)",
            pygame.Rect(look.width - 4 * u - 3 * w, y, w, 2 * u),
            "@primary",
            tip="Write debrief.md with PNG charts into a folder to hand out",
        )
        self.base = None

    # Events ------------------------------------------------------------------------
    def process_event(self, event: pygame.event.Event) -> bool:
        if self.asking():
            return self._answer(event)
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.quit_button:
                self.ask_to_quit()
                return True
            if event.ui_element is self.export_button:
                self.export()
                return True
            if event.ui_element is self.charts_button:
                self.open_charts()
                return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_e:
                self.export()
                return True
            if event.key == pygame.K_c:
                self.open_charts()
                return True
            if event.key == pygame.K_q:
                self.ask_to_quit()
                return True
        return False

    def asking(self) -> bool:
        """Whether "Quit the game?" is on screen."""
        return self.confirm is not None and self.confirm.alive()

    def ask_to_quit(self) -> None:
        """Ask before quitting (Q or Quit): Enter or its button quits, Esc goes back."""
        if self.asking():
            return
        look, u = self.look, self.unit
        rect = pygame.Rect(0, 0, 22 * u, 11 * u)
        rect.center = (look.width // 2, look.height // 2)
        self.confirm = UIConfirmationDialog(
            rect,
            "The game ends here; export first if the room needs the debrief. "
            "Enter quits, Esc goes back.",
            manager=self.manager,
            window_title="Quit the game?",
            action_short_name="Quit",
        )

    def _answer(self, event: pygame.event.Event) -> bool:
        """Events while the question is open: it alone answers them."""
        if event.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED:
            if event.ui_element is self.confirm:
                self.confirm = None
                self.app.quit()
            return True
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self._dismiss()
                self.app.quit()
            elif event.key == pygame.K_ESCAPE:
                self._dismiss()
            return True
        return False

    def _dismiss(self) -> None:
        if self.confirm is not None:
            self.confirm.kill()
        self.confirm = None

    def open_charts(self) -> None:
        """Show the charts; their Back returns here."""
        from game.ui._screens_world import ChartsScreen

        self.app.show(ChartsScreen(self.app, back=self))

    def export(self) -> Path | None:
        """Write the debrief into a new folder under the saves folder; say where."""
        session = self.app.require_session()
        teams = {n: t.name for n, t in session.teams.items()}
        try:
            path = export_debrief(
                session.model,
                self.app.options.saves,
                self.look,
                self.app.text,
                teams,
                session.reports,
            )
        except OSError as exc:
            self.status_text = f"Could not export: {exc}"
            self.status.set_text(self.status_text)
            return None
        self.exported = path
        self.status_text = (
            f"Exported to {path.parent}/ (debrief.md and charts/): hand out the folder."
        )
        self.status.set_text(self.status_text)
        return path

    def autoplay(self) -> None:
        if self.exported is None:
            self.export()
            return
        if "facilitator" not in self.app.shown:
            self.app.toggle_facilitator()
            return
        self.app.quit()  # autoplay quits without asking

    # Drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        if self.base is None or self.base.get_size() != surface.get_size():
            self.base = self._draw_base(surface.get_size())
        surface.blit(self.base, (0, 0))

    def _draw_base(self, size: tuple[int, int]) -> pygame.Surface:
        """The scores' table, then the turning points in the room left below it. The teams'
        aims go when that lets more turning points show, up to `FEW_POINTS` (many teams or
        long news in a small window): the points per objective still name every objective,
        and the export has both."""
        drawn = [self._draw_page(size, aims=True)]
        shown, total = len(drawn[0][1]), drawn[0][2]
        if shown < min(total, FEW_POINTS):
            drawn.append(self._draw_page(size, aims=False))
        base, self.points_shown, _ = max(drawn, key=lambda d: len(d[1]))  # a tie keeps aims
        return base

    def _draw_page(
        self, size: tuple[int, int], aims: bool
    ) -> tuple[pygame.Surface, list[TurningPoint], int]:
        """The page drawn with or without the teams' aims: it, the turning points that
        fitted and how many there are."""
        u = self.unit
        base = pygame.Surface(size)
        base.fill(self.look.colour("background"))
        area = self.content
        bottom = self._draw_scores(base, area, aims)
        room = pygame.Rect(area.x, bottom + u, area.w, area.bottom - bottom - u)
        total = self._draw_turning(base, room)
        return base, self.points_shown, total

    def _draw_scores(self, base: pygame.Surface, area: pygame.Rect, aims: bool) -> int:
        """A row a nation, teams first: its name, who played it, its score and the points
        each of its objectives earned (with `aims`, a team's aim above them). Returns the
        table's bottom."""
        look, u, text = self.look, self.unit, self.app.text
        session = self.app.require_session()
        model = session.model
        teams = {n: t.name for n, t in session.teams.items()}
        scores = model.scores()
        body, small = look.text("body"), look.text("small")
        line, fine = round(body * 1.35), round(small * 1.3)
        ink, muted, accent = look.colour("text"), look.colour("muted"), look.colour("accent")
        head = text.draw(base, "Final scores", area.topleft, body, accent, True)
        note = f"{SCORES_NOTE} Teams first."
        y = head.bottom - text.font(small).get_linesize()  # on the heading's line, bottoms level
        for words in text.wrap(note, small, area.right - head.right - u):
            text.draw(base, words, (head.right + u, y), small, muted)
            y += fine
        y = max(head.bottom, y) + u // 4
        order = seat_order(model, teams)
        names = {n: model.nations[n].name for n in order}
        seats = {n: teams.get(n, "bot") for n in order}
        bold, font, fine_font = text.font(body, True), text.font(body), text.font(small)
        swatch = max(3, u // 4)
        x_name = area.x + swatch + u // 2
        x_seat = x_name + max(bold.size(n)[0] for n in names.values()) + u
        seat_w = max([font.size(s)[0] for s in seats.values()] + [fine_font.size("Played by")[0]])
        x_score = x_seat + seat_w + u + bold.size("-000.0")[0]
        x_aims = x_score + u + u // 2
        width = area.right - x_aims
        for label, x, anchor in (
            ("Nation", x_name, "topleft"),
            ("Played by", x_seat, "topleft"),
            ("Score", x_score, "topright"),
            ("Points per objective", x_aims, "topleft"),
        ):
            text.draw(base, label, (x, y), small, muted, anchor=anchor)
        y += fine + u // 4
        self.score_rows = {}
        for nation in order:
            lines = []
            if aims and nation in teams:
                aim = f"Aim: {model.ruleset.objectives[nation].doc}"
                lines += [(words, ink) for words in text.wrap(aim, small, width)]
            lines += [
                (words, muted) for words in text.wrap(score_line(model, nation), small, width)
            ]
            height = max(line, (line - fine) + len(lines) * fine)
            row = pygame.Rect(area.x, y, area.w, height)
            pygame.draw.rect(base, look.nation(nation), (area.x, y + 2, swatch, height - 4))
            text.draw(base, names[nation], (x_name, y), body, ink, True)
            text.draw(base, seats[nation], (x_seat, y), body, muted)
            score = scores.get(nation, 0.0)
            text.draw(base, f"{score:.1f}", (x_score, y), body, ink, True, "topright")
            ly = y + (line - fine) // 2
            for words, colour in lines:
                text.draw(base, words, (x_aims, ly), small, colour)
                ly += fine
            self.score_rows[nation] = row
            y = row.bottom + u // 3
        return y

    def _draw_turning(self, base: pygame.Surface, area: pygame.Rect) -> int:
        """The turning points in two columns, the teams' decisions first, then the largest
        moves: each its date (and whose decision, or the facilitator's event), its largest
        move and what happened; those that do not fit are left to the export.
        Returns how many turning points there are (`points_shown`: those drawn)."""
        look, u, text = self.look, self.unit, self.app.text
        session = self.app.require_session()
        model = session.model
        teams = {n: t.name for n, t in session.teams.items()}
        body, small = look.text("body"), look.text("small")
        fine = round(small * 1.3)
        ink, muted, accent = look.colour("text"), look.colour("muted"), look.colour("accent")
        head = text.draw(base, "Turning points", area.topleft, body, accent, True)
        text.draw(
            base,
            "  teams' decisions first, then the largest moves · the export (E) has all in full",
            (head.right, head.bottom - (round(body * 1.35) - fine) // 2),
            small,
            muted,
            anchor="bottomleft",
        )
        points = turning_points(model, reports=session.reports, teams=teams)
        self.points_shown = []
        top = head.bottom + u // 4
        if not points:
            text.draw(base, "No quarter moved the key metrics much.", (area.x, top), small, ink)
            return 0
        gap = 2 * u
        width = (area.w - gap) // 2
        columns = [
            pygame.Rect(area.x + i * (width + gap), top, width, area.bottom - top) for i in (0, 1)
        ]
        bullet = text.font(small).size("• ")[0]
        column, y = 0, top
        for point in points:
            moved = "; ".join(change_words(model, c, 2) for c in point.changes[:1])
            title = f"{point.heading}: {moved}" if moved else point.heading
            lines = text.wrap(title, small, width, bold=True)
            news = [text.wrap(item, small, width - bullet) for item in point.behind]
            # A point goes in the first column with room for it and its first piece of news,
            # else in the first with room for its date and what moved.
            tops = {c: (y if c == column else columns[c].y) for c in range(column, len(columns))}
            need = (len(lines) + len(news[0] if news else [])) * fine
            room = [c for c, top in tops.items() if top + need <= columns[c].bottom]
            least = len(lines) * fine
            room = room or [c for c, top in tops.items() if top + least <= columns[c].bottom]
            if not room:
                break
            column, y = room[0], tops[room[0]]
            x = columns[column].x
            for words in lines:
                text.draw(base, words, (x, y), small, ink, True)
                y += fine
            for wrapped in news:
                if y + len(wrapped) * fine > columns[column].bottom:
                    break
                text.draw(base, "•", (x, y), small, muted)
                for words in wrapped:
                    text.draw(base, words, (x + bullet, y), small, muted)
                    y += fine
            self.points_shown.append(point)
            y += u // 2
        return len(points)
