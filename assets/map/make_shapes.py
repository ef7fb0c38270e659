"""Make assets/map/actors.json, the map of the six actors, from Natural Earth's TopoJSON.

The input is the npm package `world-atlas` (Natural Earth 1:50m countries as TopoJSON),
given as its tarball or as the extracted `countries-50m.json`; the tarball is not kept in
the repository (PROVENANCE.md records its name, version and checksum):

    cd /tmp && npm pack world-atlas@2.0.2
    python assets/map/make_shapes.py /tmp/world-atlas-2.0.2.tgz

The layout is an interrupted strip read west to east: Europe | East Asia | Pacific | US.
Every panel has the same scale (one degree of latitude is the same length everywhere, and
each panel's longitudes are shortened by the cosine of its own middle latitude), so the US
and China keep their true relative sizes; only empty ocean is cut out: the 38 degrees
between Europe and China's western border, and most of the Pacific (Hawaii sits in what is
left of it). Europe, Crete to Lapland, is as high as China, Hainan to the Amur, so it
stands beside Asia at the same scale, shifted north. Without the cuts the strip would be
6:1 and Taiwan 8 pixels wide across a 1280-pixel screen; with them it is 4:1 and Taiwan
12 by 28 pixels (19 by 42 at 1920).

Standard library only, so that it runs with the project's own dependencies.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "actors.json"
MEMBER = "package/countries-50m.json"  # the file inside the npm tarball

Point = tuple[float, float]
Ring = list[Point]

# ISO 3166-1 numeric ids (Natural Earth's `id`); the one feature without an id is named.
EU_27 = {
    "040": "Austria", "056": "Belgium", "100": "Bulgaria", "191": "Croatia",
    "196": "Cyprus", "203": "Czechia", "208": "Denmark", "233": "Estonia",
    "246": "Finland", "250": "France", "276": "Germany", "300": "Greece",
    "348": "Hungary", "372": "Ireland", "380": "Italy", "428": "Latvia",
    "440": "Lithuania", "442": "Luxembourg", "470": "Malta", "528": "Netherlands",
    "616": "Poland", "620": "Portugal", "642": "Romania", "703": "Slovakia",
    "705": "Slovenia", "724": "Spain", "752": "Sweden",
}  # fmt: skip
ACTORS: dict[str, tuple[str, list[str]]] = {
    "US": ("United States", ["840"]),
    "TW": ("Taiwan", ["158"]),
    # Hong Kong and Macao are separate features in Natural Earth; without them the coast
    # of Guangdong would have two notches.
    "CN": ("China", ["156", "344", "446"]),
    "JP": ("Japan", ["392"]),
    "KR": ("South Korea", ["410"]),
    # The whole island of Cyprus is EU territory; Natural Earth draws its north apart.
    "EU": ("European Union", [*EU_27, "name:N. Cyprus"]),
}


@dataclass(frozen=True)
class Panel:
    """One piece of the interrupted strip: a lon/lat window and where it goes.

    `x0` is the panel's left edge in map units (degrees of latitude); `top` is the
    latitude drawn at y = 0; `parallel` is the latitude whose scale is kept east-west.
    """

    name: str
    west: float
    east: float
    south: float
    north: float
    parallel: float
    x0: float
    top: float

    def contains(self, ring: Ring) -> bool:
        """Whether the ring's first point lies in the panel's window."""
        lon, lat = ring[0]
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def project(self, lon: float, lat: float) -> Point:
        """Map units: x east from the panel's left edge, y south from `top`."""
        return (
            self.x0 + (lon - self.west) * math.cos(math.radians(self.parallel)),
            self.top - lat,
        )

    def width(self) -> float:
        """The panel's width in map units."""
        return (self.east - self.west) * math.cos(math.radians(self.parallel))


TOP, BOTTOM = 54.5, 17.0  # China from the Amur to Hainan; the strip's height
EUROPE_TOP, EUROPE_BOTTOM = 71.5, 34.5  # drawn at the strip's top, as high as China
GAP_ASIA = 3.0  # what is left of the 38 degrees between Europe and Xinjiang
GAP_PACIFIC = 13.0  # what is left of the Pacific, with Hawaii in its middle
HAWAII_WIDTH = 6.0 * math.cos(math.radians(20.5))
MARGIN = 1.0
# Taiwan, where the game is played, keeps more detail than one tolerance would leave it
# (8 points); South Korea's coast of islands too.
DETAIL = {"TW": 0.15, "KR": 0.5}


