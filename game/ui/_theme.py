"""The look of the front end, scaled to the window: colours, text sizes, pygame_gui's theme.

Colours and relative text sizes live in `assets/theme.json`; everything is measured in
units of the window's base size (its height / 36, at least 14 px), so a layout made at
1280×720 reads the same from the back of the room at 3840×2160.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from game.ui._mapdata import ASSETS, font_path

__all__ = ["Look", "hex_colour", "load_look"]

Colour = tuple[int, int, int]


def hex_colour(text: str) -> Colour:
    """'#10151f' -> (16, 21, 31)."""
    text = text.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


@dataclass(frozen=True)
class Look:
    """Colours, the base unit and text sizes for one window size."""

    width: int
    height: int
    colours: dict[str, Colour]
    nations: dict[str, Colour]
    sizes: dict[str, float]

    @property
    def unit(self) -> int:
        """The base size in pixels: body text, margins and widget heights derive from it."""
        return max(14, self.height // 36)

    def text(self, kind: str = "body") -> int:
        """The pixel size of a kind of text (body, small, heading, title, huge), at most 200
        (pygame_gui's largest font)."""
        return min(200, max(11, round(self.unit * self.sizes.get(kind, 1.0))))

    def colour(self, name: str) -> Colour:
        """A named colour of the theme."""
        return self.colours[name]

    def nation(self, ident: str) -> Colour:
        """A nation's colour (a neutral one for nations the theme does not name)."""
        return self.nations.get(ident, self.colours["land_other"])

    def gui_theme(self) -> dict[str, Any]:
        """pygame_gui's theme for this size, with the bundled font."""
        regular, bold = str(font_path()), str(font_path(bold=True))

        def font(kind: str, weight: bool = False) -> dict[str, str]:
            return {
                "name": "source_sans",
                "size": str(self.text(kind)),
                "bold": "1" if weight else "0",
                "regular_path": regular,
                "bold_path": bold,
                "italic_path": regular,  # the bundled font has no italic: quotes stay upright
                "bold_italic_path": bold,
            }

        c = {k: "#{:02x}{:02x}{:02x}".format(*v) for k, v in self.colours.items()}
        colours = {
            "normal_bg": c["panel"],
            "hovered_bg": c["panel_edge"],
            "disabled_bg": c["background"],
            "selected_bg": c["link"],
            "active_bg": c["accent"],
            "dark_bg": c["background"],
            "normal_text": c["text"],
            "hovered_text": c["text"],
            "selected_text": c["background"],
            "disabled_text": c["muted"],
            "active_text": c["background"],
            "normal_border": c["panel_edge"],
            "hovered_border": c["accent"],
            "selected_border": c["accent"],
            "active_border": c["accent"],
            "disabled_border": c["panel_edge"],
            "text_cursor": c["accent"],
            "filled_bar": c["accent"],
            "unfilled_bar": c["panel_edge"],
        }
        border = str(max(1, self.unit // 10))
        body = {"font": font("body")}
        return {
            "defaults": {"colours": colours, "font": font("body")},
            # pygame_gui sizes a drop-down's arrow and its open list's rows in fixed pixels
            # (20 each): too cramped from 1280x720 up, a sliver at 3840x2160. The arrow is a
            # unit wide and each option row as tall as a button, so its text has room around it.
            "drop_down_menu": {
                "font": font("small"),
                "misc": {"open_button_width": str(self.unit)},
            },
            "drop_down_menu.selection_list": {
                "misc": {"list_item_height": str(round(1.8 * self.unit))},
            },
            # The arrow keeps pygame_gui's symbol font (14 px at 1280x720), scaled up with
            # the window so that it is not a dot at 3840x2160.
            "drop_down_menu.#expand_button": {
                "font": {"name": "fira_code_symbols", "size": str(max(14, round(0.7 * self.unit)))}
            },
            "text_entry_line": body,
            "selection_list": body,
            "horizontal_slider": body,
            "message_window": body,
            "confirmation_dialog": body,
            "file_dialog": body,
            "button": {
                "font": font("body"),
                "misc": {
                    "border_width": border,
                    "shape": "rounded_rectangle",
                    "shape_corner_radius": str(self.unit // 4),
                },
            },
            "label": {
                "font": font("body"),
                "colours": {"dark_bg": "#00000000"},
                "misc": {"text_horiz_alignment": "left"},
            },
            # The bundled font's lines are tall already: pygame_gui's 1.25 spacing reads as
            # double-spaced.
            "text_box": {
                "font": font("body"),
                "colours": {"dark_bg": c["panel"]},
                "misc": {"line_spacing": "1.0"},
            },
            "tool_tip.text_box": {"misc": {"line_spacing": "1.0"}},
            # A tooltip reads as a short paragraph, not a narrow column (pygame_gui: 170 px).
            "tool_tip": {"font": font("small"), "misc": {"rect_width": str(18 * self.unit)}},
            "window": {
                "font": font("heading", True),
                # The title bar fits its title at every size (pygame_gui's is 28 px).
                "misc": {"title_bar_height": str(max(28, round(self.text("heading") * 1.5)))},
            },
            "@title": {"font": font("title", True), "colours": {"normal_text": c["accent"]}},
            "@heading": {"font": font("heading", True)},
            "@small": {"font": font("small")},
            "@muted": {"font": font("small"), "colours": {"normal_text": c["muted"]}},
            "@huge": {"font": font("huge", True), "colours": {"normal_text": c["accent"]}},
            "@primary": {
                "colours": {
                    "normal_bg": c["accent"],
                    "normal_text": c["background"],
                    "hovered_bg": c["strait"],
                    "hovered_text": c["background"],
                },
                "font": font("body", True),
            },
            "@centered": {"misc": {"text_horiz_alignment": "center"}},
            # A window's title and its × scale with the window (pygame_gui draws them small).
            "window.#title_bar": {
                "font": font("body", True),
                "misc": {
                    "text_horiz_alignment": "left",
                    "text_horiz_alignment_padding": str(self.unit // 2),
                },
            },
            "window.#close_button": {"font": font("body", True)},  # × (see _focus.tend_windows)
            # A move not open now: looks greyed, yet a click says why (see DecideScreen).
            "@unavailable": {
                "colours": {
                    "normal_bg": c["background"],
                    "normal_text": c["muted"],
                    "hovered_bg": c["background"],
                    "hovered_text": c["muted"],
                    "active_bg": c["background"],
                    "active_text": c["muted"],
                }
            },
        }


@cache
def _theme_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ASSETS / "theme.json").read_text(encoding="utf-8"))
    return data


def load_look(width: int, height: int) -> Look:
    """The look for a window of `width` × `height` pixels, from `assets/theme.json`."""
    data = _theme_file()
    return Look(
        width=width,
        height=height,
        colours={k: hex_colour(v) for k, v in data["colours"].items()},
        nations={k: hex_colour(v) for k, v in data["nations"].items()},
        sizes={k: float(v) for k, v in data["text"].items()},
    )
