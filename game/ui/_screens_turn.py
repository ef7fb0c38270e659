"""A team's decision (budget split, actions, answers to proposals) and the turn's news."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider, UITextBox, UIWindow

from game.errors import GameError
from game.sim import ActionOption, Decision, NewsItem, TurnReport
from game.ui._screen import Screen

if TYPE_CHECKING:
    from game.ui._app import App

__all__ = ["DecideScreen", "NewsScreen", "WhyWindow", "balance_split", "possessive", "pretty"]

STEP = 5  # percentage points a key press moves a slider


# Words a name of the rules spells in small letters that people write otherwise.
_SPELLING = {"ai": "AI", "t7": "T7", "5050": "50-50", "us": "US", "tw": "TW", "cn": "CN",
             "eu": "EU", "gdp": "GDP", "ran": "RAN", "eppd": "EPPD", "odm": "ODM",
             "taiwan": "Taiwan"}  # fmt: skip


_PHRASES = {"clean network": "Clean Network", "cross strait": "cross-strait"}


def pretty(ident: str) -> str:
    """'join_clean_network' -> 'Join Clean Network'; 'form_t7' -> 'Form T7';
    'cross_strait_overture' -> 'Cross-strait overture'."""
    words = [_SPELLING.get(w, w) for w in ident.split("_")]
    text = " ".join(words)
    for phrase, spelt in _PHRASES.items():
        text = text.replace(phrase, spelt)
    return text[:1].upper() + text[1:]


def attribute_label(model: Any, kind: str, attr: str) -> str:
    """What screens call an attribute of a kind of agent: its `label`, else its name made
    readable (a metric that is no attribute, too)."""
    spec = model.ruleset.attributes.get(kind, {}).get(attr)
    return spec.label if spec is not None and spec.label else pretty(attr)


def shown_changes(why: Any) -> list[Any]:
    """The changes a Why? lists: those that changed a value, the first 14."""
    return [c for c in why.changes if c.after != c.before][:14]


def change_label(model: Any, trace: Any) -> str:
    """What a traced change changed, for players: 'Taiwan · Defence', 'TSMC · Output'."""
    kind = "world" if trace.target == "world" else "nation" if trace.target in model.nations else "firm"  # fmt: skip
    what = attribute_label(model, kind, trace.attr)
    if trace.target in model.nations:
        return f"{model.nations[trace.target].name} · {what}"
    return what if trace.target == "world" else f"{trace.target} · {what}"


def _number(value: float) -> str:
    """A value as the room reads it: 1, 0.26, 139.5 (not 0.00835 or 1.0)."""
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.1f}"


def possessive(name: str) -> str:
    """'Taiwan' -> "Taiwan's"; 'United States' -> "United States'"."""
    return name + ("'" if name.endswith("s") else "'s")


def balance_split(split: dict[str, int], moved: str, value: int) -> dict[str, int]:
    """Set `moved` to `value` (0–100) and rescale the other lines so all add up to 100."""
    value = max(0, min(100, value))
    others = [line for line in split if line != moved]
    rest = 100 - value
    current = sum(split[line] for line in others)
    out = {moved: value}
    if current <= 0:
        shares = {line: rest / len(others) for line in others} if others else {}
    else:
        shares = {line: split[line] * rest / current for line in others}
    # Largest remainders, so the whole numbers add up to exactly 100.
    floors = {line: int(share) for line, share in shares.items()}
    left = rest - sum(floors.values())
    for line in sorted(shares, key=lambda k: shares[k] - floors[k], reverse=True)[:left]:
        floors[line] += 1
    out.update(floors)
    return {line: out[line] for line in split}


class DecideScreen(Screen):
    """A team splits its budget, chooses actions and answers proposals, then confirms."""

    name = "decide"

    def __init__(self, app: App, nation: str, demo: bool = False):
        super().__init__(app)
        self.nation = nation
        self.demo = demo  # autoplay shows the screen; the nation's bot still decides
        model = app.require_session().model
        lines = list(model.ruleset.investment_lines)
        standing = model.splits.get(nation, {})
        total = sum(standing.get(line, 0.0) for line in lines)
        raw = {
            line: (standing.get(line, 0.0) / total * 100 if total else 100 / len(lines))
            for line in lines
        }
        self.split = balance_split(
            {k: round(v) for k, v in raw.items()}, lines[0], round(raw[lines[0]])
        )
        self.selected = 0
        self.moved = False  # untouched sliders keep the standing split exactly
        self.chosen: dict[str, str | None] = {}  # action -> target
        self.aimed: dict[str, str] = {}  # action -> the target its menu shows, chosen or not
        self.closed: dict[str, str] = {}  # action not open this quarter -> the reason
        self.options = model.action_options(nation)
        self.widgets: dict[str, Any] = {}
        self.confirm: Any = None
        self.problem = ""
        minutes = app.timer_minutes
        self.time_left: float | None = minutes * 60.0 if minutes else None

    # Layout ------------------------------------------------------------------------
    def build(self) -> None:
        self.widgets = {}
        reviewing, self.confirm = self.confirm is not None, None
        session = self.app.require_session()
        model = session.model
        nation = model.nations[self.nation]
        team_name = (
            session.teams[self.nation].name
            if self.nation in session.teams
            else f"Team {nation.name}"
        )
        look, u = self.look, self.unit
        budget = model.budget_of(self.nation)
        self.label(f"{team_name} — {nation.name}", self.rect(2, 1, 40, 2.6), "@title")
        self.label(
            f"{model.date_of(model.turn + 1)}: split a budget of {budget:.2f} and choose this quarter's moves",
            self.rect(2, 3.6, 50, 1.6),
            "@muted",
        )
        self.label("Budget", self.rect(2, 6, 20, 1.8), "@heading")
        lines = model.ruleset.investment_lines
        for i, (line, spec) in enumerate(lines.items()):
            y = 8 + i * 2.4
            self.widgets[f"name:{line}"] = self.label(pretty(line), self.rect(2, y, 8, 1.8))
            del spec
            slider = UIHorizontalSlider(
                self.rect(10, y, 14, 1.8),
                self.split[line],
                (0, 100),
                manager=self.manager,
                click_increment=STEP,
            )
            self.widgets[f"slider:{line}"] = slider
            self.widgets[f"value:{line}"] = self.label(
                f"{self.split[line]}%", self.rect(24.5, y, 4, 1.8)
            )
        self._mark_selected()
        below = 8 + len(lines) * 2.4
        self.label(
            "↑ ↓ pick a line, ← → move it; the lines always add up to 100%.",
            self.rect(2, below, 28, 1.6),
            "@muted",
        )
        self.label(
            "Tab moves between the moves on the right, Space presses one.",
            self.rect(2, below + 1.4, 28, 1.6),
            "@muted",
        )
        self._build_actions(model)
        bottom = look.height - 3 * u
        self.widgets["confirm"] = self.button(
            "Review and confirm (Enter)",
            pygame.Rect(look.width - 16 * u, bottom, 14 * u, 2 * u),
            "@primary",
        )
        self.widgets["problem"] = self.label(
            self.problem, pygame.Rect(2 * u, bottom, look.width - 20 * u, 2 * u), "@muted"
        )
        if reviewing:  # rebuilt under an open summary (the facilitator's menu closed): reopen it
            self.review()

    def _build_actions(self, model: Any) -> None:
        self.closed = {}
        x = 31
        # The column is as wide as the window leaves (31 units at 16:9), not a fixed 41.
        room = self.look.width / self.unit - x - 2
        wide = min(18.0, room / 2)  # an action's button; its target or reason beside it
        self.label("Moves this quarter", self.rect(x, 6, room, 1.8), "@heading")
        y = 8.0
        for proposal in model.pending_proposals(self.nation):
            y = self._build_proposal(model, proposal, x, y, room)
        by_action: dict[str, list[ActionOption]] = {}
        for option in self.options:
            if model.ruleset.actions[option.action].spec.answer:
                continue  # answers are the Accept / Reject buttons above
            if option.never:
                continue  # another nation's move (the US's tariffs, China's drills)
            by_action.setdefault(option.action, []).append(option)
        # The column ends above the confirm button. When every move on its own row would
        # run past it (a proposal to answer takes room), the moves not open this quarter
        # shrink to small buttons two to a row, their reasons a click or a tooltip away.
        bottom = self.look.height / self.unit - 3.5
        greyed = [a for a, opts in by_action.items() if not any(o.available for o in opts)]
        opened = len(by_action) - len(greyed)
        compact = bool(greyed) and y + opened * 2.3 + len(greyed) * 2.7 > bottom
        row_step, per_row = 2.3, 2
        if compact:  # two to a row if that fits, else three; closer rows if still needed
            for per_row in (2, 3):
                closed = 1.6 + -(-len(greyed) // per_row) * 1.9
                if y + opened * row_step + closed <= bottom:
                    break
            if opened and y + opened * row_step + closed > bottom:
                row_step = max(1.9, (bottom - y - closed) / opened)
        for action, options in by_action.items():
            open_ = [o for o in options if o.available]
            doc = options[0].doc
            label = ("✓ " if action in self.chosen else "") + pretty(action)
            aside = room - wide - 0.5
            if not open_ and compact:
                continue  # laid out together below
            if not open_:
                # Greyed, yet it answers a click (or Space) with why it is not open now.
                reason = options[0].reason
                self.closed[action] = reason
                button = self.button(
                    label,
                    self.rect(x, y, wide, 1.8),
                    "@unavailable",
                    tip=f"{doc}<br><br>Not now: {reason}",
                )
                self.widgets[f"action:{action}"] = button
                lines = self.app.text.wrap(
                    "not now: " + reason, self.look.text("small"), int(aside * self.unit)
                )
                if len(lines) > 2:
                    lines = [lines[0], lines[1].rstrip(".,;") + " …"]
                step = self.look.text("small") * 1.25 / self.unit
                top = y + 0.9 - step * len(lines) / 2 - 0.15
                for i, line in enumerate(lines):
                    self.label(
                        line, self.rect(x + wide + 0.5, top + i * step, aside, step), "@muted"
                    )
                y += 2.3 if len(lines) < 2 else 2.7
                continue
            shut = [o for o in options if not o.available and o.target is not None]
            tip = doc + "".join(
                f"<br><br>Not against {html.escape(model.nations[o.target].name)}: "
                f"{html.escape(o.reason)}"
                for o in shut
            )
            button = self.button(label, self.rect(x, y, wide, 1.8), tip=tip)
            self.widgets[f"action:{action}"] = button
            if open_[0].target is not None:
                targets = [model.nations[o.target].name for o in open_ if o.target]
                current = self.chosen.get(action) or self.aimed.get(action)
                start = model.nations[current].name if current else targets[0]
                if start not in targets:
                    start = targets[0]
                self.widgets[f"target:{action}"] = UIDropDownMenu(
                    targets,
                    start,
                    self.rect(x + wide + 0.5, y, min(12.0, aside), 1.8),
                    manager=self.manager,
                )
            y += row_step
        if compact:
            self._build_closed(by_action, greyed, x, y, room, per_row)

    def _build_closed(
        self, by_action: dict[str, list[ActionOption]], greyed: list[str], x: float, y: float,
        room: float, per_row: int,
    ) -> None:  # fmt: skip
        """The moves not open this quarter, as small greyed buttons `per_row` to a row under
        a line saying so; each says why on a click, Space or its tooltip."""
        self.label("Not open this quarter (click one to see why):", self.rect(x, y, room, 1.5), "@muted")  # fmt: skip
        y += 1.6
        wide = (room - 0.5 * (per_row - 1)) / per_row
        for i, action in enumerate(greyed):
            options = by_action[action]
            reason = options[0].reason
            self.closed[action] = reason
            col, row = i % per_row, i // per_row
            button = self.button(
                pretty(action),
                self.rect(x + col * (wide + 0.5), y + row * 1.9, wide, 1.6),
                "@unavailable",
                tip=f"{options[0].doc}<br><br>Not now: {reason}",
            )
            self.widgets[f"action:{action}"] = button

    def _build_proposal(self, model: Any, proposal: Any, x: float, y: float, room: float) -> float:
        """A proposal awaiting the team's answer: what it is, what each answer does, and
        when it lapses; Accept and Reject beside it. Return the height used, in units."""
        source = model.nations[proposal.source].name
        spec = model.ruleset.actions[proposal.action].spec
        outcomes = spec.proposal.outcomes if spec.proposal else {}
        self.label(
            f"{source} proposes: {pretty(proposal.action.removeprefix('propose_'))}",
            self.rect(x, y, room - 12, 1.8),
        )
        answer = (self.chosen.get("accept_proposal") == proposal.source and "accept") or (
            self.chosen.get("reject_proposal") == proposal.source and "reject"
        )
        for i, kind in enumerate(("accept", "reject")):
            mark = "✓ " if answer == kind else ""
            self.widgets[f"{kind}:{proposal.source}"] = self.button(
                mark + kind.capitalize(),
                self.rect(x + room - 11.5 + i * 5.75, y, 5.5, 1.8),
                "@primary" if answer == kind else "",
                tip=f"{kind.capitalize()} {possessive(source)} proposal",
            )
        last_chance = model.turn + 1 >= proposal.expires
        when = "this quarter" if last_chance else f"by {model.date_of(proposal.expires)}"
        said = [
            (f"Accept: {outcomes['accept'].doc}" if "accept" in outcomes else spec.doc),
            *([f"Reject: {outcomes['reject'].doc}"] if "reject" in outcomes else []),
            f"No answer {when}: "
            + (outcomes["expire"].doc if "expire" in outcomes else "the proposal lapses."),
        ]
        size = self.look.text("small")
        step = size * 1.3 / self.unit
        y += 2.1
        for text in said:
            for line in self.app.text.wrap(text, size, int(room * self.unit)):
                self.label(line, self.rect(x, y, room, step), "@small")
                y += step
        return y + 0.6

    def _mark_selected(self) -> None:
        lines = list(self.split)
        for i, line in enumerate(lines):
            label = self.widgets[f"name:{line}"]
            label.set_text(("▶ " if i == self.selected else "") + pretty(line))

    # The room's clock --------------------------------------------------------------
    def update(self, dt: float) -> None:
        lan = self.app.lan
        shared = lan.lobby.seconds_left() if lan is not None else None
        if shared is not None:
            self.time_left = shared  # with teams on devices, one clock for the quarter
        elif self.time_left is not None and self.app.overlay is None:
            self.time_left = max(0.0, self.time_left - dt)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.time_left is None:
            return
        left = int(self.time_left)
        text = f"{left // 60}:{left % 60:02d} left" if left else "Time's up"
        colour = self.look.colour("bad" if left < 30 else "muted")
        where = (self.look.width - self.unit, round(2.8 * self.unit))
        self.app.text.draw(
            surface, text, where, self.look.text("heading"), colour, True, "topright"
        )

    # Events ------------------------------------------------------------------------
    def set_line(self, line: str, value: int) -> None:
        """Move one line of the split; the others make room."""
        self.moved = True
        self.split = balance_split(self.split, line, value)
        for name, share in self.split.items():
            self.widgets[f"slider:{name}"].set_current_value(share)
            self.widgets[f"value:{name}"].set_text(f"{share}%")

    def process_event(self, event: pygame.event.Event) -> bool:
        if self.confirm is not None:
            return self._confirm_event(event)
        model = self.app.require_session().model
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for i, line in enumerate(self.split):
                if event.ui_element is self.widgets[f"slider:{line}"]:
                    self.set_line(line, int(event.value))
                    self.selected = i  # the arrow keys now move the line the mouse moved
                    self._mark_selected()
                    return True
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            element = event.ui_element
            if element is self.widgets["confirm"]:
                self.review()
                return True
            for key, widget in self.widgets.items():
                if widget is not element:
                    continue
                kind, _, ident = key.partition(":")
                if kind == "action" and ident in self.closed:
                    self.say(f"{pretty(ident)} is not open this quarter: {self.closed[ident]}.")
                    return True
                if kind == "action":
                    self.toggle(ident, model)
                    return True
                if kind in ("accept", "reject"):
                    self.answer(kind, ident)
                    return True
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            for key, widget in self.widgets.items():
                if widget is event.ui_element and key.startswith("target:"):
                    action = key.partition(":")[2]
                    names = {n.name: i for i, n in model.nations.items()}
                    self.aimed[action] = names[event.text]
                    if action in self.chosen:
                        self.chosen[action] = names[event.text]
                    return True
        if event.type == pygame.KEYDOWN:
            lines = list(self.split)
            if event.key == pygame.K_UP:
                self.selected = (self.selected - 1) % len(lines)
            elif event.key == pygame.K_DOWN:
                self.selected = (self.selected + 1) % len(lines)
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                line = lines[self.selected]
                delta = STEP if event.key == pygame.K_RIGHT else -STEP
                self.set_line(line, self.split[line] + delta)
                return True
            elif event.key == pygame.K_RETURN:
                self.review()
                return True
            else:
                return False
            self._mark_selected()
            return True
        return False

    def toggle(self, action: str, model: Any) -> None:
        """Choose or drop an action (with the target its drop-down shows); a dropped
        action's menu keeps showing the target it had."""
        if action in self.chosen:
            target = self.chosen.pop(action)
            if target is not None:
                self.aimed[action] = target
        else:
            menu = self.widgets.get(f"target:{action}")
            names = {n.name: i for i, n in model.nations.items()}
            self.chosen[action] = (
                names[
                    menu.selected_option[0]
                    if isinstance(menu.selected_option, tuple)
                    else menu.selected_option
                ]
                if menu
                else None
            )
        self.app.show(self)

    def say(self, text: str) -> None:
        """Show one line above the confirm button (why a move is closed, a refusal)."""
        self.problem = text
        self.widgets["problem"].set_text(text)

    def answer(self, kind: str, proposer: str) -> None:
        """Answer a proposal: the answer replaces any other answer to the same nation."""
        action = f"{kind}_proposal"
        for other in ("accept_proposal", "reject_proposal"):
            if self.chosen.get(other) == proposer:
                del self.chosen[other]
        self.chosen[action] = proposer
        self.app.show(self)

    def decision(self) -> Decision:
        """The team's choices as a `Decision`, as a decisions file would give them."""
        # Whole percentages would round the standing split a little every quarter; a
        # team that leaves the sliders alone keeps it as it is.
        invest = {line: share / 100 for line, share in self.split.items() if share}
        return Decision(self.nation, invest if self.moved else None, list(self.chosen.items()))

    def review(self) -> None:
        """Show a summary of the choices to confirm."""
        model = self.app.require_session().model
        split = ", ".join(f"{pretty(k)} {v}%" for k, v in self.split.items() if v)
        moves = [
            pretty(a) + (f" → {model.nations[t].name}" if t else "") for a, t in self.chosen.items()
        ]
        text = f"<b>Budget</b>: {html.escape(split)}<br><b>Moves</b>: {html.escape('; '.join(moves) or 'none')}"
        answered = {self.chosen.get("accept_proposal"), self.chosen.get("reject_proposal")}
        for proposal in model.pending_proposals(self.nation):
            if proposal.source not in answered:
                who = possessive(model.nations[proposal.source].name)
                what = f"{who} proposal ({pretty(proposal.action)})"
                if model.turn + 1 >= proposal.expires:
                    then = "lapses at the end of this quarter if you do not accept or reject it."
                else:
                    then = (
                        f"waits: you may still answer it until {model.date_of(proposal.expires)}."
                    )
                text += f"<br><br><b>Not answered:</b> {html.escape(what)} {then}"
        self.confirm = pygame_gui.windows.UIConfirmationDialog(
            self.rect(12, 8, 36, 16),
            text,
            manager=self.manager,
            window_title="Confirm your decision",
            action_short_name="Confirm",
            blocking=True,
        )

    def _confirm_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED:
            self.confirm = None
            self.submit()
            return True
        if event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.confirm:
            self.confirm = None
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN:
            self.confirm.kill()
            self.confirm = None
            self.submit()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.confirm.kill()
            self.confirm = None
            return True
        return False

    def submit(self) -> None:
        """Hand the decision to the game and go on to the next team (or the turn)."""
        if self.demo:
            self.app.next_step()
            return
        try:
            self.app.require_session().decide(self.decision())
        except GameError as exc:
            self.say(str(exc))
            return
        self.app.next_step()

    def autoplay(self) -> None:
        self.submit()


