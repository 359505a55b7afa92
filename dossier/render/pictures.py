"""Geometry for the static SVG pictures (co-mention network, timeline, source chain). Markup is in templates.

Positions are rounded to one decimal so the same input always draws the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

MAX_NEIGHBOURS = 12


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    r: float
    label: str
    target: Any  # the entity it links to
    detail: str = ""
    is_centre: bool = False


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str


@dataclass
class Picture:
    width: int
    height: int
    title: str
    description: str  # the text alternative: says in words what the picture shows
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    rows: list[TimelineRow] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineRow:
    y: float
    date: dt.date
    label: str
    kind: str  # "event" or "article"
    is_inference: bool
    target: Any  # entity to link to, or None


def _round(value: float) -> float:
    return round(value, 1)


def network_picture(centre: Any, name: str, mentions: int, neighbours: list[tuple[Any, str, int]]) -> Picture:
    """The person in the middle, the people named in the same passages around, lines as thick as the count."""
    shown = neighbours[:MAX_NEIGHBOURS]
    width, height, radius = 460, 360, 130.0
    cx, cy = width / 2, height / 2
    others = ", ".join(f"{label} ({count})" for _, label, count in shown) or "nobody"
    picture = Picture(
        width,
        height,
        f"People named in the same passages as {name}",
        f"{name} is named in the same passages as {others}; the number is how many passages.",
    )
    picture.nodes.append(Node(cx, cy, 24.0, name, centre, f"{mentions} mentions", is_centre=True))
    biggest = max((count for _, _, count in shown), default=1)
    for position, (entity, label, count) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * position / max(len(shown), 1)
        x, y = _round(cx + radius * math.cos(angle)), _round(cy + radius * math.sin(angle))
        picture.edges.append(Edge(cx, cy, x, y, _round(1 + 5 * count / biggest), f"{count}"))
        picture.nodes.append(Node(x, y, _round(10 + 8 * math.sqrt(count / biggest)), label, entity, f"{count}"))
    return picture


def timeline_picture(title: str, rows: list[tuple[dt.date, str, str, bool, Any]]) -> Picture:
    """Events and articles down a time line; gaps grow with the time between, so clusters read as clusters."""
    ordered = sorted(rows, key=lambda row: (row[0], row[2] != "event", row[1]))
    y, previous = 30.0, None
    picture = Picture(640, 0, title, "")
    for date, label, kind, is_inference, target in ordered:
        if previous is not None:
            y += 30 + min(40.0, 8 * math.log1p((date - previous).days))
        short = label if len(label) <= 80 else label[:79] + "…"
        picture.rows.append(TimelineRow(_round(y), date, short, kind, is_inference, target))
        previous = date
    picture.height = int(y + 30)
    picture.description = "; ".join(
        f"{row.date.isoformat()}: {row.label}{' (inferred)' if row.is_inference else ''}" for row in picture.rows
    )
    return picture


def chain_picture(title: str, columns: list[list[tuple[str, Any]]]) -> Picture:
    """Boxes left to right, each column feeding the next: the source, what it came through, who reported it."""
    box_width, box_height, gap = 170.0, 44.0, 50.0
    tallest = max((len(column) for column in columns), default=1)
    height = int(tallest * (box_height + 16) + 24)
    width = int(len(columns) * (box_width + gap) - gap + 20)
    picture = Picture(width, height, title, "")
    previous: list[Node] = []
    for index, column in enumerate(columns):
        x = 10 + index * (box_width + gap)
        top = (height - len(column) * (box_height + 16) + 16) / 2
        current = [
            Node(_round(x), _round(top + row * (box_height + 16)), box_height, label, target)
            for row, (label, target) in enumerate(column)
        ]
        for left in previous:
            for right in current:
                picture.edges.append(
                    Edge(left.x + box_width, left.y + box_height / 2, right.x, right.y + box_height / 2, 1.5, "")
                )
        picture.nodes.extend(current)
        previous = current
    picture.description = " → ".join(", ".join(label for label, _ in column) for column in columns)
    return picture
