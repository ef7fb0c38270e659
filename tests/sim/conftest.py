"""Fixtures for the simulation tests: a small "lab" ruleset written to a temporary folder.

The lab ruleset has three nations (US, TW, CN), three firms, two agencies, one
parameter `k`, a proposal with its answers, and world attributes that tests use to
observe what ran (`x` records order as digits: x = x * 10 + k). Each test adds the
rules, bots or events it needs as an extra file.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

LAB_GAME = """\
game:
  title: Lab
  start: 2030Q3
  turns: 10
  phases: PHASES
  budget: self.gdp * 0.1
parameters:
  k:
    value: 1
    min: 0
    max: 10
    doc: A knob for tests.
    assumption: tests only
attributes:
  world:
    x: 0
    zero: 0
    counter: 0
    started: 0
    level: {value: 0.5, min: 0, max: 1}
    deal: 0
    rejections: 0
    expired: 0
  nation:
    gdp: 100
    hits: 0
    floor: {value: 1, min: 0}
  firm:
    hits: 0
  agency:
    hits: 0
investment_lines:
  fabs: {doc: Fabs., assumption: tests only}
  ai: {doc: AI., assumption: tests only}
  talent: {doc: Talent., assumption: tests only}
"""

LAB_WORLD = """\
nations:
  US: {name: United States, tags: [ally]}
  TW: {name: Taiwan, tags: [ally, island]}
  CN: {name: China, attrs: {gdp: 50}}
firms:
  TSMC: {name: TSMC, nation: TW, tags: [foundry]}
  Intel: {name: Intel, nation: US, tags: [foundry]}
  Huawei: {name: Huawei, nation: CN, tags: [vendor]}
agencies:
  ITRI: {name: ITRI, nation: TW, tags: [lab]}
  CHIPS: {name: CHIPS office, nation: US}
actions:
  mark:
    doc: Leave a mark in the world.
    assumption: tests only
    effects:
      - set: world.x
        value: "world.x * 10 + 5"
      - add: world.counter
        value: 1
      - news: "{self.name} leaves a mark."
  propose_deal:
    doc: Propose a deal; the target answers next turn.
    assumption: tests only
    target: nation
    effects:
      - news: "{self.name} proposes a deal to {target.name}."
    proposal:
      expires: 1
      on_accept:
        - set: world.deal
          value: 1
      on_reject:
        - add: world.rejections
          value: 1
        - news: "{target.name} rejects the deal."
      on_expire:
        - add: world.expired
          value: 1
  accept_deal:
    doc: Accept a pending proposal.
    assumption: tests only
    target: nation
    answer: accept
  reject_deal:
    doc: Reject a pending proposal.
    assumption: tests only
    target: nation
    answer: reject
events:
  boom:
    doc: A loud noise.
    assumption: tests only
    effects:
      - set: world.x
        value: "world.x * 10 + 7"
      - news: "Boom; x is now {world.x:.0f}."
metrics:
  x: {doc: The order record., expr: world.x}
  counter: {doc: A counter., expr: world.counter}
"""

DEFAULT_PHASES = "[first, decisions, second, events, third]"


@pytest.fixture
def lab(tmp_path: Path) -> Callable[..., Path]:
    """Return `make(extra="", phases=...)`, which writes a lab ruleset folder and returns it."""
    counter = itertools.count()

    def make(extra: str = "", phases: str = DEFAULT_PHASES) -> Path:
        folder = tmp_path / f"lab{next(counter)}"
        folder.mkdir()
        (folder / "game.yaml").write_text(LAB_GAME.replace("PHASES", phases), encoding="utf-8")
        (folder / "world.yaml").write_text(LAB_WORLD, encoding="utf-8")
        if extra:
            (folder / "extra.yaml").write_text(textwrap.dedent(extra), encoding="utf-8")
        return folder

    return make