class NewsScreen(Screen):
    """What the quarter brought, in plain words, each with a Why?."""

    name = "news"

    def __init__(self, app: App, report: TurnReport):
        super().__init__(app)
        self.report = report
        self.why_buttons: dict[Any, NewsItem] = {}
        self.opened_why = False

    def build(self) -> None:
        self.why_buttons = {}
        look, u = self.look, self.unit
        model = self.app.require_session().model
        self.label(f"{self.report.date}: the news", self.rect(2, 1, 40, 2.6), "@title")
        y = 4.5
        width = look.width / u - 12
        for item in self.report.news[:12]:
            text = item.text
            if "injected" in item.causes:  # not the teams' doing: say so
                text += " (injected by the facilitator)"
            lines = self.app.text.wrap(text, look.text(), int(width * u))
            height = 1.5 * len(lines) + 0.4
            UITextBox(html.escape(text), self.rect(2, y, width, height), manager=self.manager)
            why = self.button(
                "Why?",
                self.rect(width + 2.5, y, 5, 1.8),
                tip="The rules behind this, and what they changed",
            )
            self.why_buttons[why] = item
            y += height + 0.5
            if y > look.height / u - 8:
                break
        if not self.report.news:
            self.label("A quiet quarter: nothing made the news.", self.rect(2, y, 40, 1.8))
        moved = self.report.changes()
        keys = [
            "silicon_shield",
            "strait_tension",
            "us_tw_trust",
            "tw_advanced_share",
            "us_advanced_share",
        ]
        parts = [
            f"{attribute_label(model, 'world', k)} {moved[k][0]:.2f} → {moved[k][1]:.2f}"
            for k in keys
            if k in moved and f"{moved[k][0]:.2f}" != f"{moved[k][1]:.2f}"  # only what moved
        ]
        self.label(
            "   ".join(parts),
            pygame.Rect(2 * u, look.height - 6 * u, look.width - 4 * u, 2 * u),
            "@muted",
        )
        self.next_button = self.button(
            "The world (Enter)",
            pygame.Rect(look.width - 16 * u, look.height - 3 * u, 14 * u, 2 * u),
            "@primary",
        )

    def process_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.next_button:
                self.go_on()
                return True
            item = self.why_buttons.get(event.ui_element)
            if item is not None:
                self.app.open_overlay(WhyWindow(self.app, item))
                return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN:
            self.go_on()
            return True
        return False

    def go_on(self) -> None:
        """Show the world after this quarter."""
        from game.ui._screens_world import WorldScreen

        self.app.show(WorldScreen(self.app))

    def autoplay(self) -> None:
        if not self.opened_why and self.why_buttons and "why" not in self.app.shown:
            self.opened_why = True
            self.app.open_overlay(WhyWindow(self.app, next(iter(self.why_buttons.values()))))
            return
        self.go_on()