def _panels() -> list[Panel]:
    """The four panels, placed left to right with the gaps between them."""
    europe = Panel("Europe", -10.5, 34.7, EUROPE_BOTTOM, EUROPE_TOP, 50.0, MARGIN, EUROPE_TOP)
    asia_x = europe.x0 + europe.width() + GAP_ASIA
    asia = Panel("East Asia", 73.4, 146.0, 17.5, 54.0, 36.0, asia_x, TOP)
    pacific = asia.x0 + asia.width()  # the Pacific gap's west edge
    hawaii_x = pacific + (GAP_PACIFIC - HAWAII_WIDTH) / 2
    hawaii = Panel("Hawaii", -160.5, -154.5, 18.5, 22.5, 20.5, hawaii_x, TOP)
    us = Panel("United States", -124.8, -66.9, 24.3, 49.5, 37.0, pacific + GAP_PACIFIC, TOP)
    return [europe, asia, hawaii, us]


def _breaks(panels: list[Panel]) -> list[float]:
    """Where the strip is cut (map units): Europe–Asia, Japan–Hawaii and Hawaii–US."""
    europe, asia, hawaii, us = panels
    return [
        (europe.x0 + europe.width() + asia.x0) / 2,
        (asia.x0 + asia.width() + hawaii.x0) / 2,
        (hawaii.x0 + hawaii.width() + us.x0) / 2,
    ]


# --- TopoJSON -----------------------------------------------------------------------------


def _read_topology(source: Path) -> tuple[dict, str]:
    """The countries topology and a note of where it came from (name and sha1)."""
    data = source.read_bytes()
    sha1 = hashlib.sha1(data).hexdigest()
    if source.suffix == ".tgz":
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                sys.exit(f"{source}: no {MEMBER} in the tarball")
            return json.load(member), f"{source.name} (sha1 {sha1})"
    return json.loads(data), f"{source.name} (sha1 {sha1})"


