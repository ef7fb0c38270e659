"""Shared fixtures: small rulesets written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests prove behaviour, not speed: no per-example deadline (a loaded CI machine
# would otherwise fail them at random).
settings.register_profile("silicon-shield", deadline=None)
settings.load_profile("silicon-shield")

MINI_GAME = """\
game:
  title: Mini Shield
  phases: [decisions, production, events]
  budget: self.gdp * 0.1
parameters:
  us_cost_premium:
    value: 0.5
    min: 0.0
    max: 1.0
    doc: Extra cost of a fab built in the US.
    source: "the article: US fabs cost about half again as much"
attributes:
  world:
    strait_tension: {value: 0.2, min: 0.0, max: 1.0}
  nation:
    gdp: 100.0
    capacity: 0.3
  firm:
    output: 1.0
investment_lines:
  fabs:
    doc: Build fabs at home.
    assumption: the simplest line there is
"""

MINI_WORLD = """\
nations:
  TW:
    name: Taiwan
    tags: [ally]
    attrs: {gdp: 50.0, capacity: 0.6}
firms:
  TSMC:
    name: TSMC
    nation: TW
    attrs: {output: 10.0}
actions:
  raise_tension:
    doc: Sail ships near the strait.
    assumption: a plain lever for tests
    effects:
      - add: world.strait_tension
        value: 0.1
rules:
  tension_decays:
    doc: Tension fades a little each quarter.
    source: "the article: crises cool down"
    phase: production
    effects:
      - multiply: world.strait_tension
        value: 0.9
events:
  strait_crisis:
    doc: A crisis in the strait.
    assumption: rare but possible
    chance: 0.05
    effects:
      - add: world.strait_tension
        value: 0.3
      - news: "Tension rises to {world.strait_tension:.0%}"
metrics:
  strait_tension:
    doc: How tense the strait is.
    expr: world.strait_tension
    unit: share
"""


@pytest.fixture
def mini_rules(tmp_path: Path) -> Path:
    """A minimal valid ruleset folder: game.yaml (game, parameters, attributes, lines) and world.yaml."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "game.yaml").write_text(MINI_GAME, encoding="utf-8")
    (folder / "world.yaml").write_text(MINI_WORLD, encoding="utf-8")
    return folder