class WhyWindow(Screen):
    """Why a news item happened: the rules and events behind it, their source in the
    article, and what they changed."""

    name = "why"

    def __init__(self, app: App, item: NewsItem):
        super().__init__(app)
        self.item = item
        self.window: Any = None

    def build(self) -> None:
        model = self.app.require_session().model
        why = model.explain(self.item)
        parts = [f"<b>{html.escape(self.item.text)}</b><br>"]
        kinds = {"rule": "a rule", "action": "a move", "event": "an event", "answer": "an answer"}
        for cause in why.causes:
            base, _, answer = cause.id.partition(":")
            title = pretty(base) + (f" ({answer}ed)" if answer in ("accept", "reject") else "")
            title = title.replace("(expireed)", "(lapsed)")
            kind = kinds.get(cause.kind, cause.kind)
            parts.append(f"<br><b>{html.escape(title)}</b>, {kind}: {html.escape(cause.doc)}")
            for label, text in cause.origin():  # the article's words, then the assumption
                parts.append(f"<br><i>{label}: {html.escape(text)}</i>")
            if cause.where:
                # The rule's file and line, for the designer in the room (not the whole path).
                file, _, line = cause.where.partition(".yaml:")
                parts.append(
                    f"<br>rules/{html.escape(file.rsplit('/', 1)[-1])}.yaml:{html.escape(line)}"
                )
        if why.changes:
            parts.append("<br><br><b>What changed</b>")
            for t in shown_changes(why):
                what = html.escape(change_label(model, t))
                parts.append(f"<br>{what}: {_number(t.before)} → {_number(t.after)}")
        look, u = self.look, self.unit
        rect = pygame.Rect(look.width // 2 - 22 * u, 3 * u, 44 * u, look.height - 6 * u)
        self.window = UIWindow(rect, manager=self.manager, window_display_title="Why?")
        inner = self.window.get_container().get_rect()
        UITextBox(
            "".join(parts),
            pygame.Rect(0, 0, inner.width, inner.height),
            manager=self.manager,
            container=self.window,
        )

    def process_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.window:
            self.app.close_overlay()
            return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_RETURN):
            self.window.kill()
            self.app.close_overlay()
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        """The window is a widget; nothing to draw over it."""

    def autoplay(self) -> None:
        self.window.kill()
        self.app.close_overlay()
