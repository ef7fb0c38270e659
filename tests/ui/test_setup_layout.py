"""The setup screen's seat list: one row per nation that never runs into the next row,
the heading above it, or the buttons below it, from 1280×720 to 3840×2160."""

from __future__ import annotations

import itertools

import pytest

from game.ui._screens_setup import SetupScreen

from .driver import Player, show_screen

SIZES = [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)]


def seat_rows(setup: SetupScreen) -> dict[str, object]:
    """The heading and each nation's name, Team/Bot drop-down and team-name entry."""
    return {
        key: widget
        for key, widget in setup.widgets.items()
        if key == "seats_heading" or key.split(":")[0] in ("nation", "seat", "name")
    }


def put_up(make_app, size: tuple[int, int]) -> SetupScreen:
    """The setup screen in a window of `size`."""
    player = Player(make_app(size=size))
    show_screen(player, "setup")
    assert isinstance(player.screen, SetupScreen)
    return player.screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_two_widgets_of_the_seat_rows_overlap(make_app, size: tuple[int, int]) -> None:
    """No two of the heading, names, drop-downs and entries of the seat list overlap."""
    rows = seat_rows(put_up(make_app, size))
    assert len(rows) == 1 + 3 * 6
    overlaps = [
        (a, b)
        for (a, x), (b, y) in itertools.combinations(rows.items(), 2)
        if x.rect.colliderect(y.rect)
    ]
    assert overlaps == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_seat_rows_end_above_the_buttons(make_app, size: tuple[int, int]) -> None:
    """The seat list's last row ends above the problem line and the buttons at the bottom."""
    setup = put_up(make_app, size)
    lowest = max(w.rect.bottom for w in seat_rows(setup).values())
    below = [setup.problem_label, *(setup.widgets[k] for k in ("start", "continue", "load"))]
    assert lowest <= min(w.rect.top for w in below)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_nation_s_name_fits_its_label(make_app, size: tuple[int, int]) -> None:
    """Every nation's name, and every seat's Team/Bot, is narrower than its widget."""
    setup = put_up(make_app, size)
    names = [setup.widgets[k] for k in setup.widgets if k.startswith("nation:")]
    seats = [
        setup.widgets[k].menu_states["closed"].selected_option_button
        for k in setup.widgets
        if k.startswith("seat:")
    ]
    cut = [(w.text, w.rect.width) for w in names + seats if w.font.size(w.text)[0] > w.rect.width]
    assert cut == []
