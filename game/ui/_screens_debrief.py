"""The debrief at the end: scores and how they were earned, the turning points, two charts,
and Export (a Markdown file with PNG charts in a folder the instructor hands out)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.elements import UITextBox
from pygame_gui.windows import UIConfirmationDialog

from game.sim import GeoModel
from game.ui._charts import Ink, draw_chart, key_charts
from game.ui._export import export_debrief, pretty, turning_points
from game.ui._screen import Screen

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["DebriefScreen"]


class DebriefScreen(Screen):
    """Scores, turning points and export, at the end."""

    name = "debrief"

    def __init__(self, app: App):
        super().__init__(app)
        self.exported: Path | None = None
        self.status_text = "Export writes debrief.md and its charts into the saves folder."
        self.base: pygame.Surface | None = None
        self.charts_top = 0
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
        bottom = look.height - round(5.6 * u)
        boxes = round((bottom - top) * 0.52)
        half = (look.width - 5 * u) // 2
        UITextBox(
            self._scores_html(model),
            pygame.Rect(2 * u, top, half, boxes),
            manager=self.manager,
        )
        UITextBox(
            self._turning_html(model),
            pygame.Rect(3 * u + half, top, half, boxes),
            manager=self.manager,
        )
        self.charts_top = top + boxes + u // 2
        self.chart_area = pygame.Rect(
            2 * u, self.charts_top, look.width - 4 * u, bottom - self.charts_top
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

    # Content -----------------------------------------------------------------------
    def _scores_html(self, model: GeoModel) -> str:
        teams = self.app.require_session().teams
        muted = "#{:02x}{:02x}{:02x}".format(*self.look.colour("muted"))
        scores = model.scores()
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        parts = ["<b>Final scores</b>"]
        for rank, nation in enumerate(ranked, 1):
            name = html.escape(model.nations[nation].name)
            who = html.escape(_team_words(teams[nation].name)) if nation in teams else "bot"
            parts.append(
                f"<br><b>{rank}. {name}: {scores[nation]:.1f}</b> <font color='{muted}'>({who})</font>"
            )
            for term in model.score_terms(nation):
                parts.append(
                    f"<br><font color='{muted}'>   {html.escape(pretty(term.metric))} "
                    f"({term.over} {term.value:.2f} × {term.weight:g}) = {term.points:.1f}</font>"
                )
        return "".join(parts)

    def _turning_html(self, model: GeoModel) -> str:
        points = turning_points(model, reports=self.app.require_session().reports)
        parts = ["<b>Turning points</b> (largest first)"]
        if not points:
            parts.append("<br>No quarter moved the key metrics much.")
        for point in points:
            moved = "; ".join(f"{pretty(m)} {a:.2f} → {b:.2f}" for m, a, b in point.changes)
            parts.append(f"<br><b>{point.date}</b>: {html.escape(moved)}")
            for line in point.behind[:3]:
                parts.append(f"<br>• {html.escape(line)}")
        return "".join(parts)

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
        look, u = self.look, self.unit
        base = pygame.Surface(size)
        base.fill(look.colour("background"))
        model = self.app.require_session().model
        charts = {c.key: c for c in key_charts(model, look)}
        dates = [model.date_of(t) for t in range(1, model.turn + 1)]
        area = self.chart_area
        w = (area.w - u) // 2
        ink = Ink.screen(look)
        for i, key in enumerate(("shield", "scores")):
            rect = pygame.Rect(area.x + i * (w + u), area.y, w, area.h)
            draw_chart(base, rect, charts[key], dates, self.app.text, look.text("small"), ink)
        return base


def _team_words(name: str) -> str:
    """'Taipei' -> 'team Taipei'; 'Team Taiwan' stays as it is (no 'team Team Taiwan')."""
    return name if name.lower().startswith("team") else f"team {name}"