def _decode_arcs(topology: dict) -> list[Ring]:
    """Absolute lon/lat arcs: undo the delta encoding, then the quantization transform."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _polygons(geometry: dict) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's rings as lists of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def _outline(arcs: list[Ring], geometries: list[dict]) -> list[Ring]:
    """The rings of the union of `geometries`: arcs two members share are interior, dropped.

    This is topojson.merge: an arc used once is on the union's boundary; the boundary arcs
    are then chained end to start into closed rings.
    """
    uses: dict[int, int] = {}
    for geometry in geometries:
        for polygon in _polygons(geometry):
            for ring in polygon:
                for index in ring:
                    base = index if index >= 0 else ~index
                    uses[base] = uses.get(base, 0) + 1
    pieces: list[Ring] = []
    for geometry in geometries:
        for polygon in _polygons(geometry):
            for ring in polygon:
                for index in ring:
                    if uses[index if index >= 0 else ~index] == 1:
                        pieces.append(arcs[index] if index >= 0 else arcs[~index][::-1])
    by_start: dict[Point, list[int]] = {}
    for i, piece in enumerate(pieces):
        by_start.setdefault(piece[0], []).append(i)
    used = [False] * len(pieces)
    rings = []
    for first in range(len(pieces)):
        if used[first]:
            continue
        used[first] = True
        ring = list(pieces[first])
        while ring[-1] != ring[0]:
            following = [i for i in by_start.get(ring[-1], []) if not used[i]]
            if not following:
                break  # an open chain cannot happen in a valid topology; drop it
            used[following[0]] = True
            ring.extend(pieces[following[0]][1:])
        if ring[-1] == ring[0] and len(ring) >= 4:
            rings.append(ring[:-1])
    return rings


# --- geometry -----------------------------------------------------------------------------


def _area(ring: Ring) -> float:
    """The ring's area (shoelace; unsigned)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def _inside(point: Point, ring: Ring) -> bool:
    """Even-odd ray casting."""
    x, y = point
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment ab."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """Keep the points farther than `tolerance` from the simplified line (iterative)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_at = 0.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_at = d, i
        if worst > tolerance:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker on a closed ring: split at the point farthest from the first."""
    far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
    first = _douglas_peucker(ring[: far + 1], tolerance)
    second = _douglas_peucker([*ring[far:], ring[0]], tolerance)
    return first[:-1] + second[:-1]


def _label_point(polygon: Ring, holes: list[Ring]) -> Point:
    """A point well inside the polygon: the grid point farthest from every edge.

    A coarse pole of inaccessibility (as Mapbox's polylabel finds exactly); the centroid
    would fall in the sea for a crescent such as Honshu.
    """
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    best, best_at = -1.0, polygon[0]
    steps = 60
    for i in range(steps + 1):
        for j in range(steps + 1):
            p = (
                min(xs) + (max(xs) - min(xs)) * i / steps,
                min(ys) + (max(ys) - min(ys)) * j / steps,
            )
            if not _inside(p, polygon) or any(_inside(p, h) for h in holes):
                continue
            edges = [polygon, *holes]
            d = min(_segment_distance(p, r[k], r[k - 1]) for r in edges for k in range(len(r)))
            if d > best:
                best, best_at = d, p
    return best_at


def _crossings(rings: list[Ring], y: float) -> list[float]:
    """The x where the horizontal line at `y` crosses the rings' edges."""
    xs = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return xs


def _strait(china: list[Ring], taiwan: list[Ring], asia: Panel, width: float) -> dict:
    """The Taiwan Strait: a centre line and the water between the two coasts."""
    west_coast, east_coast, centre = [], [], []
    for lat in (25.2, 24.7, 24.2, 23.7, 23.2):
        y = asia.project(0.0, lat)[1] / width
        tw = min(_crossings(taiwan, y))
        cn = max(x for x in _crossings(china, y) if x < tw)
        west_coast.append((cn, y))
        east_coast.append((tw, y))
        centre.append(((cn + tw) / 2, y))
    return {"line": centre, "polygon": west_coast + east_coast[::-1], "label": centre[2]}


# --- the file -----------------------------------------------------------------------------


def build(topology: dict, source: str, tolerance: float, min_area: float) -> dict:
    """Everything actors.json holds, in map units scaled to a strip one unit wide."""
    arcs = _decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    panels = _panels()
    width = panels[-1].x0 + panels[-1].width() + MARGIN
    height = TOP - BOTTOM

    actors: dict[str, dict] = {}
    projected: dict[str, list[Ring]] = {}
    for actor, (name, ids) in ACTORS.items():
        chosen = [
            g
            for g in geometries
            if g.get("id") in ids or f"name:{g['properties'].get('name')}" in ids
        ]
        rings = []
        for ring in _outline(arcs, chosen):
            panel = next((p for p in panels if p.contains(ring)), None)
            if panel is None:
                continue  # Alaska, Puerto Rico, French Guiana, the Canaries: off the map
            rings.append([(x / width, y / width) for x, y in (panel.project(*p) for p in ring)])
        projected[actor] = rings
        big = [r for r in rings if _area(r) >= min_area]
        # A ring inside another of the same actor is a hole (Switzerland in the EU).
        holes = [r for r in big if any(o is not r and _inside(r[0], o) for o in big)]
        outer = [r for r in big if not any(r is h for h in holes)]
        outer.sort(key=_area, reverse=True)
        fine = tolerance * DETAIL.get(actor, 1.0)
        simplified = [_simplify_ring(r, fine) for r in outer]
        simple_holes = [_simplify_ring(h, fine) for h in holes]
        actors[actor] = {
            "name": name,
            "label": _round(_label_point(simplified[0], simple_holes)),
            "polygons": [[_round(p) for p in r] for r in simplified if len(r) >= 3],
            "holes": [[_round(p) for p in h] for h in simple_holes if len(h) >= 3],
        }
    strait = _strait(projected["CN"], projected["TW"], panels[1], width)
    return {
        "source": f"Natural Earth 1:50m admin-0 countries (public domain) via {source}",
        "made_by": "assets/map/make_shapes.py",
        "aspect": round(height / width, 4),
        "actors": actors,
        "strait": {
            "line": [_round(p) for p in strait["line"]],
            "polygon": [_round(p) for p in strait["polygon"]],
            "label": _round(strait["label"]),
        },
        "breaks": [round(b / width, 4) for b in _breaks(panels)],
    }


def _round(point: Point) -> list[float]:
    """Four decimals: 0.4 pixels on a screen 3840 pixels wide."""
    return [round(point[0], 4), round(point[1], 4)]


def main() -> None:
    """Read the tarball (or countries-50m.json) named on the command line; write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas-2.0.2.tgz or countries-50m.json")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument(
        "--tolerance", type=float, default=0.0006, help="Douglas–Peucker, map widths"
    )
    parser.add_argument(
        "--min-area", type=float, default=3e-6, help="smallest island kept, map widths²"
    )
    args = parser.parse_args()
    topology, source = _read_topology(args.source)
    result = build(topology, source, args.tolerance, args.min_area)
    text = json.dumps(result, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    for actor, shape in result["actors"].items():
        points = sum(len(p) for p in shape["polygons"])
        print(
            f"{actor}: {len(shape['polygons'])} polygons, {points} points, {len(shape['holes'])} holes"
        )
    print(f"{args.out}: {len(text) + 1} bytes, aspect {result['aspect']}")


if __name__ == "__main__":
    main()
