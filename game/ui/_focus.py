"""The keyboard does what the mouse does: Tab moves a focus ring between the controls of
the top layer, Space presses the focused control, and its tooltip shows as it would under
the pointer.

The top layer is the open window (the facilitator's menu, a confirmation, Why?) if there
is one, else the screen. A window is modal: while one is open, nothing under it shows a
tooltip, whatever the pointer rests on.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine, UIWindow

__all__ = ["Focus", "owner_window", "tend_windows", "top_window"]

_CONTROLS = (UIButton, UIDropDownMenu, UITextEntryLine)


def owner_window(element: Any, root: Any) -> Any:
    """The window `element` lies in (through its containers), or None on the screen."""
    seen = element
    for _ in range(32):  # containers nest a few levels deep; never loop on a cycle
        if isinstance(seen, UIWindow):
            return seen
        container = getattr(seen, "ui_container", None)
        if container is None or container is seen or container is root:
            return None
        parent = getattr(container, "parent_element", None)
        seen = parent if parent is not None else container
    return None


def top_window(manager: pygame_gui.UIManager) -> Any:
    """The open window on top, or None."""
    stack = manager.get_window_stack().get_full_stack()
    windows = [w for w in stack if isinstance(w, UIWindow) and w.alive() and w.visible]
    return windows[-1] if windows else None


def _is_control(element: Any, manager: pygame_gui.UIManager, window: Any) -> bool:
    """A button, drop-down or text line a person operates (not a part of another widget:
    a slider's arrows, a drop-down's inner buttons, a window's title bar)."""
    if not isinstance(element, _CONTROLS) or not element.visible or not element.alive():
        return False
    root = manager.get_root_container()
    container = element.ui_container
    if "#title_bar" in element.object_ids or "#close_button" in element.object_ids:
        return False
    if window is None:
        return container is root
    return getattr(container, "parent_element", None) is window


class Focus:
    """The control the keyboard acts on, kept in step with the screen's widgets."""

    def __init__(self) -> None:
        self.index: int | None = None  # position in the top layer's controls
        self.widget: Any = None
        self.tip: Any = None
        self.layer: Any = None  # the window the focus is in (None: the screen)
        self.screen_index: int | None = None  # where it was on the screen, under a window

    def controls(self, manager: pygame_gui.UIManager) -> list[Any]:
        """The top layer's controls in reading order (rows top to bottom, then left to right)."""
        window = top_window(manager)
        found = [s for s in manager.get_sprite_group().sprites() if _is_control(s, manager, window)]
        return sorted(found, key=lambda w: (w.rect.centery // 8, w.rect.x))

    def reset(self) -> None:
        """Forget the focus (a new screen)."""
        self._drop_tip()
        self.index, self.widget = None, None
        self.layer, self.screen_index = None, None

    def move(self, manager: pygame_gui.UIManager, step: int) -> None:
        """Focus the next (`step` 1) or previous (-1) control."""
        self.current(manager)  # notice a window that opened or closed
        found = self.controls(manager)
        self._drop_tip()
        if not found:
            self.index, self.widget = None, None
            return
        if self.widget in found:
            self.index = (found.index(self.widget) + step) % len(found)
        else:
            self.index = 0 if step > 0 else len(found) - 1
        self.widget = found[self.index]
        if isinstance(self.widget, UITextEntryLine):
            manager.set_focus_set(self.widget)
        else:
            manager.set_focus_set(None)
        self._show_tip(manager)

    def current(self, manager: pygame_gui.UIManager) -> Any:
        """The focused control, if it is in the top layer; after a rebuild, the control now
        at the same place; None when a window opened over it or nothing has focus."""
        window = top_window(manager)
        if window is not self.layer:  # a window opened or closed: each has its own place
            if self.layer is None:
                self.screen_index, self.index = self.index, None
            elif window is None:
                self.index = self.screen_index
            else:
                self.index = None
            self.layer, self.widget = window, None
        if self.index is None:
            return None
        found = self.controls(manager)
        if self.widget in found:
            return self.widget
        self._drop_tip()
        if not found:
            self.widget = None
            return None
        self.index = min(self.index, len(found) - 1)
        self.widget = found[self.index]
        return self.widget

    def press(self, manager: pygame_gui.UIManager, backwards: bool = False) -> bool:
        """Press the focused control: a button is clicked, a drop-down steps to its next
        option (its previous one with Shift). Return True if there was one to press."""
        widget = self.current(manager)
        if widget is None or isinstance(widget, UITextEntryLine):
            return False
        if isinstance(widget, UIButton):
            if widget.is_enabled:
                pygame.event.post(
                    pygame.event.Event(
                        pygame_gui.UI_BUTTON_PRESSED,
                        ui_element=widget,
                        ui_object_id=widget.most_specific_combined_id,
                        mouse_button=pygame.BUTTON_LEFT,
                    )
                )
            return True
        if isinstance(widget, UIDropDownMenu) and widget.is_enabled:
            _step_menu(widget, -1 if backwards else 1)
        return True

    def draw(self, surface: pygame.Surface, manager: pygame_gui.UIManager, colour: Any) -> None:
        """A ring around the focused control."""
        widget = self.current(manager)
        if widget is None:
            return
        width = max(2, surface.get_height() // 360)
        pygame.draw.rect(surface, colour, widget.rect.inflate(width * 3, width * 3), width, width)

    def _show_tip(self, manager: pygame_gui.UIManager) -> None:
        text = getattr(self.widget, "tool_tip_text", None)
        if not text:
            return
        rect = self.widget.rect
        self.tip = manager.create_tool_tip(
            text=text,
            position=(rect.centerx, rect.centery),
            hover_distance=(0, rect.height // 2 + 4),
            parent_element=None,
            object_id=None,
            wrap_width=None,
        )

    def _drop_tip(self) -> None:
        if self.tip is not None:
            self.tip.kill()
            self.tip = None


def _step_menu(menu: UIDropDownMenu, step: int) -> None:
    """Choose the option after (or before) the current one, as a click on it would."""
    options = list(menu.options_list)
    if not options:
        return
    current = menu.selected_option
    at = options.index(current) if current in options else 0
    chosen = options[(at + step) % len(options)]
    closed = menu.menu_states["closed"]
    if menu.current_state is not closed:
        return  # open under the pointer: the mouse is choosing
    menu.selected_option = chosen
    closed.finish()
    closed.selected_option = chosen
    closed.start()
    pygame.event.post(
        pygame.event.Event(
            pygame_gui.UI_DROP_DOWN_MENU_CHANGED,
            text=chosen[0],
            selected_option_id=chosen[1],
            ui_element=menu,
            ui_object_id=menu.most_specific_combined_id,
        )
    )


def tend_windows(manager: pygame_gui.UIManager) -> None:
    """While a window is open, nothing outside it shows a tooltip (a window is modal); and
    every window's close button shows a ×, a glyph the bundled font has (pygame_gui's ╳
    is missing from it)."""
    window = top_window(manager)
    if window is None:
        return
    for each in manager.get_window_stack().get_full_stack():
        close = getattr(each, "close_window_button", None)
        if close is not None and close.text != "×":
            close.set_text("×")
    root = manager.get_root_container()
    for sprite in manager.get_sprite_group().sprites():
        if getattr(sprite, "tool_tip_text", None) is None:
            continue
        if owner_window(sprite, root) is not window:
            sprite.hover_time = 0.0
            if sprite.tool_tip is not None:
                sprite.tool_tip.kill()
                sprite.tool_tip = None
